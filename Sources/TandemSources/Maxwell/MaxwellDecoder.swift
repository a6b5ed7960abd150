import TandemCore

/// Decodes one row of Maxwell's daemon (its JSON output, one object a line) into a change.
///
/// Shape, from Maxwell's data-format documentation: `{"database","table","type":"insert|update|delete",
/// "ts":SECONDS,"xid":…,"commit":true,"data":{…},"old":{…}}`; `old` (updates) holds the old values of the changed
/// columns only, so the before-image is `data` with `old` laid over it. `bootstrap-insert` rows (a table's initial
/// load) are snapshots; `bootstrap-start`/`-complete` and DDL records (`output_ddl`: `table-create`, …) carry no row
/// and are skipped. Entity = `database.table` (`EntityNaming`), txn = `xid`, committedAt = `ts`. The key comes from
/// `primary_key_columns` with `primary_key` (Maxwell's `output_primary_key_columns`/`output_primary_keys`) when
/// both are there; otherwise it is left empty and the mapping fills it (its `primaryKey`, else the column `id`).
/// Values are plain JSON (Maxwell writes dates and times as text).
enum MaxwellDecoder {
    static let skipped: Set<String> = ["bootstrap-start", "bootstrap-complete", "table-create", "table-alter", "table-drop",
                                       "database-create", "database-alter", "database-drop"]

    static func decode(_ line: UnsafeRawBufferPointer, position: String, naming: EntityNaming) -> DecodedLine {
        let root: JSONValue
        switch FormatValues.object(line, "a Maxwell row") {
        case .object(let o): root = o
        case .done(let outcome): return outcome
        }
        guard let type = root["type"]?.string else {
            return .failure(Rejection(rule: "parse", column: "type", reason: "missing field \"type\" (expected insert, update or delete)"))
        }
        if skipped.contains(type) { return .skip }
        let op: ChangeKind
        switch type {
        case "insert": op = .insert
        case "update": op = .update
        case "delete": op = .delete
        case "bootstrap-insert": op = .snapshot
        default: return .failure(Rejection(rule: "parse", column: "type", reason: "unknown type \"\(type)\"; expected insert, update, delete or bootstrap-insert"))
        }
        guard let table = root["table"]?.string, !table.isEmpty else {
            return .failure(Rejection(rule: "parse", column: "table", reason: "missing \"table\": the entity of the change"))
        }
        let db = root["database"]?.string
        guard let d = root["data"], d.object != nil else {
            return .failure(Rejection(rule: "parse", column: "data", reason: "missing object \"data\": the row"))
        }
        let data: Row
        do throws(Reason) { data = try DebeziumDecoder.row(d, types: nil, image: "data", placeholder: .none) } catch {
            return .failure(Rejection(rule: "parse", column: "data", reason: error.text))
        }
        var before: Row?, after: Row?
        switch op {
        case .delete:
            before = data
        case .update:
            after = data
            var b = data
            if let old = root["old"], !old.isNull {
                guard let members = old.object else { return .failure(Rejection(rule: "parse", column: "old", reason: "\"old\" is \(DebeziumDecoder.kind(old)), expected an object")) }
                for (name, value) in members { b[name] = DebeziumTypes.plain(value) }
            }
            before = b
        default:
            after = data
        }
        var key = Row()
        if let names = root["primary_key_columns"]?.array, let values = root["primary_key"]?.array, names.count == values.count, !names.isEmpty {
            for (n, v) in zip(names, values) {
                guard let name = n.string, !key.names.contains(name) else {
                    return .failure(Rejection(rule: "parse", column: "primary_key_columns", reason: "primary_key_columns must be distinct column names"))
                }
                key.appendUnchecked(name, DebeziumTypes.plain(v))
            }
        }
        var committedAt: Timestamp?
        if let s = root["ts"]?.int64 {
            let (us, overflow) = s.multipliedReportingOverflow(by: 1_000_000)
            if !overflow { committedAt = Timestamp(microseconds: us) }
        }
        let e = Event(sourcePosition: position, txn: FormatValues.idText(root["xid"]), committedAt: committedAt,
                      entity: naming.entity(db: db, schema: nil, table: table), key: key, op: op, before: before, after: after)
        return .change(e, origin: EntityNaming.origin(db: db, schema: nil, table: table))
    }
}

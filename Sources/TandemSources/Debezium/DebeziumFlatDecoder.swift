import TandemCore

/// Decodes one Debezium record flattened by the New Record State Extraction SMT (`ExtractNewRecordState`).
///
/// Shape, from Debezium's event-flattening documentation: the row's columns, plus the metadata the SMT's
/// `add.fields` copies in with a `__` prefix (`op` → `__op`, `table` → `__table`, `db` → `__db`, `schema` →
/// `__schema`, `txId` → `__txId`, `source.ts_ms` → `__source_ts_ms`, `ts_ms` → `__ts_ms`) and, with
/// `delete.handling.mode=rewrite`, `__deleted` ("true" for a delete, whose row is then the before-image); optionally
/// wrapped as `{"schema":{…},"payload":{…}}`. Needs `__table` (the entity) and `__op` or `__deleted` (what
/// happened): with `add.fields=op,table,schema,db,txId,source.ts_ms` on the SMT every field is there. A null value
/// (tombstone) is skipped. `__`-prefixed fields never become columns.
enum DebeziumFlatDecoder {
    static func decode(_ line: UnsafeRawBufferPointer, position: String, naming: EntityNaming) -> DecodedLine {
        if DebeziumDecoder.isNullLine(line) { return .skip }
        let root: JSONValue
        do throws(JSONError) { root = try JSONValue.parse(line) } catch {
            return .failure(Rejection(rule: "parse", reason: "not a JSON value: \(error)"))
        }
        var record = root
        var types: [String: DebeziumField]?
        if let p = root["payload"], root["__op"] == nil, root["__table"] == nil {
            if p.isNull { return .skip }
            record = p
            types = root["schema"].flatMap { $0.isNull ? nil : DebeziumSchema(flat: $0).after }
        }
        if record.isNull { return .skip }
        guard let members = record.object else {
            return .failure(Rejection(rule: "parse", reason: "a flattened Debezium record is a JSON object, found \(DebeziumDecoder.kind(record))"))
        }
        if record["op"] != nil, record["source"] != nil, record["__op"] == nil {
            return .failure(Rejection(rule: "parse", column: "op", reason: "this is a Debezium envelope (op, source), not a flattened record; hint: read it with format=debezium"))
        }
        let hint = "hint: set add.fields=op,table,schema,db,txId,source.ts_ms on ExtractNewRecordState"
        guard let table = record["__table"]?.string, !table.isEmpty else {
            return .failure(Rejection(rule: "parse", column: "__table", reason: "missing \"__table\": the entity of the change; \(hint)"))
        }
        let deleted = record["__deleted"].map { $0.bool == true || $0.string == "true" } ?? false
        let op: ChangeKind
        switch record["__op"]?.string {
        case "c"?: op = .insert
        case "u"?: op = .update
        case "d"?: op = .delete
        case "r"?: op = .snapshot
        case "t"?: op = .truncate
        case "m"?: return .skip
        case nil where record["__deleted"] != nil: op = deleted ? .delete : .update  // an upsert of the row's state
        case nil: return .failure(Rejection(rule: "parse", column: "__op", reason: "missing \"__op\" and \"__deleted\": what the change did; \(hint)"))
        case let other?: return .failure(Rejection(rule: "parse", column: "__op", reason: "unknown __op \"\(other)\"; expected c, u, d, r or t"))
        }
        if deleted && op != .delete {
            return .failure(Rejection(rule: "parse", column: "__deleted", reason: "__deleted is true but __op is \(record["__op"]?.string ?? "")"))
        }
        let db = record["__db"]?.string, schema = record["__schema"]?.string
        var r = Row()
        r.reserveCapacity(members.count)
        do throws(Reason) {
            var seen: Set<String> = []
            for (name, value) in members where !name.hasPrefix("__") {
                guard seen.insert(name).inserted else { throw Reason(text: "the record repeats the column \"\(name)\"") }
                if DebeziumDecoder.isPlaceholder(value) {
                    guard op == .update || op == .delete else {
                        throw Reason(text: "column \"\(name)\": op \(record["__op"]?.string ?? "") carries the TOAST placeholder \(DebeziumDecoder.unavailablePlaceholder), so the new row's value is unknown", column: name)
                    }
                    continue
                }
                r.appendUnchecked(name, try DebeziumTypes.value(value, field: types?[name], column: name))
            }
        } catch {
            return .failure(Rejection(rule: "parse", column: error.column, reason: error.text))
        }
        let e = Event(sourcePosition: position, txn: FormatValues.idText(record["__txId"]),
                      committedAt: DebeziumDecoder.commitTime(record["__source_ts_ms"]?.int64, fallback: record["__ts_ms"]?.int64),
                      entity: naming.entity(db: db, schema: schema, table: table), key: Row(), op: op,
                      before: op == .delete ? r : nil, after: op == .delete || op == .truncate ? nil : r)
        return .change(e, origin: EntityNaming.origin(db: db, schema: schema, table: table))
    }
}

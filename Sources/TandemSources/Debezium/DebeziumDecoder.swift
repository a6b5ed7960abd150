import TandemCore

/// Decodes one Debezium change-event value (JSON converter output) into a change.
///
/// Shape, from Debezium's connector documentation: `{"before":…,"after":…,"source":{…,"ts_ms","db","schema",
/// "table","txId","lsn"},"op":"c|u|d|r|t","ts_ms":…,"transaction":{"id",…}}`, optionally wrapped as
/// `{"schema":{…},"payload":{…}}` when the converter writes schemas. A `null` value (tombstone) and `op` `m` (a
/// logical-decoding message) are skipped. Entity = `source.db`/`schema`/`table` as `EntityNaming` says;
/// txn = `source.txId`, else `transaction.id` (MySQL, SQL Server); committedAt = `source.ts_ms`, else the envelope's
/// `ts_ms` (MySQL snapshot events carry `source.ts_ms` 0). With a schema, the declared types decide values
/// (`DebeziumTypes`). The TOAST placeholder means "unchanged": the column is left out of the image (the upsert keeps
/// the stored value); in an insert or snapshot row it is refused. The key is left empty: the mapping fills it.
public enum DebeziumDecoder {
    /// Debezium's default `unavailable.value.placeholder`: a PostgreSQL TOAST value the change does not carry.
    public static let unavailablePlaceholder = "__debezium_unavailable_value"

    /// Decodes one line.
    public static func decode(_ line: UnsafeRawBufferPointer, position: String) -> LineDecoding {
        decode(line, position: position, naming: .schemaTable).decoding
    }

    static func decode(_ line: UnsafeRawBufferPointer, position: String, naming: EntityNaming) -> DecodedLine {
        if isNullLine(line) { return .skip }
        let root: JSONValue
        do throws(JSONError) { root = try JSONValue.parse(line) } catch {
            return .failure(Rejection(rule: "parse", reason: "not a JSON value: \(error)"))
        }
        var payload = root
        var schema: JSONValue?
        if let p = root["payload"], root["op"] == nil {
            if p.isNull { return .skip }  // tombstone with the schema wrapper
            payload = p
            schema = root["schema"].flatMap { $0.isNull ? nil : $0 }
        }
        if payload.isNull { return .skip }
        guard let members = payload.object else {
            return .failure(Rejection(rule: "parse", reason: "a Debezium change event is a JSON object, found \(kind(payload))"))
        }
        // Transaction metadata (provide.transaction.metadata) and schema-change events carry no row.
        if payload["op"] == nil, let status = payload["status"]?.string, let id = FormatValues.idText(payload["id"]) {
            if status == "BEGIN" { return .begin(txn: id, committedAt: nil) }  // its ts_ms is not the commit time
            if status == "END" { return .commit }
        }
        if payload["op"] == nil, payload["ddl"] != nil || payload["tableChanges"] != nil { return .skip }
        guard let opText = payload["op"]?.string else {
            if members.contains(where: { $0.key.hasPrefix("__") }) || payload["before"] == nil && payload["after"] == nil {
                return .failure(Rejection(rule: "parse", column: "op", reason: "missing field \"op\": this looks like a record flattened by "
                    + "ExtractNewRecordState (no before/after envelope); hint: read it with format=debezium-flat"))
            }
            return .failure(Rejection(rule: "parse", column: "op", reason: "missing field \"op\" (expected c, u, d, r or t)"))
        }
        let op: ChangeKind
        switch opText {
        case "c": op = .insert
        case "u": op = .update
        case "d": op = .delete
        case "r": op = .snapshot
        case "t": op = .truncate
        case "m": return .skip
        default:
            return .failure(Rejection(rule: "parse", column: "op", reason: "unknown op \"\(opText)\"; expected c, u, d, r or t"))
        }
        guard let source = payload["source"], source.object != nil else {
            return .failure(Rejection(rule: "parse", column: "source", reason: "missing object \"source\""))
        }
        if source["connector"]?.string == "mongodb" || source["collection"] != nil {
            return .failure(Rejection(rule: "parse", column: "source", reason: "MongoDB change events are not supported "
                + "(documents, not rows); hint: flatten them to rows first (Debezium's ExtractNewDocumentState) and read them with format=debezium-flat"))
        }
        guard let table = source["table"]?.string, !table.isEmpty else {
            return .failure(Rejection(rule: "parse", column: "source.table", reason: "missing \"source.table\": the entity of the change"))
        }
        let db = source["db"]?.string, schemaName = source["schema"]?.string
        let txn = FormatValues.idText(source["txId"]) ?? FormatValues.idText(payload["transaction"]?["id"])
        let committedAt = commitTime(source["ts_ms"]?.int64, fallback: payload["ts_ms"]?.int64)
        let fields = schema.map(DebeziumSchema.init(envelope:))
        var before: Row?, after: Row?
        do throws(Reason) {
            if let b = payload["before"], !b.isNull { before = try row(b, types: fields?.before, image: "before", placeholder: .leaveOut) }
            if let a = payload["after"], !a.isNull {
                after = try row(a, types: fields?.after, image: "after", placeholder: op == .update ? .leaveOut : .refuse(opText))
            }
        } catch {
            return .failure(Rejection(rule: "parse", column: error.column, reason: error.text))
        }
        switch op {
        case .insert, .snapshot, .update:
            if after == nil { return .failure(Rejection(rule: "parse", column: "after", reason: "op \(opText) without an \"after\" image")) }
        case .delete:
            if before == nil { return .failure(Rejection(rule: "parse", column: "before", reason: "delete without a \"before\" image (hint: set REPLICA IDENTITY on the legacy table)")) }
        case .truncate: break
        }
        let e = Event(sourcePosition: position, txn: txn, committedAt: committedAt,
                      entity: naming.entity(db: db, schema: schemaName, table: table), key: Row(), op: op, before: before, after: after,
                      beforeComplete: DebeziumBeforeImage.isComplete(op: op, before: before, after: after, declared: fields?.before))
        return .change(e, origin: EntityNaming.origin(db: db, schema: schemaName, table: table))
    }

    /// The commit time from the source's milliseconds, or the fallback's when the source's are absent or 0.
    static func commitTime(_ sourceMs: Int64?, fallback: Int64?) -> Timestamp? {
        guard let ms = sourceMs.flatMap({ $0 == 0 ? nil : $0 }) ?? fallback else { return nil }
        let (us, overflow) = ms.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : Timestamp(microseconds: us)
    }

    /// What a TOAST placeholder in an image means.
    enum Placeholder {
        /// "Unchanged": the column is left out of the image.
        case leaveOut
        /// The op (c or r) writes a whole new row: an unknown value cannot be written.
        case refuse(String)
        /// Not Debezium: the text is a value like any other.
        case none
    }

    static func row(_ v: JSONValue, types: [String: DebeziumField]?, image: String, placeholder: Placeholder = .leaveOut) throws(Reason) -> Row {
        guard let members = v.object else { throw Reason(text: "\"\(image)\" is \(kind(v)), expected an object or null") }
        var r = Row()
        r.reserveCapacity(members.count)
        // As in EventJSON's rows: a scan for short rows (cheapest), a set for wide ones, so thousands of
        // columns cost O(n), not O(n²).
        var wide: Set<String>? = members.count > 32 ? Set(minimumCapacity: members.count) : nil
        for (name, value) in members {
            let repeated = wide != nil ? !wide!.insert(name).inserted : r.names.contains(name)
            if repeated { throw Reason(text: "\"\(image)\" repeats the column \"\(name)\"") }
            if case .none = placeholder {} else if isPlaceholder(value) {
                if case .refuse(let op) = placeholder {
                    throw Reason(text: "column \"\(name)\": op \(op) carries the TOAST placeholder \(unavailablePlaceholder), "
                        + "so the new row's value is unknown (hint: REPLICA IDENTITY FULL on the legacy table)", column: name)
                }
                continue
            }
            r.appendUnchecked(name, try DebeziumTypes.value(value, field: types?[name], column: name))
        }
        return r
    }

    /// The placeholder as text, as bytes (base64) or as the one element of an array.
    static func isPlaceholder(_ v: JSONValue) -> Bool {
        switch v {
        case .string(let s):
            let n = s.utf8.count  // most strings differ in length: no comparison
            return n == 28 && s == unavailablePlaceholder || n == 40 && s == placeholderBase64
        case .array(let a): return a.count == 1 && a[0].string == unavailablePlaceholder
        default: return false
        }
    }

    static let placeholderBase64 = Base64.encode(Array(unavailablePlaceholder.utf8))

    static func isNullLine(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0, j = b.count
        while i < j, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D { i += 1 }
        while j > i, b[j - 1] == 0x20 || b[j - 1] == 0x09 || b[j - 1] == 0x0D { j -= 1 }
        if i == j { return true }
        return j - i == 4 && b[i] == UInt8(ascii: "n") && b[i + 1] == UInt8(ascii: "u") && b[i + 2] == UInt8(ascii: "l") && b[i + 3] == UInt8(ascii: "l")
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

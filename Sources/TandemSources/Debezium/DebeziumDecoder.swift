import TandemCore

/// Decodes one Debezium change-event value (JSON converter output) into a change.
///
/// Shape, from Debezium's connector documentation: `{"before":…,"after":…,"source":{…,"ts_ms","db","table",
/// "txId","lsn"},"op":"c|u|d|r|t","ts_ms":…}`, optionally wrapped as `{"schema":{…},"payload":{…}}` when the
/// converter writes schemas. A `null` value (tombstone) and `op` `m` (a logical-decoding message) are skipped.
/// Entity = `source.table`, txn = `source.txId`, committedAt = `source.ts_ms`. With a schema, the declared
/// types decide values (`DebeziumTypes`). The key is left empty: the mapping fills it (primary key or `id`).
public enum DebeziumDecoder {
    /// Decodes one line.
    public static func decode(_ line: UnsafeRawBufferPointer, position: String) -> LineDecoding {
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
        guard payload.object != nil else {
            return .failure(Rejection(rule: "parse", reason: "a Debezium change event is a JSON object, found \(kind(payload))"))
        }
        guard let opText = payload["op"]?.string else {
            return .failure(Rejection(rule: "parse", column: "op", reason: "missing field \"op\" (expected c, u, d, r or t)"))
        }
        let op: Operation
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
        guard let table = source["table"]?.string, !table.isEmpty else {
            return .failure(Rejection(rule: "parse", column: "source.table", reason: "missing \"source.table\": the entity of the change"))
        }
        var txn: String?
        if let t = source["txId"], !t.isNull {
            switch t {
            case .number(let n): txn = n
            case .string(let s): txn = s
            default: break
            }
        }
        var committedAt: Timestamp?
        if let ms = source["ts_ms"]?.int64 { committedAt = Timestamp(microseconds: ms &* 1000) }
        let fields = schema.map(DebeziumSchema.init(envelope:))
        var before: Row?, after: Row?
        do throws(Reason) {
            if let b = payload["before"], !b.isNull { before = try row(b, types: fields?.before, image: "before") }
            if let a = payload["after"], !a.isNull { after = try row(a, types: fields?.after, image: "after") }
        } catch {
            return .failure(Rejection(rule: "parse", reason: error.text))
        }
        switch op {
        case .insert, .snapshot, .update:
            if after == nil { return .failure(Rejection(rule: "parse", column: "after", reason: "op \(opText) without an \"after\" image")) }
        case .delete:
            if before == nil { return .failure(Rejection(rule: "parse", column: "before", reason: "delete without a \"before\" image (hint: set REPLICA IDENTITY on the legacy table)")) }
        case .truncate: break
        }
        return .change(Event(sourcePosition: position, txn: txn, committedAt: committedAt, entity: table, key: Row(),
                             op: op, before: before, after: after,
                             beforeComplete: DebeziumBeforeImage.isComplete(op: op, before: before, after: after, declared: fields?.before)))
    }

    static func row(_ v: JSONValue, types: [String: DebeziumField]?, image: String) throws(Reason) -> Row {
        guard let members = v.object else { throw Reason(text: "\"\(image)\" is \(kind(v)), expected an object or null") }
        var r = Row()
        r.reserveCapacity(members.count)
        // As in EventJSON's rows: a scan for short rows (cheapest), a set for wide ones, so thousands of
        // columns cost O(n), not O(n²).
        var wide: Set<String>? = members.count > 32 ? Set(minimumCapacity: members.count) : nil
        for (name, value) in members {
            let repeated = wide != nil ? !wide!.insert(name).inserted : r.names.contains(name)
            if repeated { throw Reason(text: "\"\(image)\" repeats the column \"\(name)\"") }
            r.appendUnchecked(name, try DebeziumTypes.value(value, field: types?[name], column: name))
        }
        return r
    }

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

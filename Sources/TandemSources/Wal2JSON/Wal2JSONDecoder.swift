import TandemCore

/// Decodes one object of wal2json's format version 2 (PostgreSQL logical decoding, one JSON object a tuple).
///
/// Shape, from wal2json's README and regression outputs: `{"action":"I|U|D|T","xid":…,"timestamp":"…","schema":…,
/// "table":…,"columns":[{"name","type","value"}…],"identity":[…],"pk":[{"name","type"}…]}`; `B` and `C` objects mark a
/// transaction's begin and commit (with `include-transaction`, the default), `M` is a logical message (skipped).
/// `xid` (include-xids) is the txn; without it the source's `LineDecoder` names the transaction after its `B` line.
/// `timestamp` (include-timestamp) is the commit time. `columns` is the after-image — wal2json leaves unchanged TOAST
/// columns out, so the upsert keeps their stored values; `identity` is the before-image: the old key (REPLICA
/// IDENTITY DEFAULT or INDEX) or the old row (FULL). `pk` (include-pk) names the key columns; without it the mapping
/// fills the key. Entity = `schema.table` (`EntityNaming`). Values follow their declared `type` (include-types, the
/// default): integers, numeric → decimal (exact text), float → double, boolean, bytea (hex) → bytes,
/// timestamp[tz] → timestamp (one without a zone is UTC), date → timestamp at midnight UTC, time → exact
/// `HH:MM:SS[.ffffff]` text; anything else stays as its text.
enum Wal2JSONDecoder {
    static func decode(_ line: UnsafeRawBufferPointer, position: String, naming: EntityNaming) -> DecodedLine {
        let root: JSONValue
        switch FormatValues.object(line, "a wal2json change") {
        case .object(let o): root = o
        case .done(let outcome): return outcome
        }
        guard let action = root["action"]?.string else {
            if root["change"] != nil {
                return .failure(Rejection(rule: "parse", column: "action", reason: "this is wal2json's format version 1 (one object a transaction); hint: have wal2json write format-version 2"))
            }
            return .failure(Rejection(rule: "parse", column: "action", reason: "missing field \"action\" (expected B, C, I, U, D, T or M)"))
        }
        let xid = FormatValues.idText(root["xid"])
        var committedAt: Timestamp?
        if let t = root["timestamp"]?.string {
            guard let ts = FormatValues.timestamp(postgres: t) else {
                return .failure(Rejection(rule: "parse", column: "timestamp", reason: "timestamp \"\(t)\" is not a PostgreSQL timestamptz"))
            }
            committedAt = ts
        }
        let op: ChangeKind
        switch action {
        case "B": return .begin(txn: xid, committedAt: committedAt)
        case "C": return .commit
        case "M": return .skip
        case "I": op = .insert
        case "U": op = .update
        case "D": op = .delete
        case "T": op = .truncate
        default: return .failure(Rejection(rule: "parse", column: "action", reason: "unknown action \"\(action)\"; expected B, C, I, U, D, T or M"))
        }
        guard let table = root["table"]?.string, !table.isEmpty else {
            return .failure(Rejection(rule: "parse", column: "table", reason: "missing \"table\": the entity of the change"))
        }
        let schema = root["schema"]?.string
        var before: Row?, after: Row?
        do throws(Reason) {
            if let c = root["columns"], !c.isNull { after = try tuple(c, image: "columns") }
            if let i = root["identity"], !i.isNull { before = try tuple(i, image: "identity") }
        } catch {
            return .failure(Rejection(rule: "parse", column: error.column, reason: error.text))
        }
        switch op {
        case .insert, .update:
            if after == nil { return .failure(Rejection(rule: "parse", column: "columns", reason: "action \(action) without \"columns\"")) }
        case .delete:
            if before == nil { return .failure(Rejection(rule: "parse", column: "identity", reason: "delete without \"identity\" (hint: give the legacy table a primary key or REPLICA IDENTITY)")) }
        default: break
        }
        var key = Row()
        if let pk = root["pk"]?.array, !pk.isEmpty {
            for p in pk {
                guard let n = p["name"]?.string, !key.names.contains(n) else {
                    return .failure(Rejection(rule: "parse", column: "pk", reason: "\"pk\" must list distinct column names"))
                }
                // From the image the change writes, as the mapping takes a key: after for I/U, the identity for D.
                guard let v = (op == .delete ? before : after)?[n] else { key = Row(); break }
                key.appendUnchecked(n, v)
            }
        }
        let e = Event(sourcePosition: position, txn: xid, committedAt: committedAt,
                      entity: naming.entity(db: nil, schema: schema, table: table), key: key, op: op, before: before, after: after)
        return .change(e, origin: EntityNaming.origin(db: nil, schema: schema, table: table))
    }

    /// A `columns` or `identity` array as a row.
    static func tuple(_ v: JSONValue, image: String) throws(Reason) -> Row {
        guard let cols = v.array else { throw Reason(text: "\"\(image)\" is \(DebeziumDecoder.kind(v)), expected an array", column: image) }
        var r = Row()
        r.reserveCapacity(cols.count)
        var seen: Set<String> = []
        for c in cols {
            guard let name = c["name"]?.string else { throw Reason(text: "an element of \"\(image)\" has no \"name\"", column: image) }
            guard seen.insert(name).inserted else { throw Reason(text: "\"\(image)\" repeats the column \"\(name)\"", column: name) }
            r.appendUnchecked(name, try value(c["value"] ?? .null, type: c["type"]?.string, column: name))
        }
        return r
    }

    /// A column value by its PostgreSQL type name (typmods such as `(5,2)` or `(6)` ignored).
    static func value(_ v: JSONValue, type: String?, column: String) throws(Reason) -> Value {
        if v.isNull { return .null }
        guard let type else { return DebeziumTypes.plain(v) }
        func bad(_ what: String) -> Reason { Reason(text: "column \"\(column)\" (\(type)): \(what)", column: column) }
        var base = ""
        var depth = 0
        for ch in type { if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 } else if depth == 0 { base.append(ch) } }
        switch base {
        case "smallint", "integer", "bigint", "int2", "int4", "int8", "oid":
            if let i = v.int64 { return .int(i) }
            if case .string(let s) = v, let i = Int64(s) { return .int(i) }
            throw bad("expected an integer, found \(DebeziumDecoder.kind(v))")
        case "numeric", "decimal":
            switch v {
            case .number(let n): return .decimal(n)
            case .string(let s) where s == "NaN" || s == "Infinity" || s == "-Infinity" || Double(s) != nil: return .decimal(s)
            default: throw bad("expected a number, found \(DebeziumDecoder.kind(v))")
            }
        case "real", "double precision", "float4", "float8":
            if let d = v.double { return .double(d) }
            if case .string(let s) = v, let d = Double(s) { return .double(d) }
            throw bad("expected a number, found \(DebeziumDecoder.kind(v))")
        case "boolean", "bool":
            guard let b = v.bool else { throw bad("expected true or false, found \(DebeziumDecoder.kind(v))") }
            return .bool(b)
        case "bytea":
            guard case .string(let s) = v, let b = ChangeRowDecoder.hexBytes(s.hasPrefix("\\x") ? String(s.dropFirst(2)) : s) else { throw bad("expected hexadecimal text") }
            return .bytes(b)
        case "timestamp without time zone", "timestamp", "timestamp with time zone", "timestamptz":
            guard case .string(let s) = v, let t = FormatValues.timestamp(postgres: s) else { throw bad("\(v) is not an instant Tandem can hold (hint: map the column as text)") }
            return .timestamp(t)
        case "date":
            guard case .string(let s) = v, let t = try? Timestamp(rfc3339: s + "T00:00:00Z") else { throw bad("\(v) is not a YYYY-MM-DD date") }
            return .timestamp(t)
        case "time without time zone", "time":
            guard case .string(let s) = v, let t = FormatValues.timeText(postgres: s) else { throw bad("\(v) is not HH:MM:SS[.ffffff]") }
            return .string(t)
        default:
            return DebeziumTypes.plain(v)
        }
    }
}

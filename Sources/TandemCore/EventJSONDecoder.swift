// Decoding one event line.
//
// Rules (also in schemas/event.schema.json):
// - The line is one JSON object; whitespace around tokens is allowed, nothing may follow the object.
// - `entity` (non-empty string), `key` (object) and `op` are required. `seq` is read and checked but
//   ignored (left 0) unless `keepSeq` is set: the journal assigns it.
// - Unknown fields and repeated fields are rejected: a misspelt `tenant` must not vanish silently.
// - Optional fields may be `null`, which means absent.
// - In rows: a repeated column name is rejected; an integer literal is an int64 (beyond Int64 is an
//   error, never rounded); a number with a fraction or exponent is a double; arrays and other objects
//   than the one-key value objects (`decimal`, `bytes`, `timestamp`, `double`) are rejected.
//   `{"double": …}` takes a number or "NaN", "Infinity", "-Infinity".
// - A decimal's text must be a decimal number (`-12`, `10.50`, `1.5e-3`, `+3`) or NaN/Infinity/-Infinity
//   (as PostgreSQL's numeric allows); it is kept as written.
extension EventJSON {
    /// Parses one event line (without its newline; a trailing `\r` is allowed as whitespace).
    ///
    /// - Parameter keepSeq: keep the line's `seq` instead of leaving it 0.
    /// - Throws: `EventJSONError` with the byte offset in the line and the reason.
    public static func decode(_ line: UnsafeRawBufferPointer, keepSeq: Bool = false) throws(EventJSONError) -> Event {
        var s = JSONScanner(line, inputNoun: "line")
        return try s.event(keepSeq: keepSeq)
    }

    /// Parses one event line from bytes.
    public static func decode(_ line: [UInt8], keepSeq: Bool = false) throws(EventJSONError) -> Event {
        let r = line.withUnsafeBytes { buf -> Result<Event, JSONError> in
            do throws(JSONError) { return .success(try decode(buf, keepSeq: keepSeq)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    /// Parses one event line from a string.
    public static func decode(_ line: String, keepSeq: Bool = false) throws(EventJSONError) -> Event {
        var line = line
        let r = line.withUTF8 { u -> Result<Event, JSONError> in
            do throws(JSONError) {
                return .success(try decode(UnsafeRawBufferPointer(u), keepSeq: keepSeq))
            } catch { return .failure(error) }
        }
        return try r.get()
    }
}

/// The top-level fields of an event line, as bits of a "seen" mask.
private enum EventField: Int, CaseIterable {
    case seq, sourcePosition, txn, committedAt, entity, key, op, before, after, tenant, origin, beforeComplete

    var name: StaticString {
        switch self {
        case .seq: "seq"
        case .sourcePosition: "sourcePosition"
        case .txn: "txn"
        case .committedAt: "committedAt"
        case .entity: "entity"
        case .key: "key"
        case .op: "op"
        case .before: "before"
        case .after: "after"
        case .tenant: "tenant"
        case .origin: "origin"
        case .beforeComplete: "beforeComplete"
        }
    }
}

extension JSONScanner {
    private mutating func field(_ r: RawString) -> EventField? {
        if r.hasEscapes {  // rare: compare the decoded text with each name
            return EventField.allCases.first { equals(r, $0.name) }
        }
        switch r.end - r.start {
        case 2: return equals(r, "op") ? .op : nil
        case 3: return equals(r, "seq") ? .seq : equals(r, "key") ? .key : equals(r, "txn") ? .txn : nil
        case 5: return equals(r, "after") ? .after : nil
        case 6:
            return equals(r, "entity") ? .entity : equals(r, "before") ? .before
                : equals(r, "tenant") ? .tenant : equals(r, "origin") ? .origin : nil
        case 11: return equals(r, "committedAt") ? .committedAt : nil
        case 14: return equals(r, "sourcePosition") ? .sourcePosition : equals(r, "beforeComplete") ? .beforeComplete : nil
        default: return nil
        }
    }

    mutating func event(keepSeq: Bool) throws(JSONError) -> Event {
        skipWhitespace()
        guard !atEnd else { throw error("empty line: expected an event object", at: i) }
        guard b[i] == UInt8(ascii: "{") else { throw error("expected '{' at the start of an event, found \(found())", at: i) }
        i += 1
        var event = Event(entity: "", key: Row(), op: .insert)
        var seen = 0
        if try peek() == UInt8(ascii: "}") {
            i += 1
        } else {
            repeat {
                guard try peek() == UInt8(ascii: "\"") else { throw error("expected a field name, found \(found())", at: i) }
                let raw = try rawString()
                guard let f = field(raw) else { throw error("unknown field \(JSONScanner.quoted(try string(raw)))", at: raw.quote) }
                guard seen & (1 << f.rawValue) == 0 else { throw error("duplicate field \"\(f.name)\"", at: raw.quote) }
                seen |= 1 << f.rawValue
                try expect(UInt8(ascii: ":"), "':' after field \"\(f.name)\"")
                try fieldValue(f, into: &event, keepSeq: keepSeq)
            } while try commaOr(UInt8(ascii: "}"), "a field")
        }
        let closeAt = i - 1
        try finish("the event")
        for f in [EventField.entity, .key, .op] where seen & (1 << f.rawValue) == 0 {
            throw error("missing required field \"\(f.name)\"", at: closeAt)
        }
        return event
    }

    private mutating func fieldValue(_ f: EventField, into e: inout Event, keepSeq: Bool) throws(JSONError) {
        let c = try peek()
        let at = i
        switch f {
        case .seq:
            guard c != UInt8(ascii: "-") && c &- 48 < 10 else {
                throw error("field \"seq\": expected a non-negative integer, found \(found())", at: at)
            }
            let t = try number()
            guard t.isInteger, let v = JSONNumbers.uint64(b, t.start, t.end) else {
                throw error("field \"seq\": \(text(t)) is not an integer in 0…\(UInt64.max)", at: at)
            }
            if keepSeq { e.seq = v }
        case .sourcePosition: e.sourcePosition = try optionalString(f)
        case .txn: e.txn = try optionalString(f)
        case .tenant: e.tenant = try optionalString(f)
        case .origin: e.origin = try optionalString(f)
        case .beforeComplete:
            if c == UInt8(ascii: "t") || c == UInt8(ascii: "f") || c == UInt8(ascii: "n") {
                switch try literal() {
                case .bool(let v): e.beforeComplete = v; return
                case .null: e.beforeComplete = false; return
                default: break
                }
            }
            throw error("field \"beforeComplete\": expected true, false or null, found \(found())", at: at)
        case .entity:
            guard c == UInt8(ascii: "\"") else { throw error("field \"entity\": expected a string, found \(found())", at: at) }
            e.entity = try string()
            guard !e.entity.isEmpty else { throw error("field \"entity\": must not be empty", at: at) }
        case .committedAt:
            if c == UInt8(ascii: "n") { _ = try literal(); return }  // only `null` passes: anything else fails below
            guard c == UInt8(ascii: "\"") else {
                throw error("field \"committedAt\": expected an RFC 3339 timestamp string, found \(found())", at: at)
            }
            e.committedAt = try timestamp("field \"committedAt\"")
        case .key:
            guard c == UInt8(ascii: "{") else { throw error("field \"key\": expected an object, found \(found())", at: at) }
            e.key = try row(field: f.name)
        case .op:
            guard c == UInt8(ascii: "\"") else { throw error("field \"op\": expected a string, found \(found())", at: at) }
            let r = try rawString()
            if equals(r, "insert") { e.op = .insert }
            else if equals(r, "update") { e.op = .update }
            else if equals(r, "delete") { e.op = .delete }
            else if equals(r, "snapshot") { e.op = .snapshot }
            else if equals(r, "truncate") { e.op = .truncate }
            else {
                throw error("field \"op\": unknown op \(JSONScanner.quoted(try string(r))) "
                            + "(expected insert, update, delete, snapshot or truncate)", at: at)
            }
        case .before, .after:
            if c == UInt8(ascii: "{") {
                let r = try row(field: f.name)
                if f == .before { e.before = r } else { e.after = r }
            } else if c == UInt8(ascii: "n"), case .null = try literal() {
                return
            } else {
                throw error("field \"\(f.name)\": expected an object or null, found \(found())", at: at)
            }
        }
    }

    private mutating func optionalString(_ f: EventField) throws(JSONError) -> String? {
        let c = b[i]  // peek() ran
        if c == UInt8(ascii: "\"") { return try string() }
        if c == UInt8(ascii: "n"), case .null = try literal() { return nil }
        throw error("field \"\(f.name)\": expected a string or null, found \(found())", at: i)
    }

}

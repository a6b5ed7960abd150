/// The JSON rendering of an event, one event a line (README.md "value"; schemas/event.schema.json).
///
/// Field order: seq, sourcePosition, txn, committedAt, entity, key, op, before, after, tenant, origin,
/// beforeComplete (written only when true);
/// absent optionals are omitted, and so is `seq` while it is 0 (not yet journaled). Values:
/// - `null`, `true`/`false`, an int64 as an integer, a string as a string (see `JSONWriter.string`);
/// - a finite double as a number that always has a fraction or an exponent (shortest round-trip text);
///   NaN and ±infinity, which JSON numbers cannot express, as `{"double":"NaN"}`, `{"double":"Infinity"}`,
///   `{"double":"-Infinity"}` (a NaN's payload and sign are not kept);
/// - `{"decimal":"10.50"}`, `{"bytes":"<base64, padded>"}`, `{"timestamp":"2026-11-24T10:00:00.123456Z"}`.
///
/// Decoding (`EventJSON.decode`) is described in EventJSONDecoder.swift.
public enum EventJSON {
    /// Appends the one-line JSON of `event` to `out` (no trailing newline).
    public static func encode(_ event: Event, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if event.seq != 0 {
            JSONWriter.raw("\"seq\":", into: &out)
            JSONNumbers.write(event.seq, into: &out)
            out.append(UInt8(ascii: ","))
        }
        if let s = event.sourcePosition {
            JSONWriter.raw("\"sourcePosition\":", into: &out); JSONWriter.string(s, into: &out)
            out.append(UInt8(ascii: ","))
        }
        if let s = event.txn {
            JSONWriter.raw("\"txn\":", into: &out); JSONWriter.string(s, into: &out)
            out.append(UInt8(ascii: ","))
        }
        if let t = event.committedAt {
            JSONWriter.raw("\"committedAt\":\"", into: &out); t.writeRFC3339(into: &out)
            JSONWriter.raw("\",", into: &out)
        }
        JSONWriter.raw("\"entity\":", into: &out); JSONWriter.string(event.entity, into: &out)
        JSONWriter.raw(",\"key\":", into: &out); write(event.key, into: &out)
        JSONWriter.raw(",\"op\":\"", into: &out)
        switch event.op {
        case .insert: JSONWriter.raw("insert\"", into: &out)
        case .update: JSONWriter.raw("update\"", into: &out)
        case .delete: JSONWriter.raw("delete\"", into: &out)
        case .snapshot: JSONWriter.raw("snapshot\"", into: &out)
        case .truncate: JSONWriter.raw("truncate\"", into: &out)
        }
        if let r = event.before { JSONWriter.raw(",\"before\":", into: &out); write(r, into: &out) }
        if let r = event.after { JSONWriter.raw(",\"after\":", into: &out); write(r, into: &out) }
        if let s = event.tenant { JSONWriter.raw(",\"tenant\":", into: &out); JSONWriter.string(s, into: &out) }
        if let s = event.origin { JSONWriter.raw(",\"origin\":", into: &out); JSONWriter.string(s, into: &out) }
        if event.beforeComplete { JSONWriter.raw(",\"beforeComplete\":true", into: &out) }
        out.append(UInt8(ascii: "}"))
    }

    /// The one-line JSON of `event` as bytes (no trailing newline).
    public static func encode(_ event: Event) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        encode(event, into: &out)
        return out
    }

    /// The one-line JSON of `event` as a string (no trailing newline).
    public static func string(_ event: Event) -> String { String(decoding: encode(event), as: UTF8.self) }

    /// Appends a row image as a JSON object, columns in order.
    public static func write(_ row: Row, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        let names = row.names, values = row.values
        for k in 0..<names.count {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.string(names[k], into: &out)
            out.append(UInt8(ascii: ":"))
            write(values[k], into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends one typed value in the event JSON form (see the type's documentation).
    public static func write(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .null: JSONWriter.raw("null", into: &out)
        case .bool(let b): b ? JSONWriter.raw("true", into: &out) : JSONWriter.raw("false", into: &out)
        case .int(let v): JSONNumbers.write(v, into: &out)
        case .double(let d):
            if d.isFinite {
                JSONNumbers.write(d, into: &out)
            } else if d.isNaN {
                JSONWriter.raw("{\"double\":\"NaN\"}", into: &out)
            } else {
                d < 0 ? JSONWriter.raw("{\"double\":\"-Infinity\"}", into: &out)
                    : JSONWriter.raw("{\"double\":\"Infinity\"}", into: &out)
            }
        case .decimal(let s):
            JSONWriter.raw("{\"decimal\":", into: &out); JSONWriter.string(s, into: &out)
            out.append(UInt8(ascii: "}"))
        case .string(let s): JSONWriter.string(s, into: &out)
        case .bytes(let b):
            JSONWriter.raw("{\"bytes\":\"", into: &out); Base64.encode(b, into: &out)
            JSONWriter.raw("\"}", into: &out)
        case .timestamp(let t):
            JSONWriter.raw("{\"timestamp\":\"", into: &out); t.writeRFC3339(into: &out)
            JSONWriter.raw("\"}", into: &out)
        }
    }
}

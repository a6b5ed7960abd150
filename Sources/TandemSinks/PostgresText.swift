import TandemCore
import TandemSQLite

/// Values in PostgreSQL's text input forms, and arrays of them as array literals (sent as bound
/// parameters, never spliced into SQL).
enum PostgresText {
    /// The text input form of a value, nil for NULL.
    static func text(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .bool(let b): return b ? "t" : "f"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return String(d)
        case .decimal(let s), .string(let s): return s
        case .bytes(let b): return hex(b)
        case .timestamp(let t): return t.rfc3339
        }
    }

    /// `\x` followed by lowercase hex: bytea's hex input form.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [92, 120]
        out.reserveCapacity(2 + bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Builds one array literal (`{"a","b",NULL}`) per column incrementally.
    struct ArrayBuilder {
        private var bytes: [UInt8] = [123]
        private var first = true

        /// Appends one element.
        mutating func append(_ v: Value) {
            if !first { bytes.append(44) }
            first = false
            switch v {
            case .null: bytes.append(contentsOf: "NULL".utf8)
            case .bool(let b): bytes.append(b ? 116 : 102)
            case .int(let i): appendInt(i)
            case .decimal(let s), .string(let s): appendQuoted(s)
            case .timestamp(let t): bytes.append(34); t.writeRFC3339(into: &bytes); bytes.append(34)
            default: appendQuoted(PostgresText.text(v)!)
            }
        }

        /// Appends one element of a jsonb column: the value in Tandem's event JSON form (null stays NULL).
        mutating func appendJSON(_ v: Value) {
            guard !v.isNull else { return append(v) }
            var json: [UInt8] = []
            EventJSON.write(v, into: &json)
            append(.string(String(decoding: json, as: UTF8.self)))
        }

        private mutating func appendInt(_ i: Int64) {
            if i < 0 { bytes.append(45) }
            let m = i.magnitude
            var div: UInt64 = 1
            while m / div >= 10 { div *= 10 }
            while div > 0 { bytes.append(UInt8(48 + (m / div) % 10)); div /= 10 }
        }

        private mutating func appendQuoted(_ s: String) {
            bytes.append(34)
            var s = s
            s.withUTF8 { buf in
                for c in buf {
                    if c == 34 || c == 92 { bytes.append(92) }
                    bytes.append(c)
                }
            }
            bytes.append(34)
        }

        /// The literal.
        func finish() -> String {
            var b = bytes
            b.append(125)
            return String(decoding: b, as: UTF8.self)
        }
    }

    /// The column type a sink creates for a value kind.
    static func columnType(_ v: Value) -> String {
        switch v {
        case .null, .string: return "text"
        case .bool: return "boolean"
        case .int: return "bigint"
        case .double: return "double precision"
        case .decimal: return "numeric"
        case .bytes: return "bytea"
        case .timestamp: return "timestamptz"
        }
    }
}

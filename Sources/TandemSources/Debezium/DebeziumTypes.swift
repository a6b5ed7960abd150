import TandemCore

/// One declared field of a Debezium struct schema: its Connect type, semantic name and parameters.
struct DebeziumField: Sendable {
    var type: String
    var name: String?
    var parameters: JSONValue?
}

/// The declared column types of an envelope's `before` and `after` structs.
struct DebeziumSchema {
    var before: [String: DebeziumField] = [:]
    var after: [String: DebeziumField] = [:]

    init(envelope: JSONValue) {
        guard let fields = envelope["fields"]?.array else { return }
        for f in fields {
            guard let which = f["field"]?.string, which == "before" || which == "after",
                  let cols = f["fields"]?.array else { continue }
            var m: [String: DebeziumField] = [:]
            for c in cols {
                guard let n = c["field"]?.string else { continue }
                m[n] = DebeziumField(type: c["type"]?.string ?? "", name: c["name"]?.string, parameters: c["parameters"])
            }
            if which == "before" { before = m } else { after = m }
        }
    }
}

/// Debezium's value representations (per its connector documentation) turned into Tandem values.
enum DebeziumTypes {
    /// The largest decimal scale accepted (either sign). Scales come from the input: without a bound, one line
    /// with scale Int64.min traps in `abs`/negation and one near 4e9 allocates gigabytes of zeros — on every restart.
    static let maxScale: Int64 = 1000

    /// `value * factor`, or `error` when that overflows Int64.
    static func scaled(_ value: Int64, by factor: Int64, _ error: @autoclosure () -> Reason) throws(Reason) -> Int64 {
        let (r, overflow) = value.multipliedReportingOverflow(by: factor)
        if overflow { throw error() }
        return r
    }

    static func value(_ v: JSONValue, field: DebeziumField?, column: String) throws(Reason) -> Value {
        if v.isNull { return .null }
        guard let field else { return plain(v) }
        func bad(_ what: String) -> Reason { Reason(text: "column \"\(column)\": \(what)") }
        switch field.name {
        case "org.apache.kafka.connect.data.Decimal":
            guard case .string(let b64) = v else { throw bad("a Decimal must be base64 text, found \(DebeziumDecoder.kind(v))") }
            let scaleText = field.parameters?["scale"]
            let scale = scaleText?.int64 ?? scaleText?.string.flatMap { Int64($0) } ?? 0
            guard (-maxScale...maxScale).contains(scale) else { throw bad("a Decimal's scale \(scale) is beyond ±\(maxScale)") }
            guard let bytes = try? Base64.decode(b64) else { throw bad("a Decimal's base64 text is invalid") }
            return .decimal(decimalText(unscaled: bytes, scale: Int(scale)))
        case "io.debezium.data.VariableScaleDecimal":
            guard let scale = v["scale"]?.int64, case .string(let b64)? = v["value"],
                  let bytes = try? Base64.decode(b64) else { throw bad("a VariableScaleDecimal needs scale and base64 value") }
            guard (-maxScale...maxScale).contains(scale) else { throw bad("a VariableScaleDecimal's scale \(scale) is beyond ±\(maxScale)") }
            return .decimal(decimalText(unscaled: bytes, scale: Int(scale)))
        case "io.debezium.time.Date":
            guard let d = v.int64 else { throw bad("a Date must be a day count") }
            return .timestamp(Timestamp(microseconds: try scaled(d, by: 86_400_000_000, bad("a Date of \(d) days is out of range"))))
        case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp":
            guard let ms = v.int64 else { throw bad("a Timestamp must be milliseconds") }
            return .timestamp(Timestamp(microseconds: try scaled(ms, by: 1000, bad("a Timestamp of \(ms) ms is out of range"))))
        case "io.debezium.time.MicroTimestamp":
            guard let us = v.int64 else { throw bad("a MicroTimestamp must be microseconds") }
            return .timestamp(Timestamp(microseconds: us))
        case "io.debezium.time.NanoTimestamp":
            guard let ns = v.int64 else { throw bad("a NanoTimestamp must be nanoseconds") }
            return .timestamp(Timestamp(microseconds: ns / 1000))
        case "io.debezium.time.ZonedTimestamp", "io.debezium.time.IsoTimestamp":
            guard case .string(let s) = v, let t = try? Timestamp(rfc3339: s) else { throw bad("a \(field.name!) must be ISO 8601 text with a zone") }
            return .timestamp(t)
        case "io.debezium.time.IsoDate":
            guard case .string(let s) = v, let t = try? Timestamp(rfc3339: s + "T00:00:00Z") else { throw bad("an IsoDate must be YYYY-MM-DD") }
            return .timestamp(t)
        default:
            break
        }
        switch field.type {
        case "boolean":
            guard let b = v.bool else { throw bad("declared boolean, found \(DebeziumDecoder.kind(v))") }
            return .bool(b)
        case "int8", "int16", "int32", "int64":
            guard let i = v.int64 else { throw bad("declared \(field.type), found \(DebeziumDecoder.kind(v))") }
            return .int(i)
        case "float32", "float64", "double", "float":
            if let d = v.double { return .double(d) }
            if case .string(let s) = v, let d = Double(s) { return .double(d) }  // "NaN", "Infinity"
            throw bad("declared \(field.type), found \(DebeziumDecoder.kind(v))")
        case "string":
            guard case .string(let s) = v else { throw bad("declared string, found \(DebeziumDecoder.kind(v))") }
            return .string(s)
        case "bytes":
            guard case .string(let s) = v, let b = try? Base64.decode(s) else { throw bad("declared bytes, expected base64 text") }
            return .bytes(b)
        default:
            return plain(v)
        }
    }

    /// A value without a declared type: JSON's own types; nested structures are kept as JSON text.
    static func plain(_ v: JSONValue) -> Value {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number: return v.int64.map(Value.int) ?? v.double.map(Value.double) ?? .null
        case .string(let s): return .string(s)
        case .array, .object:
            var out: [UInt8] = []
            v.write(into: &out)
            return .string(String(decoding: out, as: UTF8.self))
        }
    }

    /// The decimal text of a big-endian two's-complement unscaled integer shifted by `scale` digits.
    static func decimalText(unscaled bytes: [UInt8], scale: Int) -> String {
        let negative = (bytes.first ?? 0) & 0x80 != 0
        var mag = bytes
        if negative {  // two's complement → magnitude
            for i in mag.indices { mag[i] = ~mag[i] }
            var i = mag.count - 1
            while i >= 0 { mag[i] &+= 1; if mag[i] != 0 { break }; i -= 1 }
        }
        // Repeated division by 10 over the big-endian magnitude.
        var digits: [UInt8] = []
        var cur = mag
        while cur.contains(where: { $0 != 0 }) {
            var rem: UInt32 = 0
            for i in cur.indices {
                let acc = rem << 8 | UInt32(cur[i])
                cur[i] = UInt8(acc / 10)
                rem = acc % 10
            }
            digits.append(UInt8(rem) + 48)
        }
        if digits.isEmpty { digits = [48] }
        var text = String(decoding: digits.reversed(), as: UTF8.self)
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        } else if scale < 0 {
            text += String(repeating: "0", count: -scale)
        }
        if negative && text.contains(where: { $0 != "0" && $0 != "." }) { text = "-" + text }
        return text
    }
}

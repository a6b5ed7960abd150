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

    /// The declared columns of a flattened record's struct (ExtractNewRecordState), as the `after` types.
    init(flat: JSONValue) {
        after = DebeziumSchema.columns(flat["fields"]?.array ?? [])
        before = after
    }

    static func columns(_ cols: [JSONValue]) -> [String: DebeziumField] {
        var m: [String: DebeziumField] = [:]
        for c in cols {
            guard let n = c["field"]?.string else { continue }
            m[n] = DebeziumField(type: c["type"]?.string ?? "", name: c["name"]?.string, parameters: c["parameters"])
        }
        return m
    }

    init(envelope: JSONValue) {
        guard let fields = envelope["fields"]?.array else { return }
        for f in fields {
            guard let which = f["field"]?.string, which == "before" || which == "after",
                  let cols = f["fields"]?.array else { continue }
            let m = DebeziumSchema.columns(cols)
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

    static func checkSize(_ unscaled: [UInt8], _ bad: (String) -> Reason) throws(Reason) {
        guard unscaled.count <= maxDecimalBytes else {
            throw bad("a decimal of \(unscaled.count) bytes is beyond the limit of \(maxDecimalBytes) bytes (2,466 digits)")
        }
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
            try checkSize(bytes, bad)
            return .decimal(decimalText(unscaled: bytes, scale: Int(scale)))
        case "io.debezium.data.VariableScaleDecimal":
            guard let scale = v["scale"]?.int64, case .string(let b64)? = v["value"],
                  let bytes = try? Base64.decode(b64) else { throw bad("a VariableScaleDecimal needs scale and base64 value") }
            guard (-maxScale...maxScale).contains(scale) else { throw bad("a VariableScaleDecimal's scale \(scale) is beyond ±\(maxScale)") }
            try checkSize(bytes, bad)
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
        case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time", "io.debezium.time.MicroTime", "io.debezium.time.NanoTime":
            // Time of day (MySQL: a signed duration) as exact text, not a bare count (see FormatValues.timeText).
            guard let n = v.int64 else { throw bad("a \(field.name!) must be an integer") }
            let perUnit: Int64 = field.name == "io.debezium.time.MicroTime" ? 1000 : field.name == "io.debezium.time.NanoTime" ? 1 : 1_000_000
            return .string(FormatValues.timeText(nanoseconds: try scaled(n, by: perUnit, bad("a \(field.name!) of \(n) is out of range"))))
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

    /// The longest unscaled Decimal accepted, in bytes (2,466 decimal digits; PostgreSQL's numeric with a declared
    /// precision holds up to 1,000). Binary-to-decimal conversion grows with the square of the length: bounding
    /// it keeps a line's decoding linear in its size (one 200 KB Decimal took minutes).
    static let maxDecimalBytes = 1024

    /// The decimal text of a big-endian two's-complement unscaled integer shifted by `scale` digits.
    static func decimalText(unscaled bytes: [UInt8], scale: Int) -> String {
        let negative = (bytes.first ?? 0) & 0x80 != 0
        var mag = bytes
        if negative {  // two's complement → magnitude
            for i in mag.indices { mag[i] = ~mag[i] }
            var i = mag.count - 1
            while i >= 0 { mag[i] &+= 1; if mag[i] != 0 { break }; i -= 1 }
        }
        // The magnitude as 32-bit limbs, most significant first, divided by 10^9 until zero: nine digits per
        // pass over the limbs instead of one per pass over the bytes.
        var limbs: [UInt32] = []
        limbs.reserveCapacity(mag.count / 4 + 1)
        var i = 0
        let lead = mag.count % 4
        if lead > 0 {
            var v: UInt32 = 0
            for _ in 0..<lead { v = v << 8 | UInt32(mag[i]); i += 1 }
            limbs.append(v)
        }
        while i < mag.count {
            limbs.append(UInt32(mag[i]) << 24 | UInt32(mag[i + 1]) << 16 | UInt32(mag[i + 2]) << 8 | UInt32(mag[i + 3]))
            i += 4
        }
        var first = limbs.firstIndex { $0 != 0 } ?? limbs.count
        var chunks: [UInt32] = []  // base 10^9, least significant first
        while first < limbs.count {
            var rem: UInt64 = 0
            for j in first..<limbs.count {
                let acc = rem << 32 | UInt64(limbs[j])
                limbs[j] = UInt32(acc / 1_000_000_000)
                rem = acc % 1_000_000_000
            }
            chunks.append(UInt32(rem))
            while first < limbs.count, limbs[first] == 0 { first += 1 }
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(chunks.count * 9 + 1)
        for (k, c) in chunks.reversed().enumerated() {
            let d = Array(String(c).utf8)
            if k > 0 { digits.append(contentsOf: repeatElement(48, count: 9 - d.count)) }
            digits.append(contentsOf: d)
        }
        if digits.isEmpty { digits = [48] }
        if scale > 0 {
            if digits.count <= scale { digits.insert(contentsOf: repeatElement(48, count: scale - digits.count + 1), at: 0) }
            digits.insert(UInt8(ascii: "."), at: digits.count - scale)
        } else if scale < 0 {
            digits.append(contentsOf: repeatElement(48, count: -scale))
        }
        if negative && digits.contains(where: { $0 != 48 && $0 != UInt8(ascii: ".") }) { digits.insert(UInt8(ascii: "-"), at: 0) }
        return String(decoding: digits, as: UTF8.self)
    }
}

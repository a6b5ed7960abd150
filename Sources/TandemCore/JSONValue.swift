/// A parsed JSON document for shapes other than the event line (Debezium envelopes, config files).
///
/// Numbers keep their text, so nothing is rounded until a caller asks for `int64` or `double`;
/// objects keep their members in input order (duplicate keys are kept; the subscript finds the first).
public indirect enum JSONValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// A number as written (valid JSON number text).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    /// The maximum nesting of arrays and objects `parse` accepts.
    public static var maxDepth: Int { JSONScanner.maxDepth }

    /// Parses one JSON text (surrounding whitespace allowed, nothing else after it).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        var s = JSONScanner(bytes)
        let v = try s.value()
        try s.finish("the JSON value")
        return v
    }

    /// Parses one JSON text from a byte array.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        let r = bytes.withUnsafeBytes { buf -> Result<JSONValue, JSONError> in
            do throws(JSONError) { return .success(try parse(buf)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    /// Parses one JSON text from a string.
    public static func parse(_ text: String) throws(JSONError) -> JSONValue {
        var text = text
        let r = text.withUTF8 { u -> Result<JSONValue, JSONError> in
            do throws(JSONError) { return .success(try parse(UnsafeRawBufferPointer(u))) } catch { return .failure(error) }
        }
        return try r.get()
    }

    /// A number from an integer.
    public static func int(_ v: Int64) -> JSONValue {
        var out: [UInt8] = []
        JSONNumbers.write(v, into: &out)
        return .number(String(decoding: out, as: UTF8.self))
    }

    /// A number from a finite double (NaN and ±infinity are not JSON numbers: they become `null`).
    public static func double(_ d: Double) -> JSONValue { d.isFinite ? .number(d.description) : .null }

    // MARK: accessors

    /// The value when this is an integer number that fits Int64 (no fraction, no exponent), else nil.
    public var int64: Int64? {
        guard case .number(var text) = self else { return nil }
        return text.withUTF8 { u -> Int64? in
            var s = JSONScanner(UnsafeRawBufferPointer(u))
            guard let t = try? s.number(), t.isInteger, t.end == u.count else { return nil }
            return try? s.int64(t)
        }
    }

    /// The value of any number as a double (correctly rounded), else nil.
    public var double: Double? {
        guard case .number(var text) = self else { return nil }
        return text.withUTF8 { u -> Double? in
            var s = JSONScanner(UnsafeRawBufferPointer(u))
            guard let t = try? s.number(), t.end == u.count else { return nil }
            return s.double(t)
        }
    }

    /// The text when this is a string, else nil.
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The flag when this is a boolean, else nil.
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// True for `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }
    /// The elements when this is an array, else nil.
    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The members, in order, when this is an object, else nil.
    public var object: [(key: String, value: JSONValue)]? { if case .object(let o) = self { return o } else { return nil } }

    /// The first member named `key` when this is an object, else nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// The element at `index` when this is an array and the index is in range, else nil.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    // MARK: output

    /// Appends the compact JSON text (no whitespace) to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: JSONWriter.raw("null", into: &out)
        case .bool(let b): b ? JSONWriter.raw("true", into: &out) : JSONWriter.raw("false", into: &out)
        case .number(var text): text.withUTF8 { out.append(contentsOf: $0) }
        case .string(let s): JSONWriter.string(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (k, v) in a.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                v.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, m) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.string(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                m.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The compact JSON text.
    public var description: String {
        var out: [UInt8] = []
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

extension JSONScanner {
    /// Consumes any JSON value (recursively, bounded by `maxDepth`).
    mutating func value() throws(JSONError) -> JSONValue {
        let c = try peek()
        switch c {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let t = try number()
            return .number(text(t))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return try literal()
        case UInt8(ascii: "["):
            try enter()
            i += 1
            var elements: [JSONValue] = []
            if try peek() == UInt8(ascii: "]") {
                i += 1
            } else {
                repeat { elements.append(try value()) } while try commaOr(UInt8(ascii: "]"), "an array element")
            }
            leave()
            return .array(elements)
        case UInt8(ascii: "{"):
            try enter()
            i += 1
            var members: [(key: String, value: JSONValue)] = []
            if try peek() == UInt8(ascii: "}") {
                i += 1
            } else {
                members.reserveCapacity(8)  // one allocation for typical objects instead of growing 1 → 2 → 4 → 8
                repeat {
                    guard try peek() == UInt8(ascii: "\"") else {
                        throw error("expected a string key, found \(found())", at: i)
                    }
                    let key = try string()
                    try expect(UInt8(ascii: ":"), "':' after a key")
                    members.append((key, try value()))
                } while try commaOr(UInt8(ascii: "}"), "an object member")
            }
            leave()
            return .object(members)
        default:
            throw error("expected a JSON value, found \(found())", at: i)
        }
    }
}

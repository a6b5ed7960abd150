import Foundation
import TandemCore

/// Type coercion of values into README.md's value types, and the wording of values in rejections.
enum Coercion {
    /// `v` as `type`, or why it cannot be.
    static func coerce(_ v: Value, to type: ValueType) -> Result<Value, Reason> {
        func fail() -> Result<Value, Reason> { .fail("cannot coerce \(show(v)) (\(kind(v))) to \(type.rawValue)") }
        switch (type, v) {
        case (.bool, .bool), (.int, .int), (.double, .double), (.decimal, .decimal), (.string, .string),
             (.bytes, .bytes), (.timestamp, .timestamp):
            return .success(v)
        case (.bool, .int(let i)):
            return i == 0 || i == 1 ? .success(.bool(i == 1)) : fail()
        case (.bool, .string(let s)):
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "t", "yes", "y", "1", "on": return .success(.bool(true))
            case "false", "f", "no", "n", "0", "off": return .success(.bool(false))
            default: return fail()
            }
        case (.int, .string(let s)):
            guard let i = Int64(s.trimmingCharacters(in: .whitespaces)) else { return fail() }
            return .success(.int(i))
        case (.int, .double(let d)):
            guard d == d.rounded(), let i = Int64(exactly: d) else { return fail() }
            return .success(.int(i))
        case (.int, .decimal(let t)):
            guard let i = Int64(t) ?? integralDecimal(t) else { return fail() }
            return .success(.int(i))
        case (.int, .bool(let b)):
            return .success(.int(b ? 1 : 0))
        case (.double, .int(let i)):
            return .success(.double(Double(i)))
        case (.double, .decimal(let t)):
            guard let d = Double(t) else { return fail() }
            return .success(.double(d))
        case (.double, .string(let s)):
            guard let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite else { return fail() }
            return .success(.double(d))
        case (.decimal, .int(let i)):
            return .success(.decimal(String(i)))
        case (.decimal, .double(let d)):
            guard d.isFinite else { return fail() }
            return .success(.decimal("\(d)"))
        case (.decimal, .string(let s)) where isDecimalText(s):
            return .success(.decimal(s))
        case (.decimal, .string(let s)):
            // Legacy systems often write a decimal comma ("10,50"); accept it when there is no dot.
            var t = s.trimmingCharacters(in: .whitespaces)
            if !t.contains("."), t.filter({ $0 == "," }).count == 1 { t = t.replacingOccurrences(of: ",", with: ".") }
            guard isDecimalText(t) else { return fail() }
            return .success(.decimal(t))
        case (.string, .int(let i)): return .success(.string(String(i)))
        case (.string, .double(let d)): return .success(.string("\(d)"))
        case (.string, .decimal(let t)): return .success(.string(t))
        case (.string, .bool(let b)): return .success(.string(b ? "true" : "false"))
        case (.string, .timestamp(let t)): return .success(.string(t.rfc3339))
        case (.timestamp, .string(let s)):
            guard let t = try? Timestamp(rfc3339: s.trimmingCharacters(in: .whitespaces)) else {
                return .fail("cannot coerce \(show(v)) to timestamp: expected RFC 3339 text (use the parseTimestamp transform for other formats)")
            }
            return .success(.timestamp(t))
        case (.bytes, .string(let s)):
            return .success(.bytes(Array(s.utf8)))
        default:
            return fail()
        }
    }

    static func integralDecimal(_ t: String) -> Int64? {
        guard let dot = t.firstIndex(of: ".") else { return nil }
        guard t[t.index(after: dot)...].allSatisfy({ $0 == "0" }) else { return nil }
        return Int64(t[..<dot])
    }

    /// True for plain decimal text: optional sign, digits, optional fraction, optional exponent.
    static func isDecimalText(_ t: String) -> Bool {
        var u = Substring(t).utf8[...]
        if let f = u.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { u = u.dropFirst() }
        var digits = 0, sawDot = false
        while let c = u.first {
            if c >= 48 && c <= 57 { digits += 1 } else if c == UInt8(ascii: "."), !sawDot { sawDot = true } else { break }
            u = u.dropFirst()
        }
        guard digits > 0 else { return false }
        if let c = u.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            u = u.dropFirst()
            if let f = u.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { u = u.dropFirst() }
            guard !u.isEmpty, u.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            return true
        }
        return u.isEmpty
    }

    /// A number for min/max checks.
    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .decimal(let t): return Double(t)
        default: return nil
        }
    }

    static func kind(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "double"
        case .decimal: return "decimal"
        case .string: return "string"
        case .bytes: return "bytes"
        case .timestamp: return "timestamp"
        }
    }

    /// A short rendering of a value for a rejection reason (long text is cut).
    static func show(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return show(d)
        case .decimal(let t): return t
        case .string(let s): return quote(s)
        case .bytes(let b): return "\(b.count) bytes"
        case .timestamp(let t): return t.rfc3339
        }
    }

    static func show(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)" }

    static func quote(_ s: String) -> String {
        let cut = s.count > 80 ? String(s.prefix(80)) + "…" : s
        return "\"\(cut)\""
    }
}

/// Why a value cannot be transformed or coerced (the text goes into a `Rejection`).
struct Reason: Error, Sendable {
    var text: String
    /// The column the reason is about, when the rejection should name one.
    var column: String? = nil
}

extension Result where Failure == Reason {
    static func fail(_ text: String) -> Self { .failure(Reason(text: text)) }
}

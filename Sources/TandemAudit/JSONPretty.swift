import TandemCore

/// JSON text indented by two spaces, for files people read and edit (a drafted mapping).
public enum JSONPretty {
    /// `value` as indented JSON text (no trailing newline).
    public static func text(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: "", into: &out)
        return out
    }

    static func scalar(_ v: JSONValue) -> String {
        var b: [UInt8] = []
        v.write(into: &b)
        return String(decoding: b, as: UTF8.self)
    }

    static func write(_ v: JSONValue, indent: String, into out: inout String) {
        let inner = indent + "  "
        switch v {
        case .array(let a) where !a.isEmpty && a.contains(where: { $0.array != nil || $0.object != nil }):
            out += "[\n"
            for (i, x) in a.enumerated() {
                out += inner
                write(x, indent: inner, into: &out)
                out += i == a.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let o) where !o.isEmpty:
            out += "{\n"
            for (i, m) in o.enumerated() {
                out += inner + scalar(.string(m.key)) + ": "
                write(m.value, indent: inner, into: &out)
                out += i == o.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        default:
            out += scalar(v)
        }
    }
}

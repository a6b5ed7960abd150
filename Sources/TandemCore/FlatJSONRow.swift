extension EventJSON {
    /// Parses a flat JSON object straight into a row — strings, integers within Int64, true/false/null, and
    /// one-member objects `{"TAG":"TEXT"}` turned into a value by `tagged` — without building a `JSONValue`
    /// tree. Nil when the text is anything else (another number, a duplicate column, a wider object, an unknown
    /// tag, bad JSON): the caller then parses it the general way, which also names what is wrong.
    ///
    /// For row images that are mostly of this form (a trigger-fed change table's `json_object` rows), where the
    /// tree costs more than the values.
    public static func flatRow(_ bytes: UnsafeRawBufferPointer, tagged: (String, String) -> Value?) -> Row? {
        var s = JSONScanner(bytes)
        do throws(JSONError) {
            guard try s.peek() == UInt8(ascii: "{") else { return nil }
            s.i += 1
            var row = Row()
            if try s.peek() == UInt8(ascii: "}") {
                s.i += 1
                try s.finish("the row")
                return row
            }
            row.reserveCapacity(8)
            repeat {
                guard try s.peek() == UInt8(ascii: "\""), row.count < 32 else { return nil }
                let name = try s.string()
                if row.names.contains(name) { return nil }
                try s.expect(UInt8(ascii: ":"), "':'")
                let v: Value
                switch try s.peek() {
                case UInt8(ascii: "\""):
                    v = .string(try s.string())
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let t = try s.number()
                    guard t.isInteger else { return nil }
                    v = .int(try s.int64(t))
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    if case .bool(let b) = try s.literal() { v = .bool(b) } else { v = .null }
                case UInt8(ascii: "{"):
                    s.i += 1
                    guard try s.peek() == UInt8(ascii: "\"") else { return nil }
                    let tag = try s.string()
                    try s.expect(UInt8(ascii: ":"), "':'")
                    guard try s.peek() == UInt8(ascii: "\"") else { return nil }
                    let text = try s.string()
                    try s.expect(UInt8(ascii: "}"), "'}'")
                    guard let tv = tagged(tag, text) else { return nil }
                    v = tv
                default:
                    return nil
                }
                row.appendUnchecked(name, v)
            } while try s.commaOr(UInt8(ascii: "}"), "a column")
            try s.finish("the row")
            return row
        } catch {
            return nil
        }
    }
}

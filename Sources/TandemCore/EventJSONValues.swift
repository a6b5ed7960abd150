// Decoding rows and typed values in the event JSON form (shared by event lines and standalone rows).
extension EventJSON {
    /// Parses a standalone JSON object as a row image, with the value rules of event lines.
    ///
    /// For sources whose change records carry row images as JSON (e.g. trigger-fed change tables).
    public static func decodeRow(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> Row {
        var s = JSONScanner(bytes)
        guard try s.peek() == UInt8(ascii: "{") else { throw s.error("expected an object, found \(s.found())", at: s.i) }
        let row = try s.rowBody()
        try s.finish("the row")
        return row
    }

    /// Parses a standalone JSON object from a string as a row image (see `decodeRow(_:)`).
    public static func decodeRow(_ text: String) throws(JSONError) -> Row {
        var text = text
        let r = text.withUTF8 { u -> Result<Row, JSONError> in
            do throws(JSONError) { return .success(try decodeRow(UnsafeRawBufferPointer(u))) } catch { return .failure(error) }
        }
        return try r.get()
    }

    /// The typed value a parsed JSON value stands for in the event form (plain JSON or a one-key value object).
    ///
    /// Error offsets are within the compact text of `json`.
    public static func value(_ json: JSONValue) throws(JSONError) -> Value {
        var bytes: [UInt8] = []
        json.write(into: &bytes)
        let r = bytes.withUnsafeBytes { buf -> Result<Value, JSONError> in
            var s = JSONScanner(buf)
            do throws(JSONError) {
                let v = try s.typedValue()
                try s.finish("the value")
                return .success(v)
            } catch { return .failure(error) }
        }
        return try r.get()
    }
}

extension JSONScanner {
    /// A row object (the current byte is '{'); errors name the field and, where known, the column.
    mutating func row(field: StaticString) throws(JSONError) -> Row {
        do throws(JSONError) {
            return try rowBody()
        } catch {
            let sep = error.reason.hasPrefix("column ") ? ", " : ": "
            throw JSONError(offset: error.offset, reason: "field \"\(field)\"" + sep + error.reason)
        }
    }

    mutating func rowBody() throws(JSONError) -> Row {
        i += 1
        var row = Row()
        if try peek() == UInt8(ascii: "}") { i += 1; return row }
        row.reserveCapacity(8)  // one allocation per array instead of growing 1 → 2 → 4 → 8
        var wide: Set<String>? = nil
        repeat {
            guard try peek() == UInt8(ascii: "\"") else { throw error("expected a column name, found \(found())", at: i) }
            let nameAt = i
            let name = try string()
            // Short rows: a linear search is cheapest. Wide ones switch to a set, so a hostile line with
            // thousands of columns costs O(n), not O(n²).
            let isDuplicate: Bool
            if row.count < 32 {
                isDuplicate = row.names.contains(name)
            } else {
                if wide == nil { wide = Set(row.names) }
                isDuplicate = !wide!.insert(name).inserted
            }
            if isDuplicate { throw error("duplicate column \(JSONScanner.quoted(name))", at: nameAt) }
            try expect(UInt8(ascii: ":"), "':' after column \(JSONScanner.quoted(name))")
            let v: Value
            do throws(JSONError) {
                v = try typedValue()
            } catch {
                throw JSONError(offset: error.offset, reason: "column \(JSONScanner.quoted(name)): \(error.reason)")
            }
            row.appendUnchecked(name, v)
        } while try commaOr(UInt8(ascii: "}"), "a column")
        return row
    }

    /// Reads a string holding an RFC 3339 timestamp; errors point into the string, after `context` if not empty.
    mutating func timestamp(_ context: String) throws(JSONError) -> Timestamp {
        let r = try rawString()
        let unescaped = r.hasEscapes ? try string(r) : nil
        do throws(TimestampError) {
            if let unescaped { return try Timestamp(rfc3339: unescaped) }
            return try Timestamp.parseRFC3339(UnsafeBufferPointer(rebasing: b[r.start..<r.end]))
        } catch {
            let text = JSONScanner.quoted(unescaped ?? String(decoding: UnsafeBufferPointer(rebasing: b[r.start..<r.end]), as: UTF8.self))
            throw self.error((context.isEmpty ? "" : context + ": ") + "invalid timestamp \(text): \(error.reason)",
                             at: r.hasEscapes ? r.quote : r.start + error.offset)
        }
    }

    /// One typed value of a row.
    mutating func typedValue() throws(JSONError) -> Value {
        let c = try peek()
        switch c {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let t = try number()
            return t.isInteger ? .int(try int64(t)) : .double(try finiteDouble(t))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            switch try literal() {
            case .bool(let v): return .bool(v)
            default: return .null
            }
        case UInt8(ascii: "{"): return try valueObject()
        case UInt8(ascii: "["): throw error("arrays are not a value type", at: i)
        default: throw error("expected a value, found \(found())", at: i)
        }
    }

    /// `{"decimal":…}`, `{"bytes":…}`, `{"timestamp":…}` or `{"double":…}` (the current byte is '{').
    private mutating func valueObject() throws(JSONError) -> Value {
        let open = i
        i += 1
        let expected = "(expected \"decimal\", \"bytes\", \"timestamp\" or \"double\")"
        guard try peek() == UInt8(ascii: "\"") else {
            throw error("expected a value object like {\"decimal\":\"1.5\"}, found \(found()) \(expected)", at: i)
        }
        let tag = try rawString()
        try expect(UInt8(ascii: ":"), "':' in the value object")
        let c = try peek()
        let at = i
        let v: Value
        if equals(tag, "decimal") {
            guard c == UInt8(ascii: "\"") else { throw error("a decimal must be a string, found \(found())", at: at) }
            let r = try rawString()
            let text = try string(r)  // with escapes, their decoding is left in `scratch`
            let valid = r.hasEscapes ? scratch.withUnsafeBufferPointer { JSONScanner.isDecimal($0) }
                : JSONScanner.isDecimal(UnsafeBufferPointer(rebasing: b[r.start..<r.end]))
            guard valid else { throw error("\(JSONScanner.quoted(text)) is not a decimal number", at: at) }
            v = .decimal(text)
        } else if equals(tag, "bytes") {
            guard c == UInt8(ascii: "\"") else { throw error("bytes must be a base64 string, found \(found())", at: at) }
            let r = try rawString()
            if r.hasEscapes { _ = try string(r) }  // unescaped into scratch
            do throws(Base64Error) {
                if r.hasEscapes {
                    v = .bytes(try scratch.withUnsafeBufferPointer { u throws(Base64Error) in try Base64.decode(u) })
                } else {
                    v = .bytes(try Base64.decode(UnsafeBufferPointer(rebasing: b[r.start..<r.end])))
                }
            } catch {
                throw self.error("\(error.reason) (invalid base64)", at: r.hasEscapes ? r.quote : r.start + error.offset)
            }
        } else if equals(tag, "timestamp") {
            guard c == UInt8(ascii: "\"") else {
                throw error("a timestamp must be an RFC 3339 string, found \(found())", at: at)
            }
            v = .timestamp(try timestamp(""))
        } else if equals(tag, "double") {
            if c == UInt8(ascii: "\"") {
                let r = try rawString()
                if equals(r, "NaN") { v = .double(.nan) }
                else if equals(r, "Infinity") { v = .double(.infinity) }
                else if equals(r, "-Infinity") { v = .double(-.infinity) }
                else { throw error("a double as text must be \"NaN\", \"Infinity\" or \"-Infinity\"", at: at) }
            } else if c == UInt8(ascii: "-") || c &- 48 < 10 {
                v = .double(try finiteDouble(try number()))
            } else {
                throw error("a double must be a number or \"NaN\", \"Infinity\", \"-Infinity\", found \(found())", at: at)
            }
        } else {
            throw error("unknown value object \(JSONScanner.quoted(try string(tag))) \(expected)", at: open)
        }
        skipWhitespace()
        guard !atEnd, b[i] == UInt8(ascii: "}") else {
            if atEnd { throw endError() }
            throw error("expected '}' after the value (a value object has exactly one member), found \(found())", at: i)
        }
        i += 1
        return v
    }

    /// The double of a number token; beyond the range of a double is an error, not infinity.
    private func finiteDouble(_ t: Number) throws(JSONError) -> Double {
        let d = double(t)
        guard d.isFinite else { throw error("number \(text(t)) is out of the range of a double", at: t.start) }
        return d
    }

    /// The text in quotes, JSON-escaped, for error messages.
    static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        JSONWriter.string(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// True for `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?` and NaN / Infinity / -Infinity.
    static func isDecimal(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        if isDecimalNumber(u) { return true }
        return u.elementsEqual("NaN".utf8) || u.elementsEqual("Infinity".utf8) || u.elementsEqual("-Infinity".utf8)
    }

    private static func isDecimalNumber(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        var j = 0
        let n = u.count
        if j < n && (u[j] == UInt8(ascii: "+") || u[j] == UInt8(ascii: "-")) { j += 1 }
        var digits = 0
        while j < n && u[j] &- 48 < 10 { j += 1; digits += 1 }
        if j < n && u[j] == UInt8(ascii: ".") {
            j += 1
            while j < n && u[j] &- 48 < 10 { j += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if j < n && (u[j] == UInt8(ascii: "e") || u[j] == UInt8(ascii: "E")) {
            j += 1
            if j < n && (u[j] == UInt8(ascii: "+") || u[j] == UInt8(ascii: "-")) { j += 1 }
            let start = j
            while j < n && u[j] &- 48 < 10 { j += 1 }
            guard j > start else { return false }
        }
        return j == n
    }
}

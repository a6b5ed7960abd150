// Reading JSON strings: the raw token, unescaping (with surrogate pairs) and UTF-8 validation.
extension JSONScanner {
    /// A string token: the byte range between its quotes and what its bytes contain.
    struct RawString {
        /// Offset of the opening quote.
        var quote: Int
        var start: Int
        var end: Int
        var hasEscapes: Bool
        var isASCII: Bool
    }

    /// Consumes a string token (the current byte must be '"'); raw control characters are rejected.
    ///
    /// Escapes are not decoded yet, UTF-8 is not validated yet: `string(_:)` does both.
    @inline(__always) mutating func rawString() throws(JSONError) -> RawString {
        let quote = i
        var j = i + 1
        let n = b.count
        var special: UInt8 = 0  // OR of the bytes that leave the fast path
        var hasEscapes = false
        // 8 bytes at a time while a word holds no '"', '\\' or control character (SWAR: the classic
        // "has a zero byte" test on w ^ repeated(c); its rare false positives only send a word to the
        // byte loop below, which decides exactly). Long text columns are the common case this speeds up.
        if let base = b.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while j + 8 <= n {
                let w = UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self)
                let q = w ^ (ones &* 0x22), bs = w ^ (ones &* 0x5C)
                let hit = ((q &- ones) & ~q) | ((bs &- ones) & ~bs) | ((w &- ones &* 0x20) & ~w)
                if hit & highs != 0 { break }
                if w & highs != 0 { special = 0x80 }
                j += 8
            }
        }
        while j < n {
            let c = b[j]
            if c == UInt8(ascii: "\"") {
                i = j + 1
                return RawString(quote: quote, start: quote + 1, end: j, hasEscapes: hasEscapes, isASCII: special < 0x80)
            }
            if c == UInt8(ascii: "\\") {
                hasEscapes = true
                j += 2
                continue
            }
            if c < 0x20 {
                throw error("control character U+\(hex4(UInt16(c))) in a string must be escaped", at: j)
            }
            special |= c
            j += 1
        }
        throw error("unexpected end of \(inputNoun) inside a string", at: n)
    }

    /// Consumes a string token and returns its decoded, validated text.
    @inline(__always) mutating func string() throws(JSONError) -> String {
        let r = try rawString()
        return try string(r)
    }

    /// The decoded, validated text of a string token.
    mutating func string(_ r: RawString) throws(JSONError) -> String {
        if !r.isASCII, let bad = firstInvalidUTF8(r.start, r.end) {
            throw error("invalid UTF-8 in a string", at: bad)
        }
        if !r.hasEscapes {
            return String(decoding: UnsafeBufferPointer(rebasing: b[r.start..<r.end]), as: UTF8.self)
        }
        try unescape(r)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// True when the string token decodes to exactly `word` (plain ASCII), e.g. a field name.
    @inline(__always) mutating func equals(_ r: RawString, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        if !r.hasEscapes {
            guard r.end - r.start == n else { return false }
            for k in 0..<n where b[r.start + k] != w[k] { return false }
            return true
        }
        // Rare: an escaped spelling such as "\u0065ntity". A bad escape is reported by the caller's `string(r)`.
        guard (try? unescape(r)) != nil, scratch.count == n else { return false }
        for k in 0..<n where scratch[k] != w[k] { return false }
        return true
    }

    /// Decodes the escapes of a string token into `scratch`.
    mutating func unescape(_ r: RawString) throws(JSONError) {
        scratch.removeAll(keepingCapacity: true)
        var j = r.start
        var run = j
        while j < r.end {
            guard b[j] == UInt8(ascii: "\\") else { j += 1; continue }
            if run < j { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<j])) }
            let at = j
            let e = b[j + 1]  // rawString guarantees a byte after every backslash
            j += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var u = UInt32(try hexQuad(j, at))
                j += 4
                if u >= 0xD800 && u < 0xDC00 {
                    guard j + 1 < r.end, b[j] == UInt8(ascii: "\\"), b[j + 1] == UInt8(ascii: "u") else {
                        throw error("lone surrogate \\u\(hex4(UInt16(u))) in a string", at: at)
                    }
                    let lo = UInt32(try hexQuad(j + 2, j))
                    guard lo >= 0xDC00 && lo < 0xE000 else {
                        throw error("lone surrogate \\u\(hex4(UInt16(u))) in a string", at: at)
                    }
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                    j += 6
                } else if u >= 0xDC00 && u < 0xE000 {
                    throw error("lone surrogate \\u\(hex4(UInt16(u))) in a string", at: at)
                }
                appendUTF8(u)
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: at)
            }
            run = j
        }
        if run < r.end { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<r.end])) }
    }

    /// The value of 4 hex digits at `j` (inside the string ending at the closing quote).
    private func hexQuad(_ j: Int, _ escapeAt: Int) throws(JSONError) -> UInt16 {
        var v: UInt16 = 0
        for k in 0..<4 {
            let c = j + k < b.count ? b[j + k] : 0
            let d: UInt8
            switch c {
            case 48...57: d = c - 48
            case 65...70: d = c - 55
            case 97...102: d = c - 87
            default: throw error("invalid \\u escape: expected 4 hex digits", at: escapeAt)
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }

    private mutating func appendUTF8(_ u: UInt32) {
        if u < 0x80 {
            scratch.append(UInt8(u))
        } else if u < 0x800 {
            scratch.append(UInt8(0xC0 | (u >> 6))); scratch.append(UInt8(0x80 | (u & 0x3F)))
        } else if u < 0x10000 {
            scratch.append(UInt8(0xE0 | (u >> 12))); scratch.append(UInt8(0x80 | ((u >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (u & 0x3F)))
        } else {
            scratch.append(UInt8(0xF0 | (u >> 18))); scratch.append(UInt8(0x80 | ((u >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((u >> 6) & 0x3F))); scratch.append(UInt8(0x80 | (u & 0x3F)))
        }
    }

    /// Offset of the first byte that starts an invalid UTF-8 sequence in `start..<end`, or nil if valid.
    ///
    /// Rejects overlong forms, encoded surrogates (U+D800–DFFF) and code points beyond U+10FFFF.
    func firstInvalidUTF8(_ start: Int, _ end: Int) -> Int? {
        var j = start
        @inline(__always) func cont(_ k: Int) -> Bool { k < end && b[k] & 0xC0 == 0x80 }
        while j < end {
            let c = b[j]
            if c < 0x80 { j += 1; continue }
            if c < 0xC2 { return j }
            if c < 0xE0 {
                guard cont(j + 1) else { return j }
                j += 2
            } else if c < 0xF0 {
                guard cont(j + 1), cont(j + 2) else { return j }
                let c1 = b[j + 1]
                if c == 0xE0 && c1 < 0xA0 { return j }  // overlong
                if c == 0xED && c1 >= 0xA0 { return j }  // surrogate
                j += 3
            } else if c < 0xF5 {
                guard cont(j + 1), cont(j + 2), cont(j + 3) else { return j }
                let c1 = b[j + 1]
                if c == 0xF0 && c1 < 0x90 { return j }  // overlong
                if c == 0xF4 && c1 >= 0x90 { return j }  // beyond U+10FFFF
                j += 4
            } else {
                return j
            }
        }
        return nil
    }

    func hex4(_ v: UInt16) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}

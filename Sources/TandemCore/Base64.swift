/// Text that is not base64: where (byte offset in the text) and why.
public struct Base64Error: Error, CustomStringConvertible, Sendable, Equatable {
    /// Byte offset within the base64 text.
    public var offset: Int
    /// What was wrong.
    public var reason: String
    public init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "invalid base64 at byte \(offset): \(reason)" }
}

/// Base64 with the standard alphabet (RFC 4648 §4): padded on output; padding optional on input.
///
/// Input must not contain whitespace or line breaks. Unused bits of the last group are ignored.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    // 0xFF marks a byte outside the alphabet.
    private static let reverse: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// The length of the padded encoding of `count` bytes.
    @inline(__always) public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the padded base64 text of `bytes` to `out`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let n = bytes.count
        guard n > 0 else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: encodedCount(n)))
        alphabet.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                var j = start
                var i = 0
                while i + 3 <= n {
                    let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    o[j] = a[Int(v >> 18)]
                    o[j + 1] = a[Int((v >> 12) & 63)]
                    o[j + 2] = a[Int((v >> 6) & 63)]
                    o[j + 3] = a[Int(v & 63)]
                    i += 3; j += 4
                }
                let left = n - i
                if left > 0 {
                    let v = UInt32(bytes[i]) << 16 | (left == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                    o[j] = a[Int(v >> 18)]
                    o[j + 1] = a[Int((v >> 12) & 63)]
                    o[j + 2] = left == 2 ? a[Int((v >> 6) & 63)] : UInt8(ascii: "=")
                    o[j + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    /// Appends the padded base64 text of `bytes` to `out`.
    public static func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        bytes.withUnsafeBytes { encode($0, into: &out) }
    }

    /// The padded base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(encodedCount(bytes.count))
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base64 text (standard alphabet, padding optional).
    public static func decode(_ text: UnsafeBufferPointer<UInt8>) throws(Base64Error) -> [UInt8] {
        var n = text.count
        // Strip at most two '=' of padding; the rest must then form a valid unpadded length.
        var pad = 0
        while pad < 2 && n > 0 && text[n - 1] == UInt8(ascii: "=") { n -= 1; pad += 1 }
        if pad > 0 && (n + pad) % 4 != 0 {
            try checkCharacters(text, n)  // a stray character is the better explanation
            throw Base64Error(offset: n, reason: "padding does not complete a 4-character group")
        }
        if n % 4 == 1 {
            try checkCharacters(text, n)
            throw Base64Error(offset: n - 1, reason: "length leaves a single character in the last group")
        }
        let outCount = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1)
        var bad = -1
        let result = reverse.withUnsafeBufferPointer { r in
            [UInt8](unsafeUninitializedCapacity: outCount) { o, count in
                var i = 0, j = 0
                while i + 4 <= n {
                    let a = r[Int(text[i])], b = r[Int(text[i + 1])], c = r[Int(text[i + 2])], d = r[Int(text[i + 3])]
                    if (a | b | c | d) & 0xC0 != 0 { bad = i; break }
                    let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    o[j] = UInt8(truncatingIfNeeded: v >> 16)
                    o[j + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    o[j + 2] = UInt8(truncatingIfNeeded: v)
                    i += 4; j += 3
                }
                if bad < 0 && i < n {
                    var v: UInt32 = 0
                    for k in i..<n {
                        let x = r[Int(text[k])]
                        if x == 0xFF { bad = k; break }
                        v |= UInt32(x) << (18 - 6 * UInt32(k - i))
                    }
                    if bad < 0 {
                        o[j] = UInt8(truncatingIfNeeded: v >> 16)
                        if n - i == 3 { o[j + 1] = UInt8(truncatingIfNeeded: v >> 8) }
                    }
                }
                count = bad < 0 ? outCount : 0
            }
        }
        if bad >= 0 { try checkCharacters(text, n, from: bad) }
        return result
    }

    /// Fails at the first byte of `text[from..<n]` outside the alphabet.
    private static func checkCharacters(_ text: UnsafeBufferPointer<UInt8>, _ n: Int, from: Int = 0) throws(Base64Error) {
        for k in from..<n where reverse[Int(text[k])] == 0xFF {
            let c = text[k]
            let shown = c == UInt8(ascii: "=") ? "'=' before the end"
                : (c >= 0x21 && c < 0x7F) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
            throw Base64Error(offset: k, reason: "\(shown) is not a base64 character")
        }
    }

    /// Decodes base64 text (standard alphabet, padding optional).
    public static func decode(_ text: String) throws(Base64Error) -> [UInt8] {
        var text = text
        let r = text.withUTF8 { u -> Result<[UInt8], Base64Error> in
            do throws(Base64Error) { return .success(try decode(u)) } catch { return .failure(error) }
        }
        return try r.get()
    }
}

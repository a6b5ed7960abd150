/// Appends JSON tokens (strings, numbers, literals) as UTF-8 onto a byte array; no trees, no Foundation.
public enum JSONWriter {
    // 1 for bytes a JSON string must escape: control characters, '"' and '\'.
    private static let needsEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string.
    ///
    /// `"` and `\` are escaped, `\n` `\r` `\t` use their short escapes, other control characters
    /// become `\u00XX`; everything else, any Unicode included, is kept as UTF-8.
    @inline(__always) public static func string(_ s: String, into out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ string($0, into: &out) }) != nil { return }
        var copy = s
        copy.withUTF8 { string($0, into: &out) }
    }

    /// Appends valid UTF-8 bytes as a quoted JSON string (see `string(_:into:)`).
    public static func string(_ u: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        needsEscape.withUnsafeBufferPointer { esc in
            var run = 0
            var j = 0
            let n = u.count
            while j < n {
                let c = u[j]
                if !esc[Int(c)] { j += 1; continue }
                if run < j { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<j])) }
                out.append(UInt8(ascii: "\\"))
                switch c {
                case 0x22, 0x5C: out.append(c)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u")); out.append(48); out.append(48)
                    out.append(hex[Int(c >> 4)]); out.append(hex[Int(c & 15)])
                }
                j += 1
                run = j
            }
            if run < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<n])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends an integer.
    @inline(__always) public static func int(_ v: Int64, into out: inout [UInt8]) { JSONNumbers.write(v, into: &out) }

    /// Appends a finite double so it reads back as the same double (always with a '.' or an exponent).
    ///
    /// - Important: NaN and ±infinity are not JSON numbers: they are written as `null` (as JavaScript does).
    ///   Event lines use `EventJSON.write(_:into:)`, which keeps them as `{"double":"NaN"}` and the like.
    public static func double(_ d: Double, into out: inout [UInt8]) {
        if d.isFinite { JSONNumbers.write(d, into: &out) } else { raw("null", into: &out) }
    }

    /// Appends the bytes of a static ASCII text as they are (punctuation, field names with quotes).
    @inline(__always) public static func raw(_ s: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}

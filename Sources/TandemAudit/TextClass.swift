#if canImport(Glibc)
import Glibc
#endif

/// The pattern class of one text value (after trimming outer white space), as the profile counts it.
public enum TextPattern: String, Sendable, CaseIterable, Comparable {
    case email, url, uuid, phone, date, integer, decimal, boolean, other

    public static func < (a: TextPattern, b: TextPattern) -> Bool { a.rawValue < b.rawValue }
}

/// What the profiler learns from one text value's bytes: its pattern, and for dates which format.
public struct TextShape: Sendable, Equatable {
    /// The pattern class.
    public var pattern: TextPattern
    /// For `.date`: the format as a `parseTimestamp` pattern (e.g. `%d.%m.%Y`); a slash date whose day and
    /// month cannot be told apart is `%m/%d/%Y` here and `slashAmbiguous` is set. Looked up from `dateIndex`,
    /// so a shape holds no string (one is made and dropped for every new value).
    public var dateFormat: String? { pattern == .date ? TextClassifier.dateFormats[dateIndex] : nil }
    /// A `dd/mm` or `mm/dd` date with both fields ≤ 12.
    public var slashAmbiguous = false
    /// A slash date whose first field is > 12, so it is `%d/%m/%Y`.
    public var slashDayFirst = false
    /// For `.date`: the index of `dateFormat` in `TextClassifier.dateFormats`.
    var dateIndex = 0
}

/// Classifies text values by hand-written scanners over their bytes (no regular expressions: this runs for
/// every cell of every row).
public enum TextClassifier {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { isDigit(b) || ((b | 0x20) >= 97 && (b | 0x20) <= 102) }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    /// The bytes without leading and trailing ASCII white space.
    public static func trimmed(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var lo = 0, hi = b.count
        while lo < hi, isSpace(b[lo]) { lo += 1 }
        while hi > lo, isSpace(b[hi - 1]) { hi -= 1 }
        return UnsafeRawBufferPointer(rebasing: b[lo..<hi])
    }

    /// The class of a (trimmed, non-empty) text value.
    public static func classify(_ b: UnsafeRawBufferPointer) -> TextShape {
        if let d = date(b) { return d }
        if let n = number(b) { return TextShape(pattern: n) }
        if isBoolean(b) { return TextShape(pattern: .boolean) }
        if isUUID(b) { return TextShape(pattern: .uuid) }
        if isEmail(b) { return TextShape(pattern: .email) }
        if isURL(b) { return TextShape(pattern: .url) }
        if isPhone(b) { return TextShape(pattern: .phone) }
        return TextShape(pattern: .other)
    }

    /// Optional sign, digits, optional fraction and exponent: `.integer` or `.decimal`.
    static func number(_ b: UnsafeRawBufferPointer) -> TextPattern? {
        var i = 0
        if i < b.count, b[i] == 43 || b[i] == 45 { i += 1 }
        let start = i
        while i < b.count, isDigit(b[i]) { i += 1 }
        var digits = i - start
        if i == b.count { return digits > 0 ? .integer : nil }
        if b[i] == 46 {
            i += 1
            let f = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            digits += i - f
        }
        guard digits > 0 else { return nil }
        if i < b.count, b[i] | 0x20 == 101 {
            i += 1
            if i < b.count, b[i] == 43 || b[i] == 45 { i += 1 }
            let e = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            if i == e { return nil }
        }
        return i == b.count ? .decimal : nil
    }

    /// true/false, yes/no, y/n, t/f, on/off in any case: the lower-cased bytes packed into one integer.
    static let booleans: Set<UInt64> = Set(["true", "false", "yes", "no", "y", "n", "t", "f", "on", "off"].map { packed(Array($0.utf8)) })

    static func packed<C: Collection>(_ b: C) -> UInt64 where C.Element == UInt8 {
        b.reduce(0) { $0 << 8 | UInt64($1 | 0x20) }
    }

    static func isBoolean(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count <= 5, b.allSatisfy(isAlpha) else { return false }
        return booleans.contains(packed(b))
    }

    static func isUUID(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count == 36 else { return false }
        for i in 0..<36 {
            if i == 8 || i == 13 || i == 18 || i == 23 { if b[i] != 45 { return false } } else if !isHex(b[i]) { return false }
        }
        return true
    }

    /// local@domain.tld: one @, no white space, a dotted domain whose last label has ≥ 2 letters.
    static func isEmail(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count > 4, let p = memchr(b.baseAddress!, 64, b.count) else { return false }
        let at = UnsafeRawPointer(p) - b.baseAddress!
        guard at > 0, at < b.count - 3 else { return false }
        // One table look-up a byte: before the @ any byte but white space, control, , ; < > @; after it
        // letters, digits, '-', non-ASCII and single dots.
        return emailBytes.withUnsafeBufferPointer { table in
            for i in 0..<at where table[Int(b[i])] & 1 == 0 { return false }
            var lastDot = -1
            for i in (at + 1)..<b.count {
                let c = b[i]
                if c == 46 { if i == at + 1 || b[i - 1] == 46 { return false }; lastDot = i }
                else if table[Int(c)] & 2 == 0 { return false }
            }
            guard lastDot > at + 1, b.count - lastDot - 1 >= 2 else { return false }
            for i in (lastDot + 1)..<b.count where !isAlpha(b[i]) { return false }
            return true
        }
    }

    /// Per byte: 1 allowed in an email's local part, 2 in its domain (besides dots).
    static let emailBytes: [UInt8] = (0..<256).map { v in
        let c = UInt8(v)
        let local = !(isSpace(c) || c < 33 || c == 44 || c == 59 || c == 60 || c == 62 || c == 64)
        let domain = isAlpha(c) || isDigit(c) || c == 45 || c >= 128
        return (local ? 1 : 0) | (domain ? 2 : 0)
    }

    static func isURL(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count > 9, b[0] | 0x20 == 104, b[1] | 0x20 == 116, b[2] | 0x20 == 116, b[3] | 0x20 == 112 else { return false }
        let secure = b[4] | 0x20 == 115
        let scheme = secure ? 8 : 7
        guard b[scheme - 3] == 58, b[scheme - 2] == 47, b[scheme - 1] == 47 else { return false }
        guard b.count > scheme + 2 else { return false }
        return !b.contains(where: { isSpace($0) })
    }

    /// 7–15 digits and nothing else: a phone number without separators when its column holds phones.
    public static func isPhoneDigits(_ b: UnsafeRawBufferPointer) -> Bool {
        (7...15).contains(b.count) && b.allSatisfy(isDigit)
    }

    /// 7–15 digits with at least one of + ( ) - . / space between them (plain digit runs are numbers).
    static func isPhone(_ b: UnsafeRawBufferPointer) -> Bool {
        var digits = 0, separators = 0
        for (i, c) in b.enumerated() {
            if isDigit(c) { digits += 1 } else if c == 43 { if i != 0 { return false }; separators += 1 }
            else if c == 40 || c == 41 || c == 45 || c == 46 || c == 47 || c == 32 { separators += 1 } else { return false }
        }
        return (7...15).contains(digits) && separators > 0
    }
}

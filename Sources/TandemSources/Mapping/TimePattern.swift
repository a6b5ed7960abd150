import TandemCore

/// A strftime-like pattern for legacy date/time text (e.g. `%d.%m.%Y %H:%M:%S`), compiled once.
///
/// Directives: `%Y` (4-digit year), `%y` (2-digit year, 69–99 → 19xx, else 20xx), `%m`, `%d`, `%H`, `%I`
/// (12-hour), `%p` (AM/PM), `%M`, `%S`, `%f` (1–9 fraction digits, kept to µs), `%b` (English month
/// abbreviation), `%z` (`Z`, `±HH`, `±HHMM`, `±HH:MM`), `%%`. Any other character must match itself.
/// Fields left out default to 1970-01-01 00:00:00.
public struct TimePattern: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case literal(UInt8)
        case year4, year2, month, day, hour24, hour12, ampm, minute, second, fraction, monthName, zone
    }

    let pieces: [Piece]
    /// The pattern text it was compiled from (several patterns joined by " or ").
    public private(set) var text: String
    /// Patterns tried in order when this one does not match (a column written in several formats).
    var alternatives: [TimePattern] = []

    /// Directive letters this parser knows, for error messages.
    public static let directives = "%Y %y %m %d %H %I %p %M %S %f %b %z %%"

    /// Compiles a pattern.
    /// - Throws: a reason (String) when a directive is unknown.
    public init(_ text: String) throws(TimePatternError) {
        self.text = text
        var out: [Piece] = []
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            if b[i] != UInt8(ascii: "%") { out.append(.literal(b[i])); i += 1; continue }
            guard i + 1 < b.count else { throw TimePatternError(reason: "pattern ends with a lone %") }
            let p: Piece
            switch b[i + 1] {
            case UInt8(ascii: "Y"): p = .year4
            case UInt8(ascii: "y"): p = .year2
            case UInt8(ascii: "m"): p = .month
            case UInt8(ascii: "d"): p = .day
            case UInt8(ascii: "H"): p = .hour24
            case UInt8(ascii: "I"): p = .hour12
            case UInt8(ascii: "p"): p = .ampm
            case UInt8(ascii: "M"): p = .minute
            case UInt8(ascii: "S"): p = .second
            case UInt8(ascii: "f"): p = .fraction
            case UInt8(ascii: "b"): p = .monthName
            case UInt8(ascii: "z"): p = .zone
            case UInt8(ascii: "%"): p = .literal(UInt8(ascii: "%"))
            default:
                throw TimePatternError(reason: "unknown directive %\(Character(Unicode.Scalar(b[i + 1]))); expected one of \(TimePattern.directives)")
            }
            out.append(p); i += 2
        }
        pieces = out
    }

    /// Compiles several patterns, tried in order; the first that matches wins.
    /// - Throws: the reason when a pattern has an unknown directive.
    public init(anyOf texts: [String]) throws(TimePatternError) {
        try self.init(texts.first ?? "")
        for t in texts.dropFirst() { alternatives.append(try TimePattern(t)) }
        if !alternatives.isEmpty { text = texts.joined(separator: " or ") }
    }

    /// True when the pattern reads a zone offset itself (`%z`).
    public var hasZone: Bool { pieces.contains(.zone) }

    private static let months: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map { Array($0.utf8) }

    /// Parses `text` as wall-clock time; returns microseconds since the epoch as if UTC, and the offset in
    /// seconds when the text carried one (`%z`), or nil with the reason it does not match.
    public func parse(_ text: String) -> (micros: Int64, offsetSeconds: Int64?)? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// `parse(_:)` on UTF-8 bytes, without making a String (the audit checks every date-like value).
    public func parse(bytes b: UnsafeBufferPointer<UInt8>) -> (micros: Int64, offsetSeconds: Int64?)? {
        if let r = parseOne(bytes: b) { return r }
        for a in alternatives { if let r = a.parseOne(bytes: b) { return r } }
        return nil
    }

    private func parseOne(bytes b: UnsafeBufferPointer<UInt8>) -> (micros: Int64, offsetSeconds: Int64?)? {
        var i = 0
        var year: Int64 = 1970, month: Int64 = 1, day: Int64 = 1, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var micros: Int64 = 0, pm: Bool? = nil, hour12 = false, offset: Int64? = nil
        func digits(_ minN: Int, _ maxN: Int) -> Int64? {
            var v: Int64 = 0, n = 0
            while n < maxN, i < b.count, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int64(b[i] - 48); i += 1; n += 1 }
            return n >= minN ? v : nil
        }
        for piece in pieces {
            switch piece {
            case .literal(let c):
                guard i < b.count, b[i] == c else { return nil }
                i += 1
            case .year4: guard let v = digits(4, 4) else { return nil }; year = v
            case .year2: guard let v = digits(2, 2) else { return nil }; year = v >= 69 ? 1900 + v : 2000 + v
            case .month: guard let v = digits(1, 2) else { return nil }; month = v
            case .day: guard let v = digits(1, 2) else { return nil }; day = v
            case .hour24: guard let v = digits(1, 2) else { return nil }; hour = v
            case .hour12: guard let v = digits(1, 2), v >= 1, v <= 12 else { return nil }; hour = v; hour12 = true
            case .minute: guard let v = digits(1, 2) else { return nil }; minute = v
            case .second: guard let v = digits(1, 2) else { return nil }; second = v
            case .fraction:
                var n = 0; var v: Int64 = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if n < 6 { v = v * 10 + Int64(b[i] - 48) }
                    n += 1; i += 1
                }
                guard n >= 1, n <= 9 else { return nil }
                for _ in n..<6 where n < 6 { v *= 10 }
                micros = v
            case .ampm:
                guard i + 1 < b.count else { return nil }
                let a = b[i] | 0x20, m = b[i + 1] | 0x20
                guard m == UInt8(ascii: "m"), a == UInt8(ascii: "a") || a == UInt8(ascii: "p") else { return nil }
                pm = a == UInt8(ascii: "p"); i += 2
            case .monthName:
                guard i + 2 < b.count else { return nil }
                let w = [b[i] | 0x20, b[i + 1] | 0x20, b[i + 2] | 0x20]
                guard let k = TimePattern.months.firstIndex(of: w) else { return nil }
                month = Int64(k + 1); i += 3
            case .zone:
                guard i < b.count else { return nil }
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { offset = 0; i += 1; continue }
                guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
                let sign: Int64 = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let hh = digits(2, 2), hh <= 23 else { return nil }
                if i < b.count, b[i] == UInt8(ascii: ":") { i += 1 }
                let mm = digits(2, 2) ?? 0
                guard mm <= 59 else { return nil }
                offset = sign * (hh * 3600 + mm * 60)
            }
        }
        guard i == b.count else { return nil }
        if hour12 {
            if pm == true { hour = hour % 12 + 12 } else { hour = hour % 12 }
        }
        guard month >= 1, month <= 12, day >= 1, day <= TimePattern.daysIn(month, year),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        let days = TimePattern.daysFromCivil(year, month, day)
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second
        return (secs * 1_000_000 + micros, offset)
    }

    static func daysIn(_ m: Int64, _ y: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil: proleptic Gregorian date → days since 1970-01-01.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// A time pattern that cannot be compiled, and why.
public struct TimePatternError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the pattern.
    public var reason: String
    public var description: String { reason }
}

/// A text that is not an RFC 3339 timestamp: where (byte offset in the text) and why.
public struct TimestampError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Byte offset within the timestamp text.
    public var offset: Int
    /// What was wrong.
    public var reason: String
    public init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "invalid timestamp at byte \(offset): \(reason)" }
}

// RFC 3339 (profile of ISO 8601), hand-written because it is on the JSON hot path.
//
// Output is always `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, microseconds). Input accepts a fraction of 1–9
// digits (digits beyond µs are truncated), `T`/`t`, `Z`/`z` or a `±HH:MM` offset (converted to UTC),
// years 0001–9999. Seconds `60` (leap seconds) are rejected: a Timestamp cannot represent them.
//
// Extension, so every `Timestamp` survives a round trip through text: an instant outside years 0001–9999
// is written with an ISO 8601 expanded year — a sign and 4 to 6 digits (`-0001-…`, `+10000-…`) — and that
// form is accepted on input. Inside 0001–9999 only the plain 4-digit form is ever written.
extension Timestamp {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000

    /// The earliest instant written with a plain 4-digit year: 0001-01-01T00:00:00Z.
    public static let rfc3339Min = Timestamp(microseconds: -62_135_596_800_000_000)
    /// The latest instant written with a plain 4-digit year: 9999-12-31T23:59:59.999999Z.
    public static let rfc3339Max = Timestamp(microseconds: 253_402_300_799_999_999)

    /// The instant as RFC 3339 text in UTC with microseconds, e.g. `2026-11-24T10:00:00.123456Z`.
    public var rfc3339: String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        writeRFC3339(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses RFC 3339 text (see the rules above this extension).
    public init(rfc3339 text: String) throws(TimestampError) {
        var text = text
        let result = text.withUTF8 { u -> Result<Timestamp, TimestampError> in
            do throws(TimestampError) { return .success(try Timestamp.parseRFC3339(u)) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    /// Appends the RFC 3339 text of the instant (`YYYY-MM-DDTHH:MM:SS.ffffffZ`) to `out`.
    public func writeRFC3339(into out: inout [UInt8]) {
        let us = microseconds
        // Floor division so instants before the epoch land on the right day.
        var days = us / Timestamp.microsPerDay
        var rem = us % Timestamp.microsPerDay
        if rem < 0 { rem += Timestamp.microsPerDay; days -= 1 }
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let secs = Int(rem / Timestamp.microsPerSecond)
        let frac = Int(rem % Timestamp.microsPerSecond)
        if y >= 1 && y <= 9999 {
            digits(y, 4, &out)
        } else {
            out.append(y < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let a = abs(y)
            digits(a, a >= 100_000 ? 6 : a >= 10_000 ? 5 : 4, &out)
        }
        out.append(UInt8(ascii: "-")); digits(m, 2, &out)
        out.append(UInt8(ascii: "-")); digits(d, 2, &out)
        out.append(UInt8(ascii: "T")); digits(secs / 3600, 2, &out)
        out.append(UInt8(ascii: ":")); digits(secs / 60 % 60, 2, &out)
        out.append(UInt8(ascii: ":")); digits(secs % 60, 2, &out)
        out.append(UInt8(ascii: ".")); digits(frac, 6, &out)
        out.append(UInt8(ascii: "Z"))
    }

    @inline(__always) private func digits(_ v: Int, _ width: Int, _ out: inout [UInt8]) {
        var div = 1
        for _ in 1..<width { div &*= 10 }
        var v = v
        while div > 0 {
            out.append(UInt8(truncatingIfNeeded: v / div) &+ 48)
            v %= div
            div /= 10
        }
    }

    /// Parses RFC 3339 text from UTF-8 bytes (see the rules above this extension).
    public static func parseRFC3339(_ s: UnsafeBufferPointer<UInt8>) throws(TimestampError) -> Timestamp {
        var i = 0
        let n = s.count

        func fail(_ reason: String, _ at: Int) -> TimestampError { TimestampError(offset: at, reason: reason) }
        func num(_ width: Int, _ what: String) throws(TimestampError) -> Int {
            var v = 0
            for k in 0..<width {
                guard i + k < n else { throw fail("text ends inside the \(what)", i + k) }
                let c = s[i + k]
                guard c >= 48 && c <= 57 else { throw fail("expected a digit of the \(what)", i + k) }
                v = v * 10 + Int(c - 48)
            }
            i += width
            return v
        }
        func sep(_ c: UInt8, _ alt: UInt8, _ what: String) throws(TimestampError) {
            guard i < n else { throw fail("text ends before \(what)", i) }
            guard s[i] == c || s[i] == alt else { throw fail("expected \(what)", i) }
            i += 1
        }

        guard n > 0 else { throw fail("empty text", 0) }
        let year: Int
        if s[0] == UInt8(ascii: "+") || s[0] == UInt8(ascii: "-") {
            let negative = s[0] == UInt8(ascii: "-")
            i = 1
            var width = 0
            while i + width < n && s[i + width] >= 48 && s[i + width] <= 57 { width += 1 }
            guard width >= 4 && width <= 6 else { throw fail("an expanded year has 4 to 6 digits", 1) }
            let y = try num(width, "year")
            year = negative ? -y : y
        } else {
            year = try num(4, "year")
            guard year >= 1 else { throw fail("year 0000 is out of range (0001–9999)", 0) }
        }
        try sep(UInt8(ascii: "-"), UInt8(ascii: "-"), "'-' after the year")
        let monthAt = i
        let month = try num(2, "month")
        guard month >= 1 && month <= 12 else { throw fail("month \(month) is out of range (01–12)", monthAt) }
        try sep(UInt8(ascii: "-"), UInt8(ascii: "-"), "'-' after the month")
        let dayAt = i
        let day = try num(2, "day")
        let dim = daysInMonth(year, month)
        guard day >= 1 && day <= dim else {
            throw fail("day \(day) is out of range for month \(month) (01–\(dim))", dayAt)
        }
        try sep(UInt8(ascii: "T"), UInt8(ascii: "t"), "'T' between date and time")
        let hourAt = i
        let hour = try num(2, "hour")
        guard hour <= 23 else { throw fail("hour \(hour) is out of range (00–23)", hourAt) }
        try sep(UInt8(ascii: ":"), UInt8(ascii: ":"), "':' after the hour")
        let minuteAt = i
        let minute = try num(2, "minute")
        guard minute <= 59 else { throw fail("minute \(minute) is out of range (00–59)", minuteAt) }
        try sep(UInt8(ascii: ":"), UInt8(ascii: ":"), "':' after the minute")
        let secondAt = i
        let second = try num(2, "second")
        guard second <= 59 else {
            throw fail(second == 60 ? "leap second 60 is not supported" : "second \(second) is out of range (00–59)",
                       secondAt)
        }
        var micros = 0
        if i < n && s[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < n && s[i] >= 48 && s[i] <= 57 {
                guard i - start < 9 else { throw fail("more than 9 fraction digits", i) }
                if i - start < 6 { micros = micros * 10 + Int(s[i] - 48) }
                i += 1
            }
            guard i > start else { throw fail("expected a digit after '.'", i) }
            for _ in min(i - start, 6)..<6 { micros *= 10 }
        }
        guard i < n else { throw fail("text ends before the UTC offset ('Z' or ±HH:MM)", i) }
        var offsetSeconds = 0
        let zoneAt = i
        switch s[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            let oh = try num(2, "offset hour")
            try sep(UInt8(ascii: ":"), UInt8(ascii: ":"), "':' in the UTC offset")
            let om = try num(2, "offset minute")
            guard oh <= 23 && om <= 59 else { throw fail("UTC offset out of range", zoneAt) }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        default:
            throw fail("expected 'Z' or a ±HH:MM UTC offset", i)
        }
        guard i == n else { throw fail("unexpected text after the timestamp", i) }

        // 128-bit so the extremes of Int64 (whose day product alone would overflow) still parse.
        let total = Int128(daysFromCivil(year, month, day)) * Int128(microsPerDay)
            + Int128(hour * 3600 + minute * 60 + second - offsetSeconds) * Int128(microsPerSecond) + Int128(micros)
        guard let b = Int64(exactly: total) else { throw fail("timestamp is out of the representable range", 0) }
        return Timestamp(microseconds: b)
    }

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(_ year: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    public static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

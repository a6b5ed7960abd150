import TandemCore

/// Timestamps as text: RFC 3339 in UTC with exactly six fractional digits, `2026-11-24T10:00:00.123456Z`.
///
/// This is how SQLite stores a `Value.timestamp` (TEXT: readable, sorts in time order for years
/// 0001–9999, understood by SQLite's date functions) and how it is sent to PostgreSQL.
public enum RFC3339 {
    /// The text form of a timestamp.
    public static func format(_ t: Timestamp) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(28)
        write(t, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the text form of a timestamp to `out` (no allocation beyond `out`'s growth).
    public static func write(_ t: Timestamp, into out: inout [UInt8]) {
        let perDay: Int64 = 86_400_000_000
        var days = t.microseconds / perDay
        var rem = t.microseconds % perDay
        if rem < 0 { rem += perDay; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        let secs = rem / 1_000_000, micros = rem % 1_000_000
        func put(_ v: Int64, _ width: Int) {
            var div: Int64 = 1
            for _ in 1..<width { div *= 10 }
            while div > 0 { out.append(UInt8(48 + v / div % 10)); div /= 10 }
        }
        if y < 0 { out.append(45) }
        put(abs(y), 4); out.append(45); put(m, 2); out.append(45); put(d, 2)
        out.append(84)
        put(secs / 3600, 2); out.append(58); put(secs / 60 % 60, 2); out.append(58); put(secs % 60, 2)
        out.append(46); put(micros, 6); out.append(90)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)` (a space for `T` is accepted); nil when malformed.
    public static func parse(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool { guard i < b.count, b[i] == c else { return false }; i += 1; return true }
        guard let y = num(4), expect(45), let mo = num(2), expect(45), let d = num(2) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let h = num(2), expect(58), let mi = num(2), expect(58), let s = num(2) else { return nil }
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var micros: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 6 { micros = micros * 10 + Int64(b[i] - 48) }
                digits += 1; i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { micros *= 10 }
        }
        var offset: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign: Int64 = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = num(2), expect(58), let om = num(2) else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset
        return Timestamp(microseconds: seconds * 1_000_000 + micros)
    }

    // Howard Hinnant's days-from-civil and its inverse (proleptic Gregorian calendar).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

import Foundation
import TandemCore

extension TimePattern {
    /// Formats a UTC time as this pattern writes it in `zone` (the inverse of `parse` followed by the zone):
    /// the reverse of a `parseTimestamp` transform. `%z` writes the zone's offset as `+HH:MM` (`Z` for UTC);
    /// `%f` writes 3 digits when the time has whole milliseconds, else 6 (legacy text with another number of
    /// fraction digits does not come back byte for byte).
    public func format(_ t: Timestamp, zone: ZoneRule) -> String {
        let offset = zone.offsetSeconds(atUTC: t.microseconds)
        let wall = t.microseconds + offset * 1_000_000
        let (secsFloor, micros) = (Self.floorDiv(wall, 1_000_000), Self.floorMod(wall, 1_000_000))
        let days = Self.floorDiv(secsFloor, 86_400)
        let secOfDay = secsFloor - days * 86_400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let (year, month, day) = (Int64(y), Int64(m), Int64(d))
        let hour = secOfDay / 3600, minute = secOfDay % 3600 / 60, second = secOfDay % 60
        var out = ""
        func pad(_ v: Int64, _ n: Int) { let s = String(abs(v)); out += (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, n - s.count)) + s }
        for piece in pieces {
            switch piece {
            case .literal(let c): out.unicodeScalars.append(Unicode.Scalar(c))
            case .year4: pad(year, 4)
            case .year2: pad(Self.floorMod(year, 100), 2)
            case .month: pad(month, 2)
            case .day: pad(day, 2)
            case .hour24: pad(hour, 2)
            case .hour12: pad(hour % 12 == 0 ? 12 : hour % 12, 2)
            case .ampm: out += hour < 12 ? "AM" : "PM"
            case .minute: pad(minute, 2)
            case .second: pad(second, 2)
            case .fraction: if micros % 1000 == 0 { pad(micros / 1000, 3) } else { pad(micros, 6) }
            case .monthName: out += Self.monthNames[Int(month - 1)]
            case .zone:
                if offset == 0 { out += "Z"; continue }
                out += offset < 0 ? "-" : "+"
                pad(abs(offset) / 3600, 2); out += ":"; pad(abs(offset) % 3600 / 60, 2)
            }
        }
        return out
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
}

extension ZoneRule {
    /// The zone's offset from UTC in seconds at a UTC time (microseconds).
    func offsetSeconds(atUTC micros: Int64) -> Int64 {
        switch self {
        case .fixed(let off): return off
        case .named(let tz):
            return Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(TimePattern.floorDiv(micros, 1_000_000)))))
        }
    }
}

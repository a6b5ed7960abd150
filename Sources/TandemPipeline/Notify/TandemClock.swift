import Foundation
import TandemCore
import TandemSources

/// The one clock every time-dependent check reads (lead time, window started, cohort timelines): the
/// environment variable `TANDEM_NOW` (RFC 3339) when set, so tests inject time instead of sleeping; else the
/// system clock.
public enum TandemClock {
    /// The environment variable that fixes the clock.
    public static let variable = "TANDEM_NOW"

    /// Now: `TANDEM_NOW` when set, else the system clock.
    /// - Throws: `NotifyError.badClock` when `TANDEM_NOW` is set but not an RFC 3339 time.
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) throws(NotifyError) -> Timestamp {
        guard let text = environment[variable], !text.isEmpty else { return Quarantine.now() }
        do { return try Timestamp(rfc3339: text) } catch { throw .badClock(text: text, reason: "\(error)") }
    }
}

/// An ISO 8601 duration (`P14D`, `PT36H`, `P1W`, `P2DT3H30M`): days, hours, minutes and seconds (no years or
/// months: their length depends on the calendar).
public struct ISODuration: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public var text: String
    /// Its length in seconds.
    public var seconds: Int64

    /// Parses `text`; nil when it is not a duration of weeks, days, hours, minutes and seconds.
    public init?(_ text: String) {
        var rest = Substring(text.uppercased())
        guard rest.first == "P", rest.count > 1 else { return nil }
        rest = rest.dropFirst()
        var total: Int64 = 0, inTime = false, number = "", any = false
        for ch in rest {
            if ch == "T" { guard !inTime, number.isEmpty else { return nil }; inTime = true; continue }
            if ch.isASCII, ch.isNumber { number.append(ch); continue }
            guard let n = Int64(number), n <= 100_000 else { return nil }
            let unit: Int64
            switch (ch, inTime) {
            case ("W", false): unit = 7 * 86_400
            case ("D", false): unit = 86_400
            case ("H", true): unit = 3600
            case ("M", true): unit = 60
            case ("S", true): unit = 1
            default: return nil
            }
            total += n * unit; number = ""; any = true
        }
        guard any, number.isEmpty, rest.last != "T" else { return nil }
        self.text = text; seconds = total
    }

    /// The text as written.
    public var description: String { text }
}

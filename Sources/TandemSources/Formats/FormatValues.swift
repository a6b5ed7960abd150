import TandemCore

/// Value conventions shared by the change-log formats.
enum FormatValues {
    /// A time of day (or MySQL's signed TIME duration) as exact text `[-]HH:MM:SS[.ffffff[fff]]`: hours of at least
    /// two digits (beyond 23 for a duration), the fraction written only when not zero — six digits, nine when the
    /// nanoseconds are not whole microseconds. Tandem has no time-of-day value kind; the text is exact, sorts within
    /// a day, and both sinks store it as text that PostgreSQL's `time` and `interval` accept.
    static func timeText(nanoseconds ns: Int64) -> String {
        let negative = ns < 0
        let magnitude = ns.magnitude
        let seconds = magnitude / 1_000_000_000, fraction = magnitude % 1_000_000_000
        func two(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = (negative ? "-" : "") + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60)
        if fraction != 0 {
            let digits = String(fraction)
            let nine = String(repeating: "0", count: 9 - digits.count) + digits
            text += "." + (fraction % 1000 == 0 ? String(nine.prefix(6)) : nine)
        }
        return text
    }

    /// The time of day of PostgreSQL's text output (`HH:MM:SS[.f…]`) in the form of `timeText`, or nil.
    static func timeText(postgres s: String) -> String? {
        let b = Array(s.utf8)
        func digit(_ i: Int) -> Int64? { i < b.count && b[i] >= 48 && b[i] <= 57 ? Int64(b[i] - 48) : nil }
        guard b.count >= 8, b[2] == UInt8(ascii: ":"), b[5] == UInt8(ascii: ":"),
              let h1 = digit(0), let h2 = digit(1), let m1 = digit(3), let m2 = digit(4), let s1 = digit(6), let s2 = digit(7)
        else { return nil }
        var ns: Int64 = 0, scale: Int64 = 100_000_000, i = 8
        if i < b.count {
            guard b[i] == UInt8(ascii: "."), i + 1 < b.count else { return nil }
            i += 1
            while let d = digit(i) { if scale > 0 { ns += d * scale; scale /= 10 }; i += 1 }
            guard i == b.count else { return nil }
        }
        let seconds = (h1 * 10 + h2) * 3600 + (m1 * 10 + m2) * 60 + s1 * 10 + s2
        return timeText(nanoseconds: seconds * 1_000_000_000 + ns)
    }

    /// PostgreSQL's text output of a `timestamp` (`YYYY-MM-DD HH:MM:SS[.f…]`, taken as UTC, as Debezium does) or a
    /// `timestamptz` (with `+HH`, `+HH:MM` or `+HH:MM:SS`), or nil for text no instant can stand for
    /// (`infinity`, BC dates).
    static func timestamp(postgres s: String) -> Timestamp? {
        var b = Array(s.utf8)
        guard b.count >= 19, b[10] == UInt8(ascii: " ") else { return nil }
        b[10] = UInt8(ascii: "T")
        // Find the zone: a sign after the time (position 19 or later).
        var zoneAt = b.count
        for i in 19..<b.count where b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { zoneAt = i; break }
        var text = String(decoding: b[..<zoneAt], as: UTF8.self)
        if zoneAt == b.count {
            text += "Z"
        } else {
            let zone = Array(b[(zoneAt + 1)...])
            guard zone.count >= 2 else { return nil }
            let hh = String(decoding: zone.prefix(2), as: UTF8.self)
            var mm = "00"
            if zone.count == 5 || zone.count == 8, zone[2] == UInt8(ascii: ":") { mm = String(decoding: zone[3..<5], as: UTF8.self) }
            else if zone.count != 2 { return nil }
            if zone.count == 8, zone[5] != UInt8(ascii: ":") || zone[6] != UInt8(ascii: "0") || zone[7] != UInt8(ascii: "0") { return nil }
            text += String(UnicodeScalar(b[zoneAt])) + hh + ":" + mm
        }
        return try? Timestamp(rfc3339: text)
    }

    /// A line's JSON object, or what to do with a line that is not one: skip a blank or `null` line (a tombstone),
    /// reject anything else, naming what the format expects (`what`, e.g. "a Maxwell row").
    static func object(_ line: UnsafeRawBufferPointer, _ what: String) -> ParsedLine {
        if DebeziumDecoder.isNullLine(line) { return .done(.skip) }
        let root: JSONValue
        do throws(JSONError) { root = try JSONValue.parse(line) } catch {
            return .done(.failure(Rejection(rule: "parse", reason: "not a JSON value: \(error)")))
        }
        if root.isNull { return .done(.skip) }
        guard root.object != nil else {
            return .done(.failure(Rejection(rule: "parse", reason: "\(what) is a JSON object, found \(DebeziumDecoder.kind(root))")))
        }
        return .object(root)
    }

    /// The outcome of `object`.
    enum ParsedLine {
        case object(JSONValue)
        case done(DecodedLine)
    }

    /// A JSON integer or integer text as transaction id text (Debezium's `txId`, Maxwell's and wal2json's `xid`).
    static func idText(_ v: JSONValue?) -> String? {
        switch v {
        case .number(let n)?: return n
        case .string(let s)? where !s.isEmpty: return s
        default: return nil
        }
    }
}

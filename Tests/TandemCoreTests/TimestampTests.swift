import Testing
@testable import TandemCore

/// RFC 3339 text of timestamps: exact output, accepted input forms, and typed errors.
@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000000Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (1_795_514_400_123_456, "2026-11-24T10:00:00.123456Z"),
        (-2_203_891_200_000_000, "1900-03-01T00:00:00.000000Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00.000000Z"),
        (-62_135_596_800_000_000, "0001-01-01T00:00:00.000000Z"),
        (253_402_300_799_999_999, "9999-12-31T23:59:59.999999Z"),
        // Outside 0001–9999: the expanded-year extension, so every Timestamp round-trips.
        (-62_135_596_800_000_001, "+0000-12-31T23:59:59.999999Z"),
        (253_402_300_800_000_000, "+10000-01-01T00:00:00.000000Z"),
        (Int64.min, "-290308-12-21T19:59:05.224192Z"),
        (Int64.max, "+294247-01-10T04:00:54.775807Z"),
    ])
    func formatsAndParsesBack(micros: Int64, text: String) throws {
        #expect(Timestamp(microseconds: micros).rfc3339 == text)
        #expect(try Timestamp(rfc3339: text).microseconds == micros)
    }

    @Test(arguments: [
        ("2026-11-24T10:00:00Z", "2026-11-24T10:00:00.000000Z"),
        ("2026-11-24t10:00:00z", "2026-11-24T10:00:00.000000Z"),
        ("2026-11-24T10:00:00.1Z", "2026-11-24T10:00:00.100000Z"),
        ("2026-11-24T10:00:00.123456789Z", "2026-11-24T10:00:00.123456Z"),
        ("2026-11-24T11:30:00.5+01:30", "2026-11-24T10:00:00.500000Z"),
        ("2026-11-24T05:00:00-05:00", "2026-11-24T10:00:00.000000Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000000Z"),
        ("0001-01-01T00:00:00-01:00", "0001-01-01T01:00:00.000000Z"),
        ("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.999999Z"),
        ("1969-12-31T23:59:59.000001Z", "1969-12-31T23:59:59.000001Z"),
    ])
    func acceptsRFC3339Variants(input: String, utc: String) throws {
        #expect(try Timestamp(rfc3339: input).rfc3339 == utc)
    }

    @Test(arguments: [
        ("", "invalid timestamp at byte 0: empty text"),
        ("2026-13-01T00:00:00Z", "invalid timestamp at byte 5: month 13 is out of range (01–12)"),
        ("2026-02-29T00:00:00Z", "invalid timestamp at byte 8: day 29 is out of range for month 2 (01–28)"),
        ("1900-02-29T00:00:00Z", "invalid timestamp at byte 8: day 29 is out of range for month 2 (01–28)"),
        ("2026-04-31T00:00:00Z", "invalid timestamp at byte 8: day 31 is out of range for month 4 (01–30)"),
        ("2026-11-24 10:00:00Z", "invalid timestamp at byte 10: expected 'T' between date and time"),
        ("2026-11-24T24:00:00Z", "invalid timestamp at byte 11: hour 24 is out of range (00–23)"),
        ("2026-11-24T10:60:00Z", "invalid timestamp at byte 14: minute 60 is out of range (00–59)"),
        ("2016-12-31T23:59:60Z", "invalid timestamp at byte 17: leap second 60 is not supported"),
        ("2026-11-24T10:00:00", "invalid timestamp at byte 19: text ends before the UTC offset ('Z' or ±HH:MM)"),
        ("2026-11-24T10:00:00.Z", "invalid timestamp at byte 20: expected a digit after '.'"),
        ("2026-11-24T10:00:00.1234567890Z", "invalid timestamp at byte 29: more than 9 fraction digits"),
        ("2026-11-24T10:00:00+0100", "invalid timestamp at byte 22: expected ':' in the UTC offset"),
        ("2026-11-24T10:00:00+24:00", "invalid timestamp at byte 19: UTC offset out of range"),
        ("2026-11-24T10:00:00ZZ", "invalid timestamp at byte 20: unexpected text after the timestamp"),
        ("2026-11-24T10:00:00 Z", "invalid timestamp at byte 19: expected 'Z' or a ±HH:MM UTC offset"),
        ("0000-01-01T00:00:00Z", "invalid timestamp at byte 0: year 0000 is out of range (0001–9999)"),
        ("26-11-24T10:00:00Z", "invalid timestamp at byte 2: expected a digit of the year"),
        ("2026-1-24T10:00:00Z", "invalid timestamp at byte 6: expected a digit of the month"),
        ("+123-01-01T00:00:00Z", "invalid timestamp at byte 1: an expanded year has 4 to 6 digits"),
        ("+999999-01-01T00:00:00Z", "invalid timestamp at byte 0: timestamp is out of the representable range"),
        ("2026-11-24T10:00", "invalid timestamp at byte 16: text ends before ':' after the minute"),
    ])
    func rejectsWithReason(input: String, message: String) {
        #expect(throws: TimestampError.self) { try Timestamp(rfc3339: input) }
        do {
            _ = try Timestamp(rfc3339: input)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func randomInstantsRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED_7135)
        for _ in 0..<20_000 {
            // Mostly the RFC 3339 range, sometimes anywhere in Int64.
            let us = rng.chance(90)
                ? Timestamp.rfc3339Min.microseconds + Int64(rng.next() % UInt64(Timestamp.rfc3339Max.microseconds - Timestamp.rfc3339Min.microseconds + 1))
                : Int64(bitPattern: rng.next())
            let text = Timestamp(microseconds: us).rfc3339
            let back = try Timestamp(rfc3339: text).microseconds
            #expect(back == us, "\(us) → \(text)")
            if back != us { return }
        }
    }

    @Test func calendarAgreesWithDayByDayCounting() {
        // Walk every day of 1600–2400 and check the closed-form conversion against a plain counter.
        var days = Timestamp.daysFromCivil(1600, 1, 1)
        for y in 1600...2400 {
            for m in 1...12 {
                for d in 1...Timestamp.daysInMonth(y, m) {
                    guard Timestamp.daysFromCivil(y, m, d) == days, Timestamp.civil(fromDays: Int64(days)) == (y, m, d) else {
                        Issue.record("calendar mismatch at \(y)-\(m)-\(d)")
                        return
                    }
                    days += 1
                }
            }
        }
    }
}

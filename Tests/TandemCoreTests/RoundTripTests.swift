import Testing
@testable import TandemCore

/// Seeded, reproducible round trips of random events through both encodings.
@Suite struct RoundTripTests {
    static let count = 20_000

    @Test func binaryCodecRoundTripsRandomEvents() throws {
        var gen = EventGenerator(seed: 0x7A4D_E301)
        for n in 0..<Self.count {
            let e = gen.event()
            let decoded = try EventBinaryCodec.decode(EventBinaryCodec.encode(e))
            #expect(same(e, decoded), "event #\(n) of seed 0x7A4DE301")
            if !same(e, decoded) { return }
        }
    }

    @Test func jsonRoundTripsRandomEvents() throws {
        var gen = EventGenerator(seed: 0x7A4D_E302)
        for n in 0..<Self.count {
            let e = gen.event()
            let line = EventJSON.encode(e)
            #expect(!line.contains(0x0A), "a JSON event is one line")
            let decoded: Event
            do {
                decoded = try EventJSON.decode(line, keepSeq: true)
            } catch {
                Issue.record("event #\(n): \(error) in \(String(decoding: line, as: UTF8.self))")
                return
            }
            #expect(same(e, decoded), "event #\(n): \(String(decoding: line, as: UTF8.self))")
            if !same(e, decoded) { return }
            // Encoding is deterministic: the decoded event prints the same line.
            #expect(EventJSON.encode(decoded) == line)
        }
    }

    @Test func jsonLinesAreValidGenericJSON() throws {
        var gen = EventGenerator(seed: 0x7A4D_E303)
        for _ in 0..<2_000 {
            let line = EventJSON.encode(gen.event())
            let v = try JSONValue.parse(line)
            var out: [UInt8] = []
            v.write(into: &out)
            #expect(out == line, "JSONValue writes back the same compact text")
        }
    }
}

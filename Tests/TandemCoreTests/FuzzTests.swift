import Testing
@testable import TandemCore

/// Damaged input never traps: the binary codec throws DecodeError, the JSON readers throw JSONError.
@Suite struct FuzzTests {
    /// `bytes` with 1–4 random bytes overwritten, inserted or deleted.
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        for _ in 0...rng.below(4) {
            switch rng.below(3) {
            case 0 where !b.isEmpty: b[rng.below(b.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 1: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(b.count + 1))
            default: if !b.isEmpty { b.remove(at: rng.below(b.count)) }
            }
        }
        return b
    }

    @Test func binaryPayloadsTruncatedAnywhereAreDecodeErrors() {
        var gen = EventGenerator(seed: 0xB1_0001)
        for _ in 0..<200 {
            let payload = EventBinaryCodec.encode(gen.event())
            for n in 0..<payload.count {
                #expect(throws: DecodeError.self) { try EventBinaryCodec.decode(Array(payload[..<n])) }
            }
        }
    }

    @Test func binaryPayloadsWithRandomDamageNeverTrap() {
        var gen = EventGenerator(seed: 0xB1_0002)
        var rng = SplitMix64(seed: 0xB1_0003)
        var rejected = 0
        for _ in 0..<5_000 {
            let damaged = Self.mutate(EventBinaryCodec.encode(gen.event()), &rng)
            do { _ = try EventBinaryCodec.decode(damaged) } catch { rejected += 1 }
        }
        // Most damage is caught by the decoder itself (the journal's CRC catches the rest).
        #expect(rejected > 2_500)
        for n in 0..<2_000 {  // pure garbage
            let garbage = (0..<rng.below(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? EventBinaryCodec.decode(garbage)
            _ = try? EventBinaryCodec.peekSeq(garbage.withUnsafeBytes { $0 })
            _ = n
        }
    }

    @Test func jsonLinesWithRandomDamageNeverTrap() {
        var gen = EventGenerator(seed: 0x15_0001)
        var rng = SplitMix64(seed: 0x15_0002)
        var rejected = 0
        for _ in 0..<5_000 {
            let damaged = Self.mutate(EventJSON.encode(gen.event()), &rng)
            do { _ = try EventJSON.decode(damaged, keepSeq: true) } catch { rejected += 1 }
            _ = try? JSONValue.parse(damaged)
        }
        #expect(rejected > 2_500)
    }

    @Test func garbageTextNeverTraps() {
        var rng = SplitMix64(seed: 0x15_0003)
        let alphabet = Array(#"{}[]":,\u0123456789.eE+-truefalsnl "#.utf8) + [0x80, 0xC3, 0xED, 0xF4, 0xFF, 0x00, 0x0A]
        for _ in 0..<5_000 {
            let text = (0..<rng.below(48)).map { _ in alphabet[rng.below(alphabet.count)] }
            _ = try? JSONValue.parse(text)
            _ = try? EventJSON.decode(text)
            _ = try? Timestamp(rfc3339: String(decoding: text, as: UTF8.self))
            _ = try? Base64.decode(String(decoding: text, as: UTF8.self))
        }
    }
}

import Testing
@testable import TandemCore

/// CRC-32C: the standard check value, and the table-driven code against a bit-at-a-time reference
/// at every length and alignment the slicing loop distinguishes.
@Suite struct CRC32CTests {
    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    @Test func matchesBitwiseReferenceAtEveryLengthAndAlignment() {
        var rng = SplitMix64(seed: 32)
        let bytes = (0..<300).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for start in 0..<9 {
            for length in 0...(bytes.count - start) {
                let slice = Array(bytes[start..<(start + length)])
                let unaligned = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
                #expect(unaligned == reference(slice))
                // Continuing over a split equals one pass over the whole.
                let cut = length / 3
                let first = CRC32C.checksum(Array(slice[..<cut]))
                #expect(CRC32C.checksum(Array(slice[cut...]), continuing: first) == reference(slice))
            }
        }
    }

    private func reference(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }
}

import XCTest
@testable import TandemCore

/// `SnapshotRowEncoder` keeps text bytes only where a `String` of them holds the same bytes, and writes the
/// payload `EventBinaryEncoder` writes for the same event.
final class SnapshotRowEncoderTests: XCTestCase {
    /// Valid exactly when `String(decoding:)` keeps every byte; NUL seen wherever it is.
    func testTheUTF8CheckAgreesWithStringOnRandomBytes() {
        var rng = SplitMix64(seed: 8)
        // Bytes near the edges of the UTF-8 table: lead bytes, continuation bytes, surrogates, past U+10FFFF.
        let pool: [UInt8] = [0, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                             0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<50_000 {
            let n = Int(rng.next() % 20)
            let bytes = (0..<n).map { _ in rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : pool[Int(rng.next() % UInt64(pool.count))] }
            let (valid, nul) = bytes.withUnsafeBytes { SnapshotRowEncoder.checkUTF8($0) }
            XCTAssertEqual(valid, Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes, "\(bytes)")
            if valid { XCTAssertEqual(nul, bytes.contains(0), "\(bytes)") }
        }
        for text in ["", "plain ascii, longer than eight", "é", "日本", "😀 emoji", "a\u{0}b", String(repeating: "x", count: 33) + "\u{0}"] {
            let (valid, nul) = Array(text.utf8).withUnsafeBytes { SnapshotRowEncoder.checkUTF8($0) }
            XCTAssertTrue(valid, text)
            XCTAssertEqual(nul, text.utf8.contains(0), text)
        }
    }

    /// A row read in place encodes to the bytes of the same event built as an `Event`, origin and seq included.
    func testAnEncodedRowIsTheEventsPayload() {
        struct Fixed: ColumnValues {
            let values: [ColumnValue]
            func columnValue(at i: Int32) -> ColumnValue { values[Int(i)] }
        }
        let text = Array("naïve text".utf8), bad: [UInt8] = [0x61, 0xFF], blob: [UInt8] = [0, 1, 2]
        text.withUnsafeBytes { t in bad.withUnsafeBytes { b in blob.withUnsafeBytes { bl in
            let row = Fixed(values: [.int(-7), .double(-0.0), .text(t), .text(b), .blob(bl), .null])
            let encoder = SnapshotRowEncoder(entity: "things", columns: ["id", "r", "t", "bad", "b", "n"], keyIndexes: [0])
            var events = EncodedEvents()
            encoder.load(row)
            Array("7;snapshot:[\"things\",[-7]]".utf8).withUnsafeBytes { encoder.append(sourcePosition: $0, to: &events) }
            events.origin = "legacy"
            let after = Row(uncheckedNames: ["id", "r", "t", "bad", "b", "n"],
                            values: [.int(-7), .double(-0.0), .string("naïve text"), .string("a\u{FFFD}"), .bytes(blob), .null])
            let expected = Event(seq: 12, sourcePosition: "7;snapshot:[\"things\",[-7]]", entity: "things",
                                 key: Row(uncheckedNames: ["id"], values: [.int(-7)]), op: .snapshot, after: after, origin: "legacy")
            var w = ByteWriter()
            events.encode(0, seq: 12, headerRoom: 0, into: &w)
            XCTAssertEqual(w.bytes, EventBinaryCodec.encode(expected))
            XCTAssertTrue(events.uniform)
            XCTAssertEqual(events.lastPosition, "7;snapshot:[\"things\",[-7]]")
        }}}
    }
}

import Foundation
import TandemCore
@testable import TandemJournal
import XCTest

/// Promise: the writer's framing is exactly the documented format (schemas/journal-format.md).
final class SegmentFormatTests: XCTestCase {
    func testPayloadWithAssignedSeqEqualsTheCodecsEncoding() {
        for seq: UInt64 in [1, 2, 127, 128, 300, 16_383, 16_384, 1 << 32, UInt64.max >> 1, UInt64.max] {
            for event in [sampleEvent(Int(seq % 1000)), Event(entity: "e", key: [:], op: .truncate)] {
                var w = ByteWriter()
                SegmentFormat.encodePayload(event, seq: seq, into: &w)
                var expected = event; expected.seq = seq
                XCTAssertEqual(w.bytes, EventBinaryCodec.encode(expected), "seq \(seq)")
                XCTAssertEqual(try EventBinaryCodec.decode(w.bytes), expected)
            }
        }
        // An event that already carries a seq is re-stamped too.
        var carried = sampleEvent(5); carried.seq = 99
        var w = ByteWriter()
        SegmentFormat.encodePayload(carried, seq: 7, into: &w)
        XCTAssertEqual(try EventBinaryCodec.decode(w.bytes).seq, 7)
    }

    func testFrameAndHeaderLayout() throws {
        var w = ByteWriter()
        try SegmentFormat.appendFrame(sampleEvent(3), seq: 3, groupStart: true, into: &w)
        let payload = EventBinaryCodec.encode(journaled(3))
        XCTAssertEqual(w.bytes.count, 8 + payload.count)
        let word = UInt32(payload.count) | 1 << 31
        XCTAssertEqual(Array(w.bytes[0..<4]), [UInt8(word & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word >> 16 & 0xFF), UInt8(word >> 24)])
        let crc = CRC32C.checksum(payload, continuing: CRC32C.checksum(Array(w.bytes[0..<4])))
        XCTAssertEqual(Array(w.bytes[4..<8]), [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
        XCTAssertEqual(Array(w.bytes[8...]), payload)

        let id = UUID()
        let header = SegmentFormat.header(journalID: id, base: 42)
        XCTAssertEqual(header.count, 48)
        XCTAssertEqual(Array(header[0..<8]), Array("TNDMSEG1".utf8))
        XCTAssertEqual(try SegmentFormat.parseHeader(header).get(), .init(journalID: id, base: 42))
        XCTAssertEqual(SegmentFormat.fileName(base: 42), "00000000000000000042.seg")
        XCTAssertEqual(SegmentFormat.base(ofFileName: "00000000000000000042.seg"), 42)
        XCTAssertNil(SegmentFormat.base(ofFileName: "00000000000000000042.seg.tmp"))
    }
}

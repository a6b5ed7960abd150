import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: a torn tail is cut back to the last whole record, kept in `.broken` and logged; damage
/// before the tail stops the open with the file, offset and seq, and nothing is written.
final class RecoveryTests: XCTestCase {
    var dir = ""
    var segment: String { dir + "/00000000000000000001.seg" }
    let log = LogLines()
    var options: JournalOptions { JournalOptions(logger: log.sink) }

    override func setUpWithError() throws {
        dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir)
    }

    /// Appends events 1…count, one group each unless `oneBatch`; returns each record's offset.
    @discardableResult
    func fill(_ count: Int, oneBatch: Bool = false) throws -> [Int64] {
        let w = try JournalWriter(directory: dir, options: options)
        if oneBatch { try w.append((1...count).map { sampleEvent($0) }) } else {
            for i in 1...count { try w.append(sampleEvent(i)) }
        }
        w.close()
        var offsets: [Int64] = []
        var at = Int64(SegmentFormat.headerSize)
        for i in 1...count {
            offsets.append(at)
            at += Int64(8 + EventBinaryCodec.encode(journaled(i)).count)
        }
        offsets.append(at)
        return offsets
    }

    func fileBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    func writeBytes(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// Opens for writing and checks the cut: events 1…kept remain, `.broken` holds `cut`, one log line.
    func assertTornTailCut(keeping kept: Int, at offset: Int64, cut: [UInt8], file: StaticString = #filePath,
                           line: UInt = #line) throws {
        let w = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(w.lastSeq, UInt64(kept), file: file, line: line)
        XCTAssertEqual(try w.append(sampleEvent(kept + 1)), UInt64(kept + 1), file: file, line: line)
        w.close()
        XCTAssertEqual(try fileBytes(segment + ".broken"), cut, file: file, line: line)
        XCTAssertEqual(log.all.filter { $0.contains("torn tail") }, [
            "journal: torn tail in \(segment) at byte \(offset): dropped \(cut.count) bytes"
                + " (copy kept in \(segment).broken); appends continue at seq \(kept + 1)",
        ], file: file, line: line)
        XCTAssertEqual(try readAll(dir), (1...(kept + 1)).map { journaled($0) }, file: file, line: line)
        XCTAssertTrue(try Journal.verify(at: dir).isClean, file: file, line: line)
    }

    func testPartialRecordIsCut() throws {
        let offsets = try fill(10)
        var bytes = try fileBytes(segment)
        let cut = Array(bytes[Int(offsets[9])..<Int(offsets[9] + 30)])
        bytes.removeSubrange(Int(offsets[9] + 30)...)
        try writeBytes(segment, bytes)
        // A reader beside it sees the whole records and no error.
        XCTAssertEqual(try readAll(dir).count, 9)
        let report = try Journal.verify(at: dir)
        XCTAssertTrue(report.isClean)
        XCTAssertEqual(report.tornTail, TornTail(file: segment, offset: offsets[9], bytes: 30))
        try assertTornTailCut(keeping: 9, at: offsets[9], cut: cut)
    }

    func testZeroedTailIsCut() throws {
        let offsets = try fill(10)
        let zeros = [UInt8](repeating: 0, count: 4096)
        try writeBytes(segment, try fileBytes(segment) + zeros)
        try assertTornTailCut(keeping: 10, at: offsets[10], cut: zeros)
    }

    func testGarbageTailIsCut() throws {
        let offsets = try fill(10)
        var rng = SplitMix64(seed: 42)
        let garbage = (0..<777).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try writeBytes(segment, try fileBytes(segment) + garbage)
        try assertTornTailCut(keeping: 10, at: offsets[10], cut: garbage)
    }

    func testBadChecksumInTheLastRecordIsCut() throws {
        let offsets = try fill(10)
        var bytes = try fileBytes(segment)
        bytes[Int(offsets[9]) + 40] ^= 0x01
        try writeBytes(segment, bytes)
        try assertTornTailCut(keeping: 9, at: offsets[9], cut: Array(bytes[Int(offsets[9])...]))
    }

    func testFlippedByteInTheMiddleIsCorruption() throws {
        let offsets = try fill(10)
        var bytes = try fileBytes(segment)
        bytes[Int(offsets[4]) + 50] ^= 0x20
        try writeBytes(segment, bytes)
        let expected = "journal corrupt: \(segment) at byte \(offsets[4]), seq 5: record checksum mismatch, and a later"
            + " write group (seq 6 at byte \(offsets[5])) follows; nothing was written "
            + expectedCorruptionHint(dir, seq: 5)
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: options)) { XCTAssertEqual("\($0)", expected) }
        XCTAssertEqual(try fileBytes(segment), bytes, "nothing written")
        XCTAssertFalse(FileManager.default.fileExists(atPath: segment + ".broken"))
        XCTAssertEqual("\(try Journal.verify(at: dir).fault!)", expected)
        XCTAssertThrowsError(try readAll(dir)) { XCTAssertEqual("\($0)", expected) }
        // The way out the hint names: cut from the damage on.
        try Journal.truncate(after: 4, force: true, at: dir, options: options)
        XCTAssertEqual(try readAll(dir), (1...4).map { journaled($0) })
        XCTAssertTrue(try Journal.verify(at: dir).isClean)
    }

    func testFlippedByteInsideOneWriteGroupIsCorruption() throws {
        let offsets = try fill(40, oneBatch: true)
        var bytes = try fileBytes(segment)
        bytes[Int(offsets[20]) + 60] ^= 0x04
        try writeBytes(segment, bytes)
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: options)) {
            XCTAssertEqual("\($0)", "journal corrupt: \(segment) at byte \(offsets[20]), seq 21: record checksum"
                + " mismatch, and a good record (seq 22 at byte \(offsets[21])) follows; nothing was written "
                + expectedCorruptionHint(self.dir, seq: 21))
        }
    }

    func testSeqDiscontinuityIsCorruption() throws {
        let offsets = try fill(10)
        var w = ByteWriter()
        try SegmentFormat.appendFrame(sampleEvent(12), seq: 12, groupStart: true, into: &w)
        try writeBytes(segment, try fileBytes(segment) + w.bytes)
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: options)) {
            XCTAssertEqual("\($0)", "journal corrupt: \(segment) at byte \(offsets[10]), seq 11: seq discontinuity:"
                + " expected seq 11, found 12; nothing was written " + expectedCorruptionHint(self.dir, seq: 11))
        }
        try Journal.truncate(after: 10, force: true, at: dir, options: options)
        XCTAssertEqual(try readAll(dir), (1...10).map { journaled($0) })
    }

    func testMissingSegmentIsCorruption() throws {
        let small = JournalOptions(segmentSize: 2048, logger: log.sink)
        let w = try JournalWriter(directory: dir, options: small)
        for i in 1...60 { try w.append(sampleEvent(i)) }
        w.close()
        let bases = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        XCTAssertGreaterThan(bases.count, 3)
        let gone = JournalFiles.segmentPath(dir, bases[1])
        try FileManager.default.removeItem(atPath: gone)
        try? FileManager.default.removeItem(atPath: IndexFile.path(dir, base: bases[1]))
        let next = SegmentFormat.fileName(base: bases[2])
        let expected = "journal corrupt: \(dir)/\(next) at byte 48, seq \(bases[1]): a segment is missing:"
            + " 00000000000000000001.seg ends at seq \(bases[1] - 1), the next segment starts at seq \(bases[2]);"
            + " nothing was written " + expectedCorruptionHint(dir, seq: bases[1])
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: small)) { XCTAssertEqual("\($0)", expected) }
        XCTAssertNotNil(try Journal.verify(at: dir, options: small).fault)
        XCTAssertThrowsError(try readAll(dir, options: small)) { error in
            guard case .corrupt(_, _, let seq, _) = error as? JournalError else { return XCTFail("\(error)") }
            XCTAssertEqual(seq, bases[1])
        }
    }

    func testNotAJournalAndNewerFormat() throws {
        let empty = try temporaryPath(self)
        XCTAssertThrowsError(try JournalWriter(directory: empty)) {
            XCTAssertEqual("\($0)", "\(empty) is not a Tandem journal: no manifest.json"
                           + " (hint: create one with `tandem journal init \(empty)`)")
        }
        var text = try String(contentsOfFile: dir + "/manifest.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 7")
        try text.write(toFile: dir + "/manifest.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try JournalWriter(directory: dir)) {
            XCTAssertEqual("\($0)", "\(dir) uses journal format version 7, this build reads version 1"
                           + " (hint: use a newer tandem)")
        }
    }
}

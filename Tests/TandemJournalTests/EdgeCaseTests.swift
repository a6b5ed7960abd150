import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: odd but possible input (extreme seqs, damaged index files and manifests, damage before
/// the tail) gives a typed error or the true figures, never a crash or a wrong count; and followers
/// keep following when a truncation rewrites the segment they have open.
final class EdgeCaseTests: XCTestCase {
    var dir = ""
    let small = JournalOptions(segmentSize: 2048, indexInterval: 256, logger: { _ in })

    /// A journal of seqs 1…`count` (one write group each), written with `options` and closed.
    func makeJournal(_ count: Int, options: JournalOptions) throws {
        dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let w = try JournalWriter(directory: dir, options: options)
        for i in 1...count { try w.append(sampleEvent(i)) }
        w.close()
    }

    func testFollowersReopenWhenTruncateBeforeRewritesTheirSegment() throws {
        try makeJournal(100, options: small)
        let writer = try JournalWriter(directory: dir, options: small)
        defer { writer.close() }
        let independent = try JournalReader(directory: dir, options: small)
        let inProcess = try writer.makeReader()
        XCTAssertEqual(try independent.next(max: 1000).map(\.seq), Array(1...100))
        XCTAssertEqual(try inProcess.next(max: 1000).map(\.seq), Array(1...100))
        // Cut inside the segment both readers have open, so truncation rewrites it under a new name.
        let base = try XCTUnwrap(try JournalFiles.segments(in: dir, fs: PosixFileSystem()).last)
        XCTAssertLessThan(base + 1, 100)
        try writer.truncate(before: base + 1)
        XCTAssertEqual(try JournalFiles.segments(in: dir, fs: PosixFileSystem()), [base + 1])
        try writer.append((101...120).map { sampleEvent($0) })
        XCTAssertEqual(try independent.next(max: 1000), (101...120).map { journaled($0) })
        var followed: [Event] = []
        while followed.count < 20, let e = try inProcess.next(timeout: 10) { followed.append(e) }
        XCTAssertEqual(followed, (101...120).map { journaled($0) })
    }

    func testTruncateAfterTheLargestSeqIsOutOfRange() throws {
        try makeJournal(20, options: small)
        let expected = "seq 18446744073709551615 is outside the journal (first seq 1, last seq 20)"
        XCTAssertThrowsError(try Journal.truncate(after: .max, at: dir, options: small)) {
            XCTAssertEqual("\($0)", expected)
        }
        XCTAssertThrowsError(try Journal.truncate(after: .max, force: true, at: dir, options: small)) {
            XCTAssertEqual("\($0)", expected)
        }
        XCTAssertEqual(try readAll(dir, options: small), (1...20).map { journaled($0) })
    }

    func testDamagedIndexFilesAreRebuilt() throws {
        try makeJournal(100, options: small)
        let bases = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        for base in bases {
            let path = IndexFile.path(dir, base: base)
            var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            for i in 16..<24 { bytes[i] = 0xFF }  // the entry count: far beyond Int.max
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        XCTAssertNil(IndexFile.load(directory: dir, base: bases[0], fs: PosixFileSystem()))
        let stats = try Journal.stats(at: dir, options: small)
        XCTAssertEqual([stats.firstSeq, stats.lastSeq, stats.events], [1, 100, 100])
        XCTAssertEqual(try readAll(dir, from: 77, options: small), (77...100).map { journaled($0) })
        XCTAssertEqual(try Journal.lastEvent(at: dir, options: small), journaled(100))
        XCTAssertTrue(try Journal.verify(at: dir, options: small).isClean)
    }

    func testManifestWithFirstSeqZeroIsRejected() throws {
        try makeJournal(50, options: small)
        var text = try String(contentsOfFile: dir + "/manifest.json", encoding: .utf8)
        XCTAssertTrue(text.contains("\"firstSeq\" : 1"))
        text = text.replacingOccurrences(of: "\"firstSeq\" : 1", with: "\"firstSeq\" : 0")
        try text.write(toFile: dir + "/manifest.json", atomically: true, encoding: .utf8)
        let expected = "\(dir) is not a Tandem journal: manifest.json is damaged: firstSeq is 0, but seqs start at 1"
            + " (hint: restore manifest.json from a copy; the segment files are not touched)"
        XCTAssertThrowsError(try Journal.verify(at: dir, options: small)) { XCTAssertEqual("\($0)", expected) }
        XCTAssertThrowsError(try Journal.stats(at: dir, options: small)) { XCTAssertEqual("\($0)", expected) }
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: small)) { XCTAssertEqual("\($0)", expected) }
    }

    /// Damage at seq 11 of one segment holding 1…50: a later write group follows it, so it is corruption.
    func damageSeq11() throws -> String {
        try makeJournal(50, options: JournalOptions(logger: { _ in }))
        let segment = dir + "/00000000000000000001.seg"
        let file = try PosixFileSystem().open(segment, .read)
        let cursor = SegmentCursor(file: file, offset: Int64(SegmentFormat.headerSize))
        var offset: Int64?
        while offset == nil, case let .record(seq, _, at, _) = try cursor.next() { if seq == 11 { offset = at } }
        file.close()
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: segment)))
        bytes[Int(try XCTUnwrap(offset)) + 50] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        return segment
    }

    func testVerifyCountsTheRecordsBeforeTheFault() throws {
        _ = try damageSeq11()
        let report = try Journal.verify(at: dir)
        guard case .corrupt(_, _, let seq, _)? = report.fault else { return XCTFail("no fault: \(report)") }
        XCTAssertEqual(seq, 11)
        XCTAssertEqual(report.events, 10)
        XCTAssertEqual(report.firstSeq, 1)
        XCTAssertEqual(report.lastSeq, 10)
    }

    func testTruncateAfterPastDamageReportsEverythingDropped() throws {
        let segment = try damageSeq11()
        XCTAssertThrowsError(try JournalWriter(directory: dir)) {
            XCTAssertTrue("\($0)".hasPrefix("journal corrupt: \(segment) at byte"), "\($0)")
            XCTAssertTrue("\($0)".hasSuffix(expectedCorruptionHint(self.dir, seq: 11)), "\($0)")
        }
        let result = try Journal.truncate(after: 5, at: dir)
        XCTAssertEqual(result, TruncationResult(dropped: 6...50, firstSeq: 1, lastSeq: 5))
        XCTAssertEqual(try Journal.manifest(at: dir).history.last?.droppedLast, 50)
        XCTAssertEqual(try readAll(dir), (1...5).map { journaled($0) })
        XCTAssertTrue(try Journal.verify(at: dir).isClean)
    }
}

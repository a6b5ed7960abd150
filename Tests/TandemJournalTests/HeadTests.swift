import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise (issue 8, finding 15): a journal that ends before what was acknowledged or applied is refused,
/// naming both seqs, by writers (no seq is ever used twice), verify, stats and readers.
final class HeadTests: XCTestCase {
    let options = JournalOptions(segmentSize: 4096, indexInterval: 512, logger: { _ in })

    private func journal(closing: Bool) throws -> (dir: String, bases: [UInt64]) {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let w = try JournalWriter(directory: dir, options: options)
        for start in stride(from: 1, through: 120, by: 10) { try w.append((start..<(start + 10)).map { sampleEvent($0) }) }
        if closing { w.close() }  // else the writer dies: its deinit releases the lock, nothing more
        let bases = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        XCTAssertGreaterThan(bases.count, 3)
        return (dir, bases)
    }

    private func removeNewestSegment(_ dir: String, _ bases: [UInt64]) throws {
        try FileManager.default.removeItem(atPath: JournalFiles.segmentPath(dir, bases.last!))
        try? FileManager.default.removeItem(atPath: IndexFile.path(dir, base: bases.last!))
    }

    func testAJournalEndingBeforeWhatWasWrittenIsRefusedNamingBothSeqs() throws {
        let (dir, bases) = try journal(closing: true)
        try Journal.setConsumerApplied("sqlite-main", seq: 120, at: dir, options: options)
        try removeNewestSegment(dir, bases)
        let found = bases.last! - 1
        let check: (Error) -> Void = { error in
            guard case .journalEndsEarly(_, let last, let expected, _)? = error as? JournalError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(last, found)
            XCTAssertEqual(expected, 120)
            XCTAssertTrue("\(error)".contains("seq \(found)") && "\(error)".contains("120"), "\(error)")
        }
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: options), "no seq may be used twice", check)
        XCTAssertThrowsError(try Journal.stats(at: dir, options: options), "lag 0 would hide the loss", check)
        // Replay seeks to the seq after the consumer's: it is told what is missing, not "outside the journal".
        XCTAssertThrowsError(try JournalReader(directory: dir, options: options).seek(to: 121), "replay", check)
        let report = try Journal.verify(at: dir, options: options)
        try check(XCTUnwrap(report.fault))
        // The consumer alone is enough: it applied seqs the journal no longer has.
        try ManifestStore(directory: dir, fs: PosixFileSystem()).update { m in m.headSeq = nil; m.lastSegmentBase = nil }
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: options)) {
            XCTAssertTrue("\($0)".contains("consumer"), "\($0)")
        }
    }

    func testASegmentTheManifestSawCreatedMustBeThereAfterACrash() throws {
        let (dir, bases) = try journal(closing: false)
        try removeNewestSegment(dir, bases)
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: options)) { error in
            guard case .journalEndsEarly(_, let last, let expected, _)? = error as? JournalError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(last, bases.last! - 1)
            XCTAssertEqual(expected, bases.last!)
            XCTAssertTrue("\(error)".contains(SegmentFormat.fileName(base: bases.last!)), "\(error)")
        }
        XCTAssertNotNil(try Journal.verify(at: dir, options: options).fault)
    }

    func testTruncateAfterMovesTheRecordedHeadBack() throws {
        let (dir, _) = try journal(closing: true)
        try Journal.truncate(after: 50, at: dir, options: options)
        let w = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(try w.append(sampleEvent(51)), 51)
        w.close()
        XCTAssertTrue(try Journal.verify(at: dir, options: options).isClean)
        XCTAssertEqual(try Journal.manifest(at: dir).headSeq, 51)
    }
}

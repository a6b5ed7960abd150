import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise (issue 8, finding 13): what a writer acknowledges is exactly what a reopen finds. A batch whose
/// write or fdatasync failed is cut back, so it is neither half there nor duplicated by a retry; and a torn
/// tail's `.broken` copy is never left half-written on a full disk.
final class FailedWriteTests: XCTestCase {
    let dir = "/data/journal"

    private func fresh(seed: UInt64, log: LogLines) throws -> (SimulatedFileSystem, JournalOptions) {
        try simulatedJournal(at: dir, seed: seed, segmentSize: 64 << 10, log: log)
    }

    func testReopenFindsExactlyWhatWasAcknowledgedAfterAFailedWrite() throws {
        // The records' own write (a prefix may land), their fdatasync, and the new segment after a roll.
        for (kind, n, seed) in [(SimulatedFileSystem.FaultKind.write, 1, UInt64(1)), (.write, 1, 2), (.sync, 1, 3),
                                (.sync, 2, 4), (.write, 3, 5)] {
            let log = LogLines()
            let (fs, options) = try fresh(seed: seed, log: log)
            let writer = try JournalWriter(directory: dir, options: options)
            XCTAssertEqual(try writer.append((1...10).map { sampleEvent($0) }), 1...10)
            // A batch that crosses a segment roll: a failure after the roll must cut back the new segment too.
            fs.fail(kind, nth: n, errno: ENOSPC)
            XCTAssertThrowsError(try writer.append((11...500).map { sampleEvent($0, padding: 100) })) { e in
                guard case .diskFull(_, _, ENOSPC)? = e as? JournalError else { return XCTFail("\(kind): \(e)") }
            }
            writer.close()
            fs.clearFaults()
            XCTAssertEqual(try readAll(dir, options: options).map(\.seq), Array(1...10), "\(kind) #\(n): reader")
            let reopened = try JournalWriter(directory: dir, options: options)
            XCTAssertEqual(reopened.lastSeq, 10, "\(kind) #\(n): the failed batch must not be there after reopen")
            // Retrying the failed batch puts each event in once.
            XCTAssertEqual(try reopened.append((11...20).map { sampleEvent($0) }), 11...20)
            reopened.close()
            XCTAssertEqual(try readAll(dir, options: options), (1...20).map { journaled($0) }, "\(kind) #\(n)")
            XCTAssertTrue(log.all.contains { $0.contains("tail back to seq 10") }, "\(log.all)")
        }
    }

    func testTornTailCopyIsNeverLeftHalfWrittenOnAFullDisk() throws {
        let log = LogLines()
        let (fs, options) = try fresh(seed: 9, log: log)
        let writer = try JournalWriter(directory: dir, options: options)
        try writer.append((1...5).map { sampleEvent($0) })
        writer.close()
        // A torn tail: half a record's worth of bytes after the last whole record.
        let segment = JournalFiles.segmentPath(dir, 1)
        let file = try fs.open(segment, .readWrite)
        let size = try file.size()
        try file.write([UInt8](repeating: 0x5A, count: 3000), at: size)
        try file.sync()
        file.close()
        fs.fail(.write, nth: 1, errno: ENOSPC)  // the copy of the torn tail cannot be written
        let reopened = try JournalWriter(directory: dir, options: options)
        fs.clearFaults()
        XCTAssertEqual(reopened.lastSeq, 5)
        reopened.close()
        let names = try fs.contentsOfDirectory(dir)
        XCTAssertFalse(names.contains { $0.contains(".broken") }, "no half copy may stay: \(names)")
        XCTAssertTrue(log.all.contains { $0.contains("no room") }, "\(log.all)")
        XCTAssertEqual(try fs.open(segment, .read).size(), size)
    }
}

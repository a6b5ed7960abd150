import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise (issue 8, findings 12 and 14): damage once found is recorded, and no writer appends past it until
/// an operator resolves it; a reader reaching damage stops with file, offset and seq; an interrupted
/// `truncate --before` never looks like damage; and no hint offers a command that drops every kept event.
final class DamageTests: XCTestCase {
    var dir = ""
    let log = LogLines()
    var options: JournalOptions { JournalOptions(segmentSize: 4096, indexInterval: 512, logger: log.sink) }

    override func setUpWithError() throws {
        dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let w = try JournalWriter(directory: dir, options: options)
        for start in stride(from: 1, through: 120, by: 10) { try w.append((start..<(start + 10)).map { sampleEvent($0) }) }
        w.close()
    }

    private func flipByte(in base: UInt64) throws -> (path: String, original: Data) {
        let path = JournalFiles.segmentPath(dir, base)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var bytes = original
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: path))
        return (path, original)
    }

    func testDamageFoundInASealedSegmentStopsEveryWriterUntilResolved() throws {
        let bases = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        XCTAssertGreaterThan(bases.count, 3)
        let (path, original) = try flipByte(in: bases[1])
        let report = try Journal.verify(at: dir, options: options)
        guard case .corrupt(let file, let offset, let seq, _)? = report.fault else { return XCTFail("\(report)") }
        XCTAssertEqual(file, path)
        // Recorded: a writer refuses with file, offset and seq, and writes nothing.
        let before = try Data(contentsOf: URL(fileURLWithPath: JournalFiles.segmentPath(dir, bases.last!)))
        XCTAssertThrowsError(try JournalWriter(directory: dir, options: options)) { error in
            guard case .corrupt(let f, let o, let s, _)? = error as? JournalError else { return XCTFail("\(error)") }
            XCTAssertEqual([f, "\(o)", "\(s)"], [path, "\(offset)", "\(seq)"])
            XCTAssertTrue("\(error)".contains("`tandem journal truncate --after \(seq - 1) \(self.dir)`"), "\(error)")
            XCTAssertFalse("\(error)".contains("--force"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: JournalFiles.segmentPath(dir, bases.last!))), before)
        XCTAssertEqual(try Journal.manifest(at: dir).damage?.seq, seq)
        // A reader stops at the damage with file, offset and seq.
        XCTAssertThrowsError(try readAll(dir, options: options)) { error in
            guard case .corrupt(path, offset, seq, _)? = error as? JournalError else { return XCTFail("\(error)") }
        }
        // The operator restores the segment; verify finds it clean and clears the record; writers go on.
        try original.write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(try Journal.verify(at: dir, options: options).isClean)
        XCTAssertNil(try Journal.manifest(at: dir).damage)
        let w = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(try w.append(sampleEvent(121)), 121)
        w.close()
    }

    func testARunningWriterStopsAtItsNextSegmentOnceDamageIsRecorded() throws {
        let w = try JournalWriter(directory: dir, options: options)
        defer { w.close() }
        let bases = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        _ = try flipByte(in: bases[1])
        XCTAssertNotNil(try Journal.verify(at: dir, options: options).fault)
        var next = 121
        XCTAssertThrowsError(try {
            while next < 1000 { try w.append((next..<(next + 10)).map { sampleEvent($0) }); next += 10 }
        }()) { error in
            guard case .corrupt? = error as? JournalError else { return XCTFail("\(error)") }
        }
        XCTAssertLessThan(next, 200, "at most a segment's worth is appended after the damage is recorded")
        XCTAssertEqual(try JournalFiles.segments(in: dir, fs: PosixFileSystem()).count, bases.count)
    }

    func testTruncatingAwayRecordedDamageResolvesIt() throws {
        let bases = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        _ = try flipByte(in: bases[1])
        let report = try Journal.verify(at: dir, options: options)
        guard case .corrupt(_, _, let seq, _)? = report.fault else { return XCTFail("\(report)") }
        try Journal.truncate(after: seq - 1, at: dir, options: options)
        XCTAssertNil(try Journal.manifest(at: dir).damage)
        let w = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(try w.append(sampleEvent(Int(seq))), seq)
        w.close()
        XCTAssertTrue(try Journal.verify(at: dir, options: options).isClean)
    }

    func testReadersSeeEveryKeptEventAfterAnInterruptedTruncateBefore() throws {
        let fs = SimulatedFileSystem(seed: 5)
        let sim = JournalOptions(segmentSize: 4096, indexInterval: 512, fileSystem: fs, logger: log.sink)
        let d = "/data/j"
        try Journal.create(at: d, options: sim)
        let w = try JournalWriter(directory: d, options: sim)
        for start in stride(from: 1, through: 120, by: 10) { try w.append((start..<(start + 10)).map { sampleEvent($0) }) }
        let bases = try JournalFiles.segments(in: d, fs: fs)
        let cut = bases[2] + 3  // inside a segment: it is rewritten under a temporary name
        // The process dies right after the commit point (the manifest moved firstSeq), before the rename.
        fs.fail(.rename, nth: 2, errno: EIO)
        XCTAssertThrowsError(try w.truncate(before: cut))
        w.close()
        fs.clearFaults()
        XCTAssertEqual(try Journal.manifest(at: d, options: sim).firstSeq, cut)
        let report = try Journal.verify(at: d, options: sim)
        XCTAssertNil(report.fault, "\(report.fault.map { "\($0)" } ?? "")")
        XCTAssertEqual(report.events, 120 - cut + 1)
        XCTAssertEqual(try readAll(d, options: sim), (Int(cut)...120).map { journaled($0) })
        XCTAssertEqual(try Journal.stats(at: d, options: sim).lastSeq, 120)
    }

    func testNoHintOffersToDropEveryKeptEvent() throws {
        // The first segment is gone: `truncate --after 0` would drop every event that is still there.
        try FileManager.default.removeItem(atPath: JournalFiles.segmentPath(dir, 1))
        let fault = try XCTUnwrap(try Journal.verify(at: dir, options: options).fault)
        XCTAssertFalse("\(fault)".contains("truncate --after"), "\(fault)")
        XCTAssertTrue("\(fault)".contains("restore"), "\(fault)")
        XCTAssertThrowsError(try readAll(dir, options: options)) { error in
            XCTAssertFalse("\(error)".contains("truncate --after"), "\(error)")
        }
    }
}

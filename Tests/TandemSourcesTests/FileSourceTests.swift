import Foundation
import XCTest
import TandemCore
@testable import TandemSources
import TandemTesting

/// The jsonl source follows a real file like `tail -F`: growth, partial lines, CRLF, rotation, copy-truncate,
/// restarts from a stored position, oversized and undecodable lines.
final class FileSourceTests: XCTestCase {
    var dir = ""
    var path: String { dir + "/changes.log" }
    let logs = LogLines()

    override func setUp() { dir = makeTempDir() }
    override func tearDown() { removeDir(dir) }

    func source(glob: String? = nil, maxLine: Int = 1 << 20, format: RawFormat = .tandem) -> JSONLinesSource {
        JSONLinesSource(.init(path: path, format: format, rotatedGlob: glob, maxLineBytes: maxLine, log: logs.sink))
    }

    /// Reads until `count` records arrived (waiting for growth), failing after a deadline.
    func readRecords(_ s: JSONLinesSource, count: Int) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        let deadline = Date().addingTimeInterval(10)
        while out.count < count, Date() < deadline {
            out += try s.read(limit: 100, wait: .milliseconds(200), stop: nil)
        }
        return out
    }

    func ids(_ records: [SourceRecord]) -> [Int64] {
        records.compactMap { r -> Int64? in
            if case .int(let i)? = r.change?.key["id"] { return i }
            return nil
        }
    }

    func testFollowsAppendsAndAPartialLineWaitsForItsNewline() throws {
        appendFile(path, eventLine(1) + "\n" + eventLine(2) + "\r\n")
        let s = source()
        try s.open(after: nil)
        XCTAssertEqual(ids(try readRecords(s, count: 2)), [1, 2], "CRLF is accepted")
        let line3 = eventLine(3)
        appendFile(path, String(line3.prefix(20)))
        XCTAssertEqual(try s.read(limit: 100, wait: nil, stop: nil).count, 0, "a partial line is not handed out")
        appendFile(path, String(line3.dropFirst(20)) + "\n")
        let r = try readRecords(s, count: 1)
        XCTAssertEqual(ids(r), [3])
        XCTAssertEqual(FilePosition(r[0].position)?.offset, Int64(try Data(contentsOf: URL(fileURLWithPath: path)).count))
    }

    func testWaitingReaderWakesForGrowthAndStopsOnTheSignal() throws {
        appendFile(path, "")
        let s = source()
        try s.open(after: nil)
        let p = path
        let writer = Thread { usleep(50_000); appendFile(p, eventLine(7) + "\n") }
        writer.start()
        let r = try s.read(limit: 10, wait: .seconds(20), stop: nil)
        XCTAssertEqual(ids(r), [7])
        let stop = StopSignal()
        let stopper = Thread { usleep(50_000); stop.fire() }
        stopper.start()
        let started = Date()
        XCTAssertEqual(try s.read(limit: 10, wait: .seconds(20), stop: stop).count, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "the stop signal ends the wait")
    }

    func testRestartResumesStrictlyAfterTheStoredPosition() throws {
        for i in 1...5 { appendFile(path, eventLine(i) + "\n") }
        let s1 = source()
        try s1.open(after: nil)
        let first = try s1.read(limit: 3, wait: nil, stop: nil)
        XCTAssertEqual(ids(first), [1, 2, 3])
        for i in 6...7 { appendFile(path, eventLine(i) + "\n") }
        let s2 = source()
        try s2.open(after: first.last!.position)
        XCTAssertEqual(ids(try s2.read(limit: 100, wait: nil, stop: nil)), [4, 5, 6, 7])
    }

    func testRenameRotationReadsTheOldFileToItsEndThenTheNewOne() throws {
        for i in 1...3 { appendFile(path, eventLine(i) + "\n") }
        let s = source()
        try s.open(after: nil)
        XCTAssertEqual(ids(try readRecords(s, count: 3)), [1, 2, 3])
        // The writer adds to the old file, then it is renamed away and a new file starts at the path.
        appendFile(path, eventLine(4) + "\n")
        XCTAssertEqual(rename(path, path + ".1"), 0)
        appendFile(path + ".1", eventLine(5) + "\n")
        appendFile(path, eventLine(6) + "\n")
        XCTAssertEqual(ids(try readRecords(s, count: 3)), [4, 5, 6])
        XCTAssertTrue(logs.all.contains { $0.contains("rotated") }, "\(logs.all)")
    }

    func testRestartAfterARenameFindsTheRotatedFileByFingerprint() throws {
        for i in 1...4 { appendFile(path, eventLine(i) + "\n") }
        let s1 = source()
        try s1.open(after: nil)
        let first = try s1.read(limit: 2, wait: nil, stop: nil)
        s1.close()
        // While Tandem is down the file is rotated twice.
        XCTAssertEqual(rename(path, path + ".2"), 0)
        for i in 5...6 { appendFile(path, eventLine(i) + "\n") }
        XCTAssertEqual(rename(path, path + ".1"), 0)
        let now = Date()
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-20)], ofItemAtPath: path + ".2")
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-10)], ofItemAtPath: path + ".1")
        appendFile(path, eventLine(7) + "\n")
        let s2 = source(glob: path + ".*")
        try s2.open(after: first.last!.position)
        XCTAssertEqual(ids(try readRecords(s2, count: 5)), [3, 4, 5, 6, 7])
    }

    func testAnUnknownPositionIsAnErrorNotAGuess() throws {
        appendFile(path, eventLine(1) + "\n")
        let s = source()
        XCTAssertThrowsError(try s.open(after: "changes.log@1:2:10:deadbeef:99")) { e in
            XCTAssertTrue("\(e)".contains("was not found"), "\(e)")
        }
        XCTAssertThrowsError(try s.open(after: "42")) { e in
            XCTAssertTrue("\(e)".contains("is not a position of this source"), "\(e)")
        }
    }

    func testCopyTruncateIsDetectedLoggedAndReadFromTheStart() throws {
        for i in 1...3 { appendFile(path, eventLine(i) + "\n") }
        let s = source()
        try s.open(after: nil)
        XCTAssertEqual(ids(try readRecords(s, count: 3)), [1, 2, 3])
        XCTAssertEqual(truncate(path, 0), 0)
        appendFile(path, eventLine(10) + "\n")
        XCTAssertEqual(ids(try readRecords(s, count: 1)), [10])
        XCTAssertTrue(logs.all.contains { $0.contains("copy-truncate") }, "\(logs.all)")
    }

    /// Lines sharing their first KiB, truncated in place and rewritten past the old offset between two reads:
    /// the fingerprint cannot see it, the bytes before the offset can; the new content is read from its start.
    func testCopyTruncateBehindTheSameFirstKiBIsNoticedWhileFollowing() throws {
        let pad = String(repeating: " ", count: 1100)
        func line(_ i: Int, _ note: String) -> String {
            #"{"entity":"customers","op":"insert",\#(pad)"key":{"id":\#(i)},"after":{"id":\#(i),"note":"\#(note)"}}"#
        }
        for i in 1...3 { appendFile(path, line(i, "old") + "\n") }
        let s = source()
        try s.open(after: nil)
        XCTAssertEqual(ids(try readRecords(s, count: 3)), [1, 2, 3])
        XCTAssertEqual(truncate(path, 0), 0)
        for i in 11...15 { appendFile(path, line(i, "new!") + "\n") }
        XCTAssertEqual(ids(try readRecords(s, count: 5)), [11, 12, 13, 14, 15])
        XCTAssertTrue(logs.all.contains { $0.contains("copy-truncate") }, "\(logs.all)")
    }

    /// A stop signal ends a batch at the next record (outside a source transaction), not at the batch limit:
    /// SIGTERM waits for one line's decoding, not for thousands.
    func testAFiredStopEndsTheBatchAtTheNextTransactionBoundary() throws {
        for i in 1...50 { appendFile(path, eventLine(i) + "\n") }
        let s = source()
        try s.open(after: nil)
        let stop = StopSignal()
        stop.fire()
        let batch = try s.read(limit: 1000, wait: nil, stop: stop)
        XCTAssertEqual(ids(batch), [1])
        XCTAssertEqual(ids(try s.read(limit: 1000, wait: nil, stop: nil)), Array(2...50))
    }

    /// A position written before the tail check (five fields) is still a position to resume after.
    func testAPositionWithoutTheTailCheckStillResumes() throws {
        for i in 1...3 { appendFile(path, eventLine(i) + "\n") }
        let first = source()
        try first.open(after: nil)
        let r = try readRecords(first, count: 3)
        var old = FilePosition(r[1].position)!
        XCTAssertNotNil(old.tail)
        old.tail = nil
        let s = source()
        try s.open(after: old.text)
        XCTAssertEqual(ids(try readRecords(s, count: 1)), [3])
    }

    func testRotatedFilesAreReadInOrderOnAFirstStart() throws {
        appendFile(path + ".2", eventLine(1) + "\n")
        appendFile(path + ".1", eventLine(2) + "\n")
        appendFile(path, eventLine(3) + "\n")
        let now = Date()
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-20)], ofItemAtPath: path + ".2")
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-10)], ofItemAtPath: path + ".1")
        let s = source(glob: path + ".*")
        try s.open(after: nil)
        XCTAssertEqual(ids(try readRecords(s, count: 3)), [1, 2, 3])
    }

    func testMalformedLinesBecomeFailuresAndTheSourceGoesOn() throws {
        let big = #"{"entity":"customers","key":{"id":99},"op":"insert","after":{"blob":""# + String(repeating: "x", count: 10 << 20) + "\"}}"
        var bytes = Array((eventLine(1) + "\n" + #"{"entity":"customers","key":{"id":2},"op":"ins"# + "\n").utf8)
        bytes += Array((#"{"entity":"customers","key":{"id":"three"},"op":"explode"}"# + "\n").utf8)
        bytes += Array((big + "\n").utf8)
        bytes += Array(#"{"entity":"customers","key":{"id":4},"op":"insert","after":{"name":""#.utf8) + [0xC3, 0x28] + Array("\"}}\n".utf8)
        bytes += Array((eventLine(5) + "\n").utf8)
        appendFile(path, bytes)
        let s = source()
        try s.open(after: nil)
        let r = try readRecords(s, count: 6)
        XCTAssertEqual(r.count, 6)
        XCTAssertEqual(ids(r), [1, 5])
        XCTAssertEqual(r.map { $0.failure?.rule ?? "ok" }, ["ok", "parse", "parse", "size", "parse", "ok"])
        XCTAssertTrue(r[3].failure!.reason.hasPrefix("line longer than the limit: \(big.utf8.count) bytes"), r[3].failure!.reason)
        XCTAssertEqual(r[3].raw.count, 64 * 1024, "only the first bytes of an oversized line are kept")
        XCTAssertTrue(r[4].failure!.reason.lowercased().contains("utf-8"), r[4].failure!.reason)
        XCTAssertEqual(r[1].raw, Array(#"{"entity":"customers","key":{"id":2},"op":"ins"#.utf8))
    }
}

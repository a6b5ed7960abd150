import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: appended events come back, in order, each once, from any seq, across segments and reopens.
final class JournalBasicsTests: XCTestCase {
    func testAppendReadReopenAcrossSegments() throws {
        let dir = try temporaryPath(self) + "/j"
        let options = JournalOptions(segmentSize: 8 << 10, indexInterval: 1 << 10)
        let id = try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(writer.journalID, id)
        XCTAssertEqual(writer.lastSeq, 0)
        XCTAssertNil(try writer.lastEvent())
        XCTAssertEqual(try writer.append([sampleEvent(1)]), 1...1)
        XCTAssertEqual(try writer.append((2...300).map { sampleEvent($0) }), 2...300)
        XCTAssertEqual(try writer.append(sampleEvent(301)), 301)
        XCTAssertEqual(try writer.lastEvent(), journaled(301))
        writer.close()

        let segments = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        XCTAssertGreaterThan(segments.count, 5)
        XCTAssertEqual(try readAll(dir), (1...301).map { journaled($0) })

        let again = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(again.lastSeq, 301)
        XCTAssertEqual(try again.lastEvent()?.sourcePosition, "changes.log:301")
        XCTAssertEqual(try again.append((302...310).map { sampleEvent($0) }), 302...310)
        again.close()
        XCTAssertEqual(try readAll(dir).count, 310)
    }

    func testSeekToEverySeqOnManySegments() throws {
        let dir = try temporaryPath(self) + "/j"
        let options = JournalOptions(segmentSize: 4 << 10, indexInterval: 512)
        try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        for start in stride(from: 1, through: 500, by: 25) {
            try writer.append((start..<(start + 25)).map { sampleEvent($0) })
        }
        writer.close()
        let reader = try JournalReader(directory: dir, options: options)
        for seq in [1, 2, 17, 63, 64, 65, 128, 250, 333, 499, 500] + (1...500).filter({ $0 % 37 == 0 }) {
            try reader.seek(to: UInt64(seq))
            XCTAssertEqual(try reader.next(), journaled(seq), "seek to \(seq)")
            XCTAssertEqual(try reader.next()?.seq, seq < 500 ? UInt64(seq + 1) : nil)
        }
        try reader.seek(to: 501)
        XCTAssertNil(try reader.next())
        XCTAssertThrowsError(try reader.seek(to: 502)) { error in
            XCTAssertEqual("\(error)", "seq 502 is outside the journal (first seq 1, last seq 500)")
        }
    }

    func testSecondWriterGetsTheHolderPid() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir)
        XCTAssertNil(Journal.writerProcess(at: dir))
        let writer = try JournalWriter(directory: dir)
        XCTAssertEqual(Journal.writerProcess(at: dir), getpid())
        // flock is per open file description, so a second open in this process conflicts like another process.
        XCTAssertThrowsError(try JournalWriter(directory: dir)) { error in
            XCTAssertEqual("\(error)", "journal \(dir) is already open for writing by process \(getpid());"
                           + " only one writer at a time (hint: stop that process, or read with"
                           + " `tandem journal inspect` beside it)")
        }
        writer.close()
        XCTAssertNil(Journal.writerProcess(at: dir), "a closed writer is not live")
        let second = try JournalWriter(directory: dir)
        second.close()
    }

    func testConsumersInTheManifest() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir)
        try Journal.registerConsumer("sqlite-main", at: dir)
        try Journal.setConsumerApplied("sqlite-main", seq: 42, at: dir)
        try Journal.setConsumerApplied("pg", seq: 7, at: dir)
        var m = try Journal.manifest(at: dir)
        XCTAssertEqual(m.consumers.map(\.name), ["sqlite-main", "pg"])
        XCTAssertEqual(m.consumer("sqlite-main")?.appliedSeq, 42)
        try Journal.unregisterConsumer("pg", at: dir)
        m = try Journal.manifest(at: dir)
        XCTAssertEqual(m.consumers.map(\.name), ["sqlite-main"])
        XCTAssertThrowsError(try Journal.unregisterConsumer("pg", at: dir)) { error in
            XCTAssertEqual("\(error)", "no consumer named \"pg\" is registered")
        }
        XCTAssertThrowsError(try Journal.create(at: dir)) { error in
            XCTAssertEqual(error as? JournalError, .alreadyExists(path: dir))
        }
    }

    /// Promise: a create killed before its manifest (ingest creating its journal, SIGKILLed) does not make
    /// the directory unusable; a journal that holds events is never taken for such remains.
    func testACreateKilledBeforeItsManifestIsStartedAgain() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir)
        try FileManager.default.removeItem(atPath: dir + "/manifest.json")   // the remains: segment 1, header only
        FileManager.default.createFile(atPath: dir + "/manifest.json.tmp", contents: Data("{".utf8))
        let id = try Journal.create(at: dir)
        XCTAssertEqual(try Journal.manifest(at: dir).journalID, id)
        let writer = try JournalWriter(directory: dir)
        _ = try writer.append([Event(entity: "t", key: ["id": .int(1)], op: .delete)])
        writer.close()
        try FileManager.default.removeItem(atPath: dir + "/manifest.json")   // a lost manifest with events behind it
        XCTAssertThrowsError(try Journal.create(at: dir)) { error in
            XCTAssertEqual(error as? JournalError, .alreadyExists(path: dir))
        }
    }

    func testConcurrentAppendersShareSyncsAndGetDenseSeqs() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir)
        let writer = try JournalWriter(directory: dir)
        let threads = 8, perThread = 50
        let ranges = LockedArray<ClosedRange<UInt64>>()
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for i in 0..<perThread {
                let r = try! writer.append([sampleEvent(t * 1000 + i)])!
                ranges.append(r)
            }
        }
        writer.close()
        let seqs = ranges.values.map(\.lowerBound).sorted()
        XCTAssertEqual(seqs, (1...UInt64(threads * perThread)).map { $0 })
        let events = try readAll(dir)
        XCTAssertEqual(events.map(\.seq), seqs)
    }
}

/// An array appended to from many threads.
final class LockedArray<T>: @unchecked Sendable {
    // @unchecked: `storage` is only touched under `lock`.
    private let lock = NSLock()
    private var storage: [T] = []
    func append(_ v: T) { lock.lock(); storage.append(v); lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Promise: large batches (framed ahead on two cores) roll segments and start groups exactly like small ones.
final class LargeBatchTests: XCTestCase {
    func testLargeBatchesRollAndStartGroupsCorrectly() throws {
        let dir = try temporaryPath(self) + "/j"
        let options = JournalOptions(segmentSize: 96 << 10, indexInterval: 4096, logger: { _ in })
        try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        XCTAssertGreaterThan(5000, PreFramedBatch.threshold)
        XCTAssertEqual(try writer.append((1...5000).map { sampleEvent($0) }), 1...5000)
        XCTAssertEqual(try writer.append((5001...5010).map { sampleEvent($0) }), 5001...5010)
        XCTAssertEqual(try writer.append((5011...10000).map { sampleEvent($0) }), 5011...10000)
        writer.close()
        XCTAssertEqual(try readAll(dir, options: options), (1...10000).map { journaled($0) })
        XCTAssertTrue(try Journal.verify(at: dir, options: options).isClean)
        // Group starts: the first record of each append and of each segment, and no other.
        let fs = PosixFileSystem()
        var starts: [UInt64] = []
        let bases = try JournalFiles.segments(in: dir, fs: fs)
        XCTAssertGreaterThan(bases.count, 5)
        for base in bases {
            let file = try fs.open(JournalFiles.segmentPath(dir, base), .read)
            let cursor = SegmentCursor(file: file, offset: 48)
            while case .record(let seq, let groupStart, _, _) = try cursor.next() { if groupStart { starts.append(seq) } }
            file.close()
        }
        XCTAssertEqual(starts, Array(Set(bases + [1, 5001, 5011])).sorted())
        // Reopen: recovery accepts it and appends continue.
        let again = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(again.lastSeq, 10000)
        again.close()
    }
}

/// Promise: the read-only views (stats, lastSeq, lastEvent, verify) agree with what was appended.
final class InspectionTests: XCTestCase {
    func testEmptyAndFilledJournal() throws {
        let dir = try temporaryPath(self) + "/j"
        let options = JournalOptions(segmentSize: 4096, logger: { _ in })
        let id = try Journal.create(at: dir, options: options)
        var stats = try Journal.stats(at: dir, options: options)
        XCTAssertEqual(stats, JournalStats(journalID: id, segments: 1, events: 0, bytes: 48, firstSeq: 1, lastSeq: 0,
                                           consumers: []))
        XCTAssertNil(try Journal.lastEvent(at: dir, options: options))
        let w = try JournalWriter(directory: dir, options: options)
        for start in stride(from: 1, through: 120, by: 12) { try w.append((start..<(start + 12)).map { sampleEvent($0) }) }
        // Beside the live writer.
        XCTAssertEqual(try Journal.lastSeq(at: dir, options: options), 120)
        XCTAssertEqual(try Journal.lastEvent(at: dir, options: options), journaled(120))
        w.close()
        try Journal.registerConsumer("sink", appliedSeq: 100, at: dir, options: options)
        stats = try Journal.stats(at: dir, options: options)
        XCTAssertEqual(stats.events, 120)
        XCTAssertEqual(stats.lastSeq, 120)
        XCTAssertGreaterThan(stats.segments, 3)
        XCTAssertEqual(stats.consumers, [ConsumerLag(name: "sink", appliedSeq: 100, lag: 20)])
        let report = try Journal.verify(at: dir, options: options)
        XCTAssertEqual(report, VerifyReport(segments: stats.segments, events: 120, firstSeq: 1, lastSeq: 120,
                                            fault: nil, tornTail: nil))
    }
}

/// Promise: a journal can be created at a relative path (the CLI's `tandem journal init j`).
final class RelativePathTests: XCTestCase {
    func testCreateAtARelativePath() throws {
        let base = try temporaryPath(self)
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(base)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        try Journal.create(at: "rel")
        let w = try JournalWriter(directory: "rel")
        XCTAssertEqual(try w.append(sampleEvent(1)), 1)
        w.close()
        XCTAssertEqual(try readAll("rel"), [journaled(1)])
    }
}

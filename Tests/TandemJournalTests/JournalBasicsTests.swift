import Foundation
import TandemCore
@testable import TandemJournal
import XCTest

/// Promise: appended events come back, in order, each once, from any seq, across segments and reopens.
final class JournalBasicsTests: XCTestCase {
    func testAppendReadReopenAcrossSegments() throws {
        let dir = try temporaryDirectory(self) + "/j"
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
        let dir = try temporaryDirectory(self) + "/j"
        let options = JournalOptions(segmentSize: 4 << 10, indexInterval: 512)
        try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        for start in stride(from: 1, through: 500, by: 25) {
            try writer.append((start..<(start + 25)).map { sampleEvent($0) })
        }
        writer.close()
        let reader = try JournalReader(directory: dir, options: options)
        for seq in [1, 2, 17, 63, 64, 65, 128, 250, 333, 499, 500] + (1...500).filter { $0 % 37 == 0 } {
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
        let dir = try temporaryDirectory(self) + "/j"
        try Journal.create(at: dir)
        let writer = try JournalWriter(directory: dir)
        // flock is per open file description, so a second open in this process conflicts like another process.
        XCTAssertThrowsError(try JournalWriter(directory: dir)) { error in
            XCTAssertEqual("\(error)", "journal \(dir) is already open for writing by process \(getpid());"
                           + " only one writer at a time (hint: stop that process, or read with"
                           + " `tandem journal inspect` beside it)")
        }
        writer.close()
        let second = try JournalWriter(directory: dir)
        second.close()
    }

    func testConsumersInTheManifest() throws {
        let dir = try temporaryDirectory(self) + "/j"
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

    func testConcurrentAppendersShareSyncsAndGetDenseSeqs() throws {
        let dir = try temporaryDirectory(self) + "/j"
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

import Foundation
import TandemCore
@testable import TandemJournal
import TandemTesting
import XCTest

/// Promise: the writer tells followers in its process, from memory, where a source transaction ended and when
/// the source committed recent events.
final class RecentAppendsTests: XCTestCase {
    let options = JournalOptions(segmentSize: 4096, indexInterval: 512, logger: { _ in })

    func testOnlyAppendsOfWholeTransactionsAnnounceATransactionEnd() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        defer { writer.close() }
        XCTAssertEqual(writer.closedTransactionSeq, 0)
        try writer.append((1...3).map { sampleEvent($0) }, closesTransactions: true)
        XCTAssertEqual(writer.closedTransactionSeq, 3)
        // An append that may end mid-transaction (`journal append`, a test) announces nothing.
        try writer.append((4...5).map { sampleEvent($0) })
        XCTAssertEqual(writer.closedTransactionSeq, 3)
        try writer.append([sampleEvent(6)], closesTransactions: true)
        XCTAssertEqual(writer.closedTransactionSeq, 6)
        // A writer reopened knows nothing yet: followers keep their own rule.
        writer.close()
        let reopened = try JournalWriter(directory: dir, options: options)
        defer { reopened.close() }
        XCTAssertEqual(reopened.closedTransactionSeq, 0)
    }

    func testCommitTimesOfRecentAppendsComeFromMemory() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        var writer = try JournalWriter(directory: dir, options: options)
        try writer.append((1...3).map { sampleEvent($0) })
        writer.close()
        writer = try JournalWriter(directory: dir, options: options)
        defer { writer.close() }
        // Before this writer's first append: read from the journal.
        XCTAssertEqual(try writer.headCommitTime(), sampleEvent(3).committedAt)
        try writer.append((4...6).map { sampleEvent($0) })
        try writer.append((7...8).map { sampleEvent($0) })
        // Seqs written before this writer opened: the caller reads the journal.
        XCTAssertNil(writer.recentCommitTime(of: 3))
        XCTAssertNil(writer.recentCommitTime(of: 9), "beyond the head")
        // An append's first event: exact; a later one: its append's first event's time.
        XCTAssertEqual(writer.recentCommitTime(of: 4)?.committedAt, sampleEvent(4).committedAt)
        XCTAssertEqual(writer.recentCommitTime(of: 7)?.committedAt, sampleEvent(7).committedAt)
        XCTAssertEqual(writer.recentCommitTime(of: 8)?.appendStart, 7)
        XCTAssertEqual(writer.recentCommitTime(of: 5)?.committedAt, sampleEvent(4).committedAt)
        XCTAssertEqual(try writer.headCommitTime(), sampleEvent(8).committedAt)
    }

    func testTheRingKeepsTheNewestAppends() {
        let recent = RecentAppends()
        let n = UInt64(RecentAppends.capacity + 10)
        let time = { (seq: UInt64) in Timestamp(microseconds: Int64(seq)) }
        // Appends of two events each: seqs 1, 3, 5, …
        for k in 0..<n { recent.record([(2 * k + 1, time(2 * k + 1))], closing: nil, head: nil) }
        XCTAssertNil(recent.append(holding: 20), "older than the ring")
        for seq: UInt64 in [21, 22, 2001, 2 * n - 1, 2 * n, 2 * n + 5] {
            let start = seq % 2 == 1 ? seq : seq - 1
            XCTAssertEqual(recent.append(holding: seq)?.at, time(min(start, 2 * n - 1)), "seq \(seq)")
        }
    }
}

import Foundation
import Synchronization
import TandemCore
import TandemJournal
import XCTest
import TandemPipeline
@testable import TandemSinks
import TandemTesting

/// Replay and rewind driven by a real journal on disk.
final class ReplayerTests: XCTestCase {
    func makeJournal(_ events: [Event]) throws -> (dir: String, id: String) { try TestStores.journal(events) }

    func testReplayAppliesTheJournalAndRegistersTheSinkAsConsumer() throws {
        let events = EventGenerator.stream(seed: 101, count: 500, truncates: true)
        let (dir, id) = try makeJournal(events)
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        var reports = 0
        let p = try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: 64)).run(progress: { _ in reports += 1 })
        XCTAssertEqual(p.read, events.count)
        XCTAssertEqual(p.applied, events.count)
        XCTAssertGreaterThan(reports, 1)
        XCTAssertEqual(try sink.checkpoint(), SinkCheckpoint(journalID: id, seq: events.last!.seq))
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events), .sqlite))
        let consumer = try XCTUnwrap(Journal.manifest(at: dir).consumer(Replayer.defaultConsumerName(for: sink)))
        XCTAssertEqual(consumer.appliedSeq, events.last!.seq)
        // Again: nothing to do, nothing changes.
        let again = try Replayer(journal: dir, sink: sink).run()
        XCTAssertEqual(again.read, 0)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events), .sqlite))
    }

    func testBatchesNeverSplitASourceTransaction() throws {
        var events: [Event] = []
        for t in 0..<20 {
            for k in 0..<(t % 5 + 1) {
                let id = Int64(t * 10 + k)
                events.append(Event(seq: UInt64(events.count + 1), txn: "t\(t)", entity: "e", key: ["id": .int(id)], op: .insert, after: ["id": .int(id)]))
            }
        }
        for size in [1, 2, 3, 7] {
            for batch in EventBatcher.batches(events, size: size) {
                let next = events.first { $0.seq == batch.last!.seq + 1 }
                XCTAssertNotEqual(next?.txn, batch.last!.txn, "batch size \(size) cut txn \(batch.last!.txn!)")
                XCTAssertNotEqual(events.first { $0.seq == batch.first!.seq - 1 }?.txn, batch.first!.txn)
            }
        }
    }

    func testATransactionOverTheSplitBoundIsAppliedInPartsAndLoggedOnce() throws {
        // Two short transactions around one of 250 events: with a bound of 100 and batches of 40, the long one is
        // committed in parts (the sink holds at most the bound), the short ones whole, every row lands once.
        var events: [Event] = []
        func add(_ txn: String, _ n: Int) {
            for _ in 0..<n {
                let id = Int64(events.count + 1)
                events.append(Event(seq: UInt64(id), txn: txn, entity: "e", key: ["id": .int(id)], op: .insert, after: ["id": .int(id)]))
            }
        }
        add("a", 3); add("big", 250); add("b", 3)
        let (dir, id) = try makeJournal(events)
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        var options = ReplayOptions(batchSize: 40)
        options.splitTransactionsOver = 100
        let lines = Mutex<[String]>([])
        options.log = { line in lines.withLock { $0.append(line) } }
        var checkpoints: [UInt64] = []
        let p = try Replayer(journal: dir, sink: sink, options: options).run(progress: { checkpoints.append($0.checkpoint) })
        XCTAssertEqual(p.applied, events.count)
        // "a" rides with "big" (3 < 40); parts of 100 events inside "big"; its rest is cut at "b" (53 >= 40).
        XCTAssertEqual(checkpoints, [100, 200, 253, 256])
        XCTAssertEqual(try sink.checkpoint(), SinkCheckpoint(journalID: id, seq: 256))
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events), .sqlite))
        let split = lines.withLock { $0 }.filter { $0.contains("applying it in parts") }
        XCTAssertEqual(split.count, 1, "\(lines.withLock { $0 })")
        XCTAssertTrue(split[0].contains("big") && split[0].contains("more than 100 events"), split[0])

        // 0 never splits: "a" and "big" in one commit.
        let path2 = try TestStores.sqlitePath()
        let whole = try SQLiteSink(path: path2)
        defer { whole.close() }
        options.splitTransactionsOver = 0
        var wholeCheckpoints: [UInt64] = []
        _ = try Replayer(journal: dir, sink: whole, options: options).run(progress: { wholeCheckpoints.append($0.checkpoint) })
        XCTAssertEqual(wholeCheckpoints, [253, 256])
    }

    func testFilterByTenantAndEntityMovesTheCheckpointOverOtherEvents() throws {
        let events = EventGenerator.stream(seed: 102, count: 300, truncates: false)
        let (dir, _) = try makeJournal(events)
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        let filter = EventFilter(entities: ["customers"], tenants: ["acme"])
        // The generator sets tenants on inserts only: the filtered stream is the acme customer inserts.
        let p = try Replayer(journal: dir, sink: sink, options: ReplayOptions(filter: filter, batchSize: 50)).run()
        let kept = events.filter(filter.matches)
        XCTAssertEqual(p.applied, kept.count)
        XCTAssertEqual(p.filtered, events.count - kept.count)
        XCTAssertEqual(try sink.checkpoint()?.seq, events.last!.seq)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(kept), .sqlite))
    }

    func testReplayToSeqThenOnward() throws {
        let events = EventGenerator.stream(seed: 103, count: 200, truncates: true)
        let (dir, _) = try makeJournal(events)
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(to: 90)).run()
        XCTAssertEqual(try sink.checkpoint()?.seq, 90)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(90)), .sqlite))
        try Replayer(journal: dir, sink: sink).run()
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events), .sqlite))
    }

    func testRefusesAJournalOtherThanTheStoresOwn() throws {
        let events = EventGenerator.stream(seed: 104, count: 30, truncates: false)
        let (a, idA) = try makeJournal(events)
        let (b, idB) = try makeJournal(events)
        let sink = try SQLiteSink(path: try TestStores.sqlitePath())
        defer { sink.close() }
        try Replayer(journal: a, sink: sink).run()
        XCTAssertThrowsError(try Replayer(journal: b, sink: sink).run()) { error in
            XCTAssertTrue("\(error)".contains(idA) && "\(error)".contains(idB), "\(error)")
        }
    }

    func testFollowAppliesNewEventsUntilStopped() throws {
        let events = EventGenerator.stream(seed: 105, count: 120, truncates: false)
        let (dir, _) = try makeJournal(Array(events.prefix(60)))
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        let writer = try JournalWriter(directory: dir)
        defer { writer.close() }
        var appended = false
        var appendError: Error?
        var sawAll = false
        let deadline = Date().addingTimeInterval(60)  // a broken follow fails the assertion below, not the suite
        let replayer = Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: 10, follow: true))
        try replayer.run(progress: { p in
            if !appended, p.checkpoint >= 60 {
                // At the tail: more events arrive while the replay follows.
                appended = true
                do { try writer.append(events[60...].map { var e = $0; e.seq = 0; return e }) } catch { appendError = error }
            }
            if p.checkpoint == events.last!.seq { sawAll = true }
        }, shouldStop: { sawAll || appendError != nil || Date() > deadline })
        XCTAssertNil(appendError, "appending while the replay follows failed")
        XCTAssertTrue(appended)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events), .sqlite))
    }

    func testFollowCommitsAtTheTailWithoutWaitingForAFullBatch() throws {
        // A steady trickle (a transaction every 10 ms, never the 50 ms pause that ends a batch) and a batch size
        // it would take minutes to fill: the follower still commits once it reaches the tail and the next
        // transaction starts, so its lag is milliseconds, not a batch.
        let (dir, _) = try makeJournal(Trickle.txn(0))
        let sink = try SQLiteSink(path: try TestStores.sqlitePath())
        defer { sink.close() }
        let trickle = Trickle(journal: dir, every: 10_000, limit: 300)
        var appendedAtFirstCommit: Int?
        let replayer = Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: 10_000, follow: true))
        try replayer.run(progress: { _ in
            if appendedAtFirstCommit == nil { appendedAtFirstCommit = trickle.appended.load(ordering: .acquiring) }
        }, shouldStop: { appendedAtFirstCommit != nil || trickle.finished.load(ordering: .acquiring) })
        trickle.stop()
        let appended = try XCTUnwrap(appendedAtFirstCommit, "no batch was committed while the writer appended")
        XCTAssertLessThan(appended, 300, "the first batch was committed only once the writer stopped")
        let checkpoint = try XCTUnwrap(sink.checkpoint()?.seq)
        XCTAssertGreaterThanOrEqual(checkpoint, 2)
        XCTAssertEqual(checkpoint % 2, 0, "a batch split a source transaction")
    }

    func testFollowCommitsAtATransactionEndTheWriterAnnounces() throws {
        // In the daemon the journal's writer is in the follower's process and announces where its appends end a
        // source transaction: the follower commits there at once. Here the next transaction ("long") is already
        // being written a change at a time; without the announcement nothing tells the follower that t1 ended,
        // so it would commit only after "long" (or mid-"long" after a pause), never exactly t1.
        let (dir, _) = try makeJournal([])
        let writer = try JournalWriter(directory: dir)
        defer { writer.close() }
        try writer.append(Trickle.txn(1), closesTransactions: true)
        let long = LongTransaction(writer: writer, limit: 300)
        defer { long.stop() }
        let sink = try SQLiteSink(path: try TestStores.sqlitePath())
        defer { sink.close() }
        var options = ReplayOptions(batchSize: 10_000, follow: true)
        options.closedTransactionSeq = { writer.closedTransactionSeq }
        var first: (checkpoint: UInt64, appended: Int)?
        try Replayer(journal: dir, sink: sink, options: options).run(progress: { p in
            if first == nil { first = (p.checkpoint, long.appended.load(ordering: .acquiring)) }
        }, shouldStop: { first != nil || long.finished.load(ordering: .acquiring) })
        let commit = try XCTUnwrap(first, "nothing was committed while the long transaction was written")
        XCTAssertEqual(commit.checkpoint, 2, "the follower did not commit at the announced end of t1")
        XCTAssertLessThan(commit.appended, 300)
        XCTAssertEqual(try sink.checkpoint()?.seq, 2)
    }

    func testRewindThroughTheJournalThenRebuild() throws {
        let events = EventGenerator.stream(seed: 106, count: 300, truncates: false)
        let (dir, _) = try makeJournal(events)
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        try Replayer(journal: dir, sink: sink).run()
        let outcome = try Rewinder.rewind(journal: dir, sink: sink, to: 120, chunkSize: 40)
        XCTAssertEqual(outcome.checkpoint.seq, 120)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(120)), .sqlite))
        XCTAssertEqual(try Journal.manifest(at: dir).consumer(Replayer.defaultConsumerName(for: sink))?.appliedSeq, 120)
        try Rewinder.rebuild(journal: dir, sink: sink, to: 200)
        XCTAssertEqual(try sink.checkpoint()?.seq, 200)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(200)), .sqlite))
    }

    func testRefusesToSkipEventsTruncatedFromTheJournal() throws {
        let events = EventGenerator.stream(seed: 107, count: 100, truncates: false)
        let (dir, _) = try makeJournal(events)
        let sink = try SQLiteSink(path: try TestStores.sqlitePath())
        defer { sink.close() }
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(to: 20)).run()
        let writer = try JournalWriter(directory: dir)
        try writer.truncate(before: 50, force: true)
        writer.close()
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run()) { error in
            guard case SinkError.journalGap(_, _, let next, let first) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(next, 21)
            XCTAssertEqual(first, 50)
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 20)
    }
}

/// A writer appending a source transaction of two events every `every` µs to a journal (up to `limit`), on its own
/// thread, until stopped.
private final class Trickle: Sendable {
    let appended = Atomic<Int>(0)
    let finished = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Transaction `t`: two inserts with txn "t<t>".
    static func txn(_ t: Int) -> [Event] {
        (0..<2).map { k in
            let id = Int64(t * 10 + k)
            return Event(txn: "t\(t)", entity: "e", key: ["id": .int(id)], op: .insert, after: ["id": .int(id)])
        }
    }

    init(journal: String, every: useconds_t, limit: Int) {
        Thread.detachNewThread { [self] in
            defer { finished.store(true, ordering: .releasing); done.signal() }
            guard let writer = try? JournalWriter(directory: journal) else { return }
            defer { writer.close() }
            for t in 1...limit where !stopping.load(ordering: .acquiring) {
                guard (try? writer.append(Self.txn(t))) != nil else { return }
                appended.add(1, ordering: .releasing)
                usleep(every)
            }
        }
    }

    /// Stops appending and waits for the thread.
    func stop() {
        stopping.store(true, ordering: .releasing)
        done.wait()
    }

    static func event(_ k: Int) -> Event {
        Event(txn: "long", entity: "e", key: ["id": .int(Int64(1000 + k))], op: .insert, after: ["id": .int(Int64(1000 + k))])
    }
}

/// One transaction ("long") appended a change at a time, every 10 ms, announcing no transaction end.
private final class LongTransaction: Sendable {
    let appended = Atomic<Int>(0)
    let finished = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    init(writer: JournalWriter, limit: Int) {
        // The first change before the follower starts: it finds the next transaction begun.
        _ = try? writer.append([Self.event(0)])
        appended.store(1, ordering: .releasing)
        Thread.detachNewThread { [self] in
            defer { finished.store(true, ordering: .releasing); done.signal() }
            for k in 1..<limit where !stopping.load(ordering: .acquiring) {
                usleep(10_000)
                guard (try? writer.append([Self.event(k)])) != nil else { return }
                appended.add(1, ordering: .releasing)
            }
        }
    }

    /// Stops appending and waits for the thread.
    func stop() {
        stopping.store(true, ordering: .releasing)
        done.wait()
    }

    static func event(_ k: Int) -> Event {
        Event(txn: "long", entity: "e", key: ["id": .int(Int64(1000 + k))], op: .insert, after: ["id": .int(Int64(1000 + k))])
    }
}

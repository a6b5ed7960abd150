import Foundation
import TandemCore
import TandemJournal
import TandemSQLite
import XCTest
import TandemPipeline
import TandemPostgres
@testable import TandemSinks
import TandemTesting

/// What keeps a sink and its journal honest with each other: consumer positions, gaps, filters, specs.
final class SinkSafetyTests: XCTestCase {
    func testManifestFollowsEveryBatchAndTruncateAfterKeepsWhatACommitMayHaveApplied() throws {
        let events = EventGenerator.stream(seed: 201, count: 120, truncates: false)
        let (dir, _) = try TestStores.journal(events)
        let inner = try SQLiteSink(path: try TestStores.sqlitePath())
        defer { inner.close() }
        let name = "sink under test"
        // Every committed batch shows in the manifest at once (not throttled).
        var lagging: [String] = []
        try Replayer(journal: dir, sink: inner, options: ReplayOptions(to: 40, batchSize: 10, consumerName: name)).run(progress: { p in
            let applied = (try? Journal.manifest(at: dir).consumer(name)?.appliedSeq) ?? nil
            if applied != p.checkpoint { lagging.append("checkpoint \(p.checkpoint), manifest \(String(describing: applied))") }
        })
        XCTAssertEqual(lagging, [])
        // The replaying process dies right after a commit, before it records the new position.
        let dying = CommitThenDie(inner)
        XCTAssertThrowsError(try Replayer(journal: dir, sink: dying, options: ReplayOptions(batchSize: 10, consumerName: name)).run()) { error in
            XCTAssertTrue(error is Died, "\(error)")
        }
        let held = try XCTUnwrap(inner.checkpoint()?.seq)
        XCTAssertGreaterThan(held, 40)
        let consumer = try XCTUnwrap(Journal.manifest(at: dir).consumer(name))
        XCTAssertEqual(consumer.appliedSeq, 40)
        XCTAssertEqual(consumer.reservedSeq, held)
        XCTAssertThrowsError(try Journal.truncate(after: held - 1, at: dir)) { error in
            guard case JournalError.truncateRefused(let c, let seq, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(c, name)
            XCTAssertEqual(seq, held)
        }
        // `--before` trusts only what is known applied.
        let writer = try JournalWriter(directory: dir)
        XCTAssertThrowsError(try writer.truncate(before: 42)) { error in
            guard case JournalError.truncateRefused(let c, let seq, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([c], [name])
            XCTAssertEqual(seq, 40)
        }
        writer.close()
        // The next replay records the truth and clears the reservation.
        try Replayer(journal: dir, sink: inner, options: ReplayOptions(consumerName: name)).run()
        let after = try XCTUnwrap(Journal.manifest(at: dir).consumer(name))
        XCTAssertEqual(after.appliedSeq, events.last!.seq)
        XCTAssertNil(after.reservedSeq)
    }

    func testFromBeyondTheCheckpointIsRefusedUnlessTheGapIsAllowed() throws {
        let events = EventGenerator.stream(seed: 202, count: 100, truncates: false)
        let (dir, _) = try TestStores.journal(events)
        let sink = try SQLiteSink(path: try TestStores.sqlitePath())
        defer { sink.close() }
        // A fresh sink refused: nothing applied, and no consumer left behind.
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink, options: ReplayOptions(from: 5)).run()) { error in
            guard case SinkError.wouldSkip(_, _, let next, let from) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([next, from], [1, 5])
            XCTAssertEqual((error as! SinkError).category, .usage)
            XCTAssertTrue("\(error)".contains("seqs 1…4"), "\(error)")
        }
        XCTAssertNil(try sink.checkpoint())
        XCTAssertEqual(try Journal.manifest(at: dir).consumers, [])
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(to: 20)).run()
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink, options: ReplayOptions(from: 50)).run()) { error in
            XCTAssertTrue("\(error)".contains("seqs 21…49"), "\(error)")
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 20)
        // Starting right after the checkpoint (or below it) is fine; so is a gap asked for.
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(from: 21, to: 30)).run()
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(from: 50, allowGap: true)).run()
        XCTAssertEqual(try sink.checkpoint()?.seq, events.last!.seq)
    }

    func testTheFilterIsStoredAndAnotherOneRefused() throws {
        let events = EventGenerator.stream(seed: 203, count: 200, truncates: false)
        let (dir, _) = try TestStores.journal(events)
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        let filter = EventFilter(entities: ["orders", "customers"])
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(to: 100, filter: filter)).run()
        XCTAssertEqual(try sink.checkpoint()?.filter, "entities=customers,orders;tenants=*")
        for other in [EventFilter(), EventFilter(entities: ["orders"]), EventFilter(entities: ["customers", "orders"], tenants: ["acme"])] {
            XCTAssertThrowsError(try Replayer(journal: dir, sink: sink, options: ReplayOptions(filter: other)).run()) { error in
                guard case SinkError.filterChanged(_, _, let stored, let given) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(stored, filter.canonical)
                XCTAssertEqual(given, other.canonical)
                XCTAssertTrue("\(error)".contains("rebuild"), "\(error)")
            }
            XCTAssertThrowsError(try Rewinder.rewind(journal: dir, sink: sink, to: 50, filter: other)) { error in
                guard case SinkError.filterChanged = error else { return XCTFail("\(error)") }
            }
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 100)
        // The same filter (any order) goes on, and a rewind keeps the stored filter.
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(filter: EventFilter(entities: ["orders", "customers"]))).run()
        try Rewinder.rewind(journal: dir, sink: sink, to: 150, filter: filter)
        XCTAssertEqual(try sink.checkpoint()?.seq, 150)
        XCTAssertEqual(try sink.checkpoint()?.filter, filter.canonical)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(150).filter(filter.matches)), .sqlite))
    }

    func testAStoreOfAnOlderTandemGainsTheFilterColumn() throws {
        let path = try TestStores.sqlitePath()
        let db = try Database(path: path)
        try db.execute(#"CREATE TABLE "_tandem_checkpoint" ("sink" TEXT NOT NULL PRIMARY KEY, "journal_id" TEXT NOT NULL, "seq" INTEGER NOT NULL, "updated_at" TEXT NOT NULL)"#)
        try db.execute("INSERT INTO _tandem_checkpoint VALUES ('default', 'j', 0, '2026-01-01T00:00:00Z')")
        db.close()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        XCTAssertEqual(try sink.checkpoint(), SinkCheckpoint(journalID: "j", seq: 0))
        XCTAssertNil(try sink.checkpoint()?.filter)
        try sink.apply(EventGenerator.stream(seed: 204, count: 10, truncates: false), journalID: "j", filter: "entities=*;tenants=*")
        XCTAssertEqual(try sink.checkpoint()?.filter, "entities=*;tenants=*")
    }

    func testPostgresStoreOfAnOlderTandemGainsTheFilterColumn() throws {
        let db = try TestStores.postgresDatabase()
        let admin = try PostgresConnection(conninfo: db, redactor: PostgresRedactor(conninfo: db))
        try admin.query(#"CREATE TABLE "_tandem_checkpoint" ("sink" text NOT NULL PRIMARY KEY, "journal_id" text NOT NULL, "seq" bigint NOT NULL, "updated_at" timestamptz NOT NULL DEFAULT now())"#)
        try admin.query("INSERT INTO _tandem_checkpoint (sink, journal_id, seq) VALUES ('default', 'j', 0)")
        let sink = try PostgresSink(conninfo: db)
        defer { sink.close() }
        XCTAssertNil(try sink.checkpoint()?.filter)
        try sink.apply(EventGenerator.stream(seed: 205, count: 10, truncates: false), journalID: "j", filter: "entities=a;tenants=*")
        XCTAssertEqual(try admin.query("SELECT filter FROM _tandem_checkpoint WHERE sink = 'default'")[0, 0], "entities=a;tenants=*")
        admin.close()
    }

    func testAPasswordInAnUnparsableURLIsNeverQuoted() {
        for url in ["postgres://bob:Secr%zzet@host/db", "postgresql://bob:Secr%zzet@host/db?sslmode=require"] {
            XCTAssertThrowsError(try SinkSpec.parse(url)) { error in
                guard case SinkError.badSpec = error else { return XCTFail("\(error)") }
                XCTAssertFalse("\(error)".contains("Secr"), "\(error)")
                XCTAssertTrue("\(error)".contains("cannot parse the connection string"), "\(error)")
            }
        }
    }

    func testAPostgresOptionErrorIsABadSpecWithoutRetries() throws {
        let db = try TestStores.postgresDatabase()
        let lines = LogLines()
        XCTAssertThrowsError(try PostgresSink(conninfo: db + " sslmode=bogus", log: { lines.add($0) })) { error in
            guard case SinkError.badSpec = error else { return XCTFail("\(error)") }
            XCTAssertEqual((error as! SinkError).category, .config)
            XCTAssertTrue("\(error)".contains("sslmode"), "\(error)")
        }
        XCTAssertEqual(lines.all, [])
    }

    func testSQLiteSyncsEveryCommitByDefault() throws {
        let sink = try SQLiteSink(path: try TestStores.sqlitePath())
        defer { sink.close() }
        XCTAssertEqual(try sink.db.scalar("PRAGMA synchronous"), .int(2))  // 2 = FULL
        XCTAssertEqual(try SinkSpec.parse("sqlite:x.db").kind, .sqlite(path: "x.db", synchronous: .full))
        XCTAssertEqual(try SinkSpec.parse(#"{"kind":"sqlite","path":"x.db"}"#).kind, .sqlite(path: "x.db", synchronous: .full))
    }

    func testRewindStreamsTheJournalInChunksOfWholeTransactions() throws {
        var events: [Event] = []
        for t in 0..<40 {
            for k in 0..<(t % 7 + 1) {
                let id = Int64(t * 10 + k)
                events.append(Event(seq: UInt64(events.count + 1), txn: "t\(t)", entity: "e", key: ["id": .int(id)], op: .insert, after: ["id": .int(id)]))
            }
        }
        let (dir, _) = try TestStores.journal(events)
        let path = try TestStores.sqlitePath()
        let inner = try SQLiteSink(path: path)
        defer { inner.close() }
        try Replayer(journal: dir, sink: inner).run()
        let sink = RecordingSink(inner)
        for target: UInt64 in [150, 77, 3, 0] {
            let r = try Rewinder.rewind(journal: dir, sink: sink, to: target, chunkSize: 4)
            XCTAssertEqual(r.checkpoint.seq, target)
            XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(Int(target))), .sqlite))
        }
        XCTAssertGreaterThan(sink.commits.count, 20)
        for (from, to) in sink.commits {
            // Each chunk is whole transactions, at most one transaction (≤ 7 events) beyond the chunk size.
            XCTAssertLessThanOrEqual(from - to, 4 + 7)
            if to > 0 { XCTAssertNotEqual(events[Int(to) - 1].txn, events[Int(to)].txn, "chunk \(to)…\(from) cuts a txn") }
        }
    }

    func testTheDefaultConsumerNameDoesNotDependOnHowThePathIsSpelled() throws {
        let dir = try TestStores.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/sub")
        var names: Set<String> = []
        for spelling in [dir + "/sub/o.db", dir + "/sub/./o.db", dir + "/sub/../sub/o.db", dir + "/link/o.db", dir + "//sub/o.db"] {
            let sink = try SQLiteSink(path: spelling)
            names.insert(Replayer.defaultConsumerName(for: sink))
            XCTAssertEqual(sink.target, "sqlite:\(spelling)")  // logs keep the operator's spelling
            sink.close()
        }
        XCTAssertEqual(names.count, 1, "\(names)")
        XCTAssertTrue(names.first!.hasSuffix("/sub/o.db") && names.first!.contains("sqlite:/"), "\(names)")
    }
}

/// Thrown by `CommitThenDie` in place of the process dying.
struct Died: Error {}

/// A real sink whose process "dies" right after its commit reaches the store (before anything else happens).
final class CommitThenDie: EventSink {
    let inner: any EventSink
    init(_ inner: any EventSink) { self.inner = inner }
    var name: String { inner.name }
    var target: String { inner.target }
    var canonicalTarget: String { inner.canonicalTarget }
    func checkpoint() throws -> SinkCheckpoint? { try inner.checkpoint() }
    func commit(_ plan: WritePlan, from: SinkCheckpoint?, to: SinkCheckpoint) throws {
        try inner.commit(plan, from: from, to: to)
        throw Died()
    }
    func reset(entities: [String]) throws { try inner.reset(entities: entities) }
    func reconnect() throws { try inner.reconnect() }
    func rehearse(_ plan: WritePlan) throws { try inner.rehearse(plan) }
    func close() {}
}

/// A real sink that records the checkpoint moves of its commits.
final class RecordingSink: EventSink {
    let inner: any EventSink
    var commits: [(from: UInt64, to: UInt64)] = []
    init(_ inner: any EventSink) { self.inner = inner }
    var name: String { inner.name }
    var target: String { inner.target }
    var canonicalTarget: String { inner.canonicalTarget }
    func checkpoint() throws -> SinkCheckpoint? { try inner.checkpoint() }
    func commit(_ plan: WritePlan, from: SinkCheckpoint?, to: SinkCheckpoint) throws {
        try inner.commit(plan, from: from, to: to)
        commits.append((from?.seq ?? 0, to.seq))
    }
    func reset(entities: [String]) throws { try inner.reset(entities: entities) }
    func reconnect() throws { try inner.reconnect() }
    func rehearse(_ plan: WritePlan) throws { try inner.rehearse(plan) }
    func close() {}
}

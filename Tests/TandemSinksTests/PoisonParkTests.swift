import Foundation
import TandemCore
import TandemJournal
import TandemTesting
import XCTest
import TandemPipeline
@testable import TandemSinks

/// Promise (issue 11): a batch that can never succeed (the application added a NOT NULL column that one event
/// does not fill) stops replay with a poison error naming that ONE event's seq, entity and key; parking it
/// lets replay go on past it (counted, never silently), the parked list keeps it with its reason, and
/// unparking after the target is fixed applies it — but never over a later change of its key.
final class PoisonParkTests: XCTestCase {
    /// An insert or update of table `t`; `region` nil leaves the application's NOT NULL column unfilled.
    func change(_ id: Int64, _ v: Int64, _ region: String?, op: ChangeKind = .insert) -> Event {
        var after: Row = ["id": .int(id), "v": .int(v)]
        if let region { after["region"] = .string(region) }
        return Event(txn: "x\(id)-\(v)", entity: "t", key: ["id": .int(id)], op: op, after: after)
    }

    func assertAPoisonEventIsParkedAndUnparked(_ store: RefusalStore, dropNotNull: String) throws {
        // The application's table: its NOT NULL column `region` is not in every event.
        try store.exec("CREATE TABLE t (id bigint PRIMARY KEY, v bigint, region text NOT NULL)")
        let events = [change(1, 1, "eu"), change(2, 2, "eu"), change(3, 3, nil), change(4, 4, "us"),
                      change(1, 10, "eu", op: .update), change(6, 6, nil), change(6, 7, "eu", op: .update)]
        let (dir, _) = try TestStores.journal(events)
        let sink = try store.open("new")
        defer { sink.close() }
        let parking = SinkParking(journal: dir, sink: sink)
        // One source transaction a batch: a batch holding seqs 6 and 7 would apply them as one net change.
        let oneByOne = ReplayOptions(batchSize: 1)

        // 1. The poison event stops the replay, named; the transactions before it are applied.
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink, options: oneByOne).run()) { error in
            guard let e = error as? SinkError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.poisonSeq, 3, "\(e)")
            XCTAssertFalse(e.isRetryable, "\(e)")
            XCTAssertTrue("\(e)".contains("the store refused event seq 3 (insert on t, key id=3)"), "\(e)")
            XCTAssertTrue("\(e)".lowercased().contains("null"), "\(e)")
            XCTAssertTrue("\(e)".contains("tandem sink park --seq 3"), "\(e)")
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 2)

        // 2. Parking what the sink applied, or what the journal does not hold, is refused.
        XCTAssertThrowsError(try parking.park(seq: 2)) { error in
            guard case .parkRefused? = error as? SinkError else { return XCTFail("\(error)") }
            XCTAssertEqual((error as? SinkError)?.category, .refused)
            XCTAssertTrue("\(error)".contains("cannot park seq 2: the sink has applied it already (checkpoint seq 2)"), "\(error)")
        }
        XCTAssertThrowsError(try parking.park(seq: 99)) { error in
            guard case .seqOutOfRange(99, 1, 7)? = error as? JournalError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try parking.parked(), [])

        // 3. Parked with the store's own reason; replay goes on past it, then stops at the next poison event.
        let entry = try parking.park(seq: 3)
        XCTAssertEqual(entry.seq, 3)
        XCTAssertTrue(entry.reason.lowercased().contains("null"), entry.reason)
        XCTAssertTrue(entry.reason.contains("region"), entry.reason)
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink, options: oneByOne).run()) { error in
            XCTAssertEqual((error as? SinkError)?.poisonSeq, 6, "\(error)")
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 5)
        try parking.park(seq: 6, reason: "region unknown for customer 6")
        let p = try Replayer(journal: dir, sink: sink, options: oneByOne).run()
        XCTAssertEqual(p.parked, 1, "seq 6, passed over")
        XCTAssertEqual(try sink.checkpoint()?.seq, 7)
        XCTAssertEqual(try store.dump()["t"], ["id=1|region=eu|v=10", "id=2|region=eu|v=2", "id=4|region=us|v=4", "id=6|region=eu|v=7"])

        // The list keeps both, with their reasons and events, in an owner-only file.
        let listed = try parking.parked()
        XCTAssertEqual(listed.map(\.seq), [3, 6])
        XCTAssertEqual(listed.map(\.event.seq), [3, 6])
        XCTAssertEqual(listed[0].event.key, ["id": .int(3)])
        XCTAssertEqual(listed[1].reason, "region unknown for customer 6")
        let mode = try FileManager.default.attributesOfItem(atPath: parking.list.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)

        // 4. Unparking while the target still refuses it: the store's reason, and it stays parked.
        XCTAssertThrowsError(try parking.unpark(seq: 3)) { error in
            XCTAssertTrue("\(error)".contains("cannot unpark seq 3: the store still refuses it (table t: "), "\(error)")
            XCTAssertTrue("\(error)".contains("so it stays parked"), "\(error)")
        }
        XCTAssertEqual(try parking.parked().map(\.seq), [3, 6])

        // 5. After the target is fixed it applies; the checkpoint stays; applying it twice changes nothing.
        try store.exec(dropNotNull)
        XCTAssertEqual(try parking.unpark(seq: 3).seq, 3)
        XCTAssertEqual(try store.dump()["t"], ["id=1|region=eu|v=10", "id=2|region=eu|v=2", "id=3|v=3", "id=4|region=us|v=4", "id=6|region=eu|v=7"])
        XCTAssertEqual(try sink.checkpoint()?.seq, 7)
        XCTAssertEqual(try parking.parked().map(\.seq), [6])
        XCTAssertThrowsError(try parking.unpark(seq: 3)) { error in
            XCTAssertTrue("\(error)".contains("cannot unpark seq 3: it is not on the sink's parked list"), "\(error)")
        }

        // 6. Seq 7 changed key 6 after seq 6: re-applying the older insert would overwrite it.
        XCTAssertThrowsError(try parking.unpark(seq: 6)) { error in
            XCTAssertTrue("\(error)".contains("cannot unpark seq 6: seq 7 (update) changed the same key after it"), "\(error)")
        }
        XCTAssertEqual(try store.dump()["t"]?.last, "id=6|region=eu|v=7")
        XCTAssertEqual(try parking.parked().map(\.seq), [6])
    }

    func testSQLitePoisonEventParkedAndUnparked() throws {
        try assertAPoisonEventIsParkedAndUnparked(try .sqlite(), dropNotNull: """
            CREATE TABLE t2 (id bigint PRIMARY KEY, v bigint, region text);
            INSERT INTO t2 SELECT id, v, region FROM t; DROP TABLE t; ALTER TABLE t2 RENAME TO t
            """)
    }

    func testPostgresPoisonEventParkedAndUnparked() throws {
        try assertAPoisonEventIsParkedAndUnparked(try .postgres(), dropNotNull: "ALTER TABLE t ALTER COLUMN region DROP NOT NULL")
    }

    /// A replay counts the parked events it passes over, and the daemon's retry split holds.
    func testParkedEventsAreCountedAndTheRetrySplit() throws {
        let store = try RefusalStore.sqlite()
        try store.exec("CREATE TABLE t (id bigint PRIMARY KEY, v bigint, region text NOT NULL)")
        let (dir, _) = try TestStores.journal([change(1, 1, "eu"), change(2, 2, nil), change(3, 3, "eu")])
        let sink = try store.open("new")
        defer { sink.close() }
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run())
        try SinkParking(journal: dir, sink: sink).park(seq: 2)
        // Another store under the same sink name does not pass over it.
        let other = try RefusalStore.sqlite()
        try other.exec("CREATE TABLE t (id bigint PRIMARY KEY, v bigint, region text NOT NULL)")
        let otherSink = try other.open("new")
        defer { otherSink.close() }
        XCTAssertThrowsError(try Replayer(journal: dir, sink: otherSink).run()) { error in
            XCTAssertEqual((error as? SinkError)?.poisonSeq, 2, "\(error)")
        }
        let p = try Replayer(journal: dir, sink: sink).run()
        XCTAssertEqual(p.parked, 1)
        XCTAssertEqual(p.applied, 1)
        XCTAssertEqual(p.checkpoint, 3)

        XCTAssertTrue(SinkError.connectionLost(target: "x", message: "gone").isRetryable)
        XCTAssertTrue(SinkError.busy(target: "x", message: "locked").isRetryable)
        XCTAssertTrue(SinkError.unavailable(target: "x", message: "down", attempts: 3).isRetryable)
        XCTAssertFalse(SinkError.refusedData(target: "x", entity: "t", key: nil, message: "NOT NULL").isRetryable)
        XCTAssertNil(SinkError.busy(target: "x", message: "locked").poisonSeq)
        XCTAssertNil(SinkError.journalMismatch(target: "x", sink: "s", stored: "a", given: "b").poisonSeq)
        XCTAssertFalse(SinkError.journalMismatch(target: "x", sink: "s", stored: "a", given: "b").isRetryable)
    }
}

import Foundation
import Synchronization
import TandemCore
import TandemJournal
import TandemSinks
import XCTest
import TandemPipeline
import TandemTesting

/// Issue 10: a change that meets a row state its source did not expect is visible — counted per kind,
/// logged with seq, entity and key — whatever the batch size.
final class ConflictTests: XCTestCase {
    static func row(_ id: Int64, _ v: String) -> Row { ["id": .int(id), "v": .string(v)] }
    let events: [Event] = [
        Event(txn: "1", entity: "t", key: ["id": .int(1)], op: .insert, after: row(1, "a")),
        Event(txn: "2", entity: "t", key: ["id": .int(1)], op: .insert, after: row(1, "b")),           // insert-exists
        Event(txn: "3", entity: "t", key: ["id": .int(9)], op: .update, before: row(9, "x"), after: row(9, "y")),  // update-missing
        Event(txn: "4", entity: "t", key: ["id": .int(8)], op: .delete, before: row(8, "x")),          // delete-missing
        Event(txn: "5", entity: "t", key: ["id": .int(1)], op: .snapshot, after: row(1, "c")),         // an upsert: never
        Event(txn: "6", entity: "t", key: ["id": .int(5)], op: .insert, after: row(5, "a")),
        Event(txn: "6", entity: "t", key: ["id": .int(5)], op: .insert, after: row(5, "b")),           // insert-exists
        Event(txn: "7", entity: "t", key: ["id": .int(6)], op: .update, before: row(6, "x"), after: row(6, "y")),  // update-missing
        Event(txn: "7", entity: "t", key: ["id": .int(6)], op: .delete, before: row(6, "y")),
        Event(txn: "8", entity: "t", key: ["id": .int(7)], op: .insert, after: row(7, "a")),
        Event(txn: "9", entity: "t", key: ["id": .int(2)], op: .delete, before: row(2, "x")),          // delete-missing
        Event(txn: "9", entity: "t", key: ["id": .int(2)], op: .insert, after: row(2, "a")),
    ]

    /// Promise: insert-exists, update-missing and delete-missing are counted and logged (seq, entity, key)
    /// the same whether the replay commits one transaction per event or all in one; snapshots never count,
    /// and a second replay over applied events counts nothing.
    func testConflictsAreCountedAndLoggedTheSameAtEveryBatchSize() throws {
        try conflictsAreCountedAndLogged { try SQLiteSink(path: try TestStores.sqlitePath()) }
    }

    /// Promise: the same on PostgreSQL (keys probed in one statement per entity, not a query per row).
    func testPostgresConflictsAreCountedAndLoggedTheSameAtEveryBatchSize() throws {
        let base = try TestStores.postgresBase()
        try conflictsAreCountedAndLogged { try PostgresSink(conninfo: try TestStores.postgresDatabase(base: base)) }
    }

    private func conflictsAreCountedAndLogged(_ open: () throws -> any EventSink) throws {
        let (dir, _) = try TestStores.journal(events)
        var seen: [[String]] = []
        for batch in [1, 1000] {
            let lines = Mutex<[String]>([])
            let sink = try open()
            defer { sink.close() }
            var options = ReplayOptions(batchSize: batch)
            options.log = { line in lines.withLock { $0.append(line) } }
            let p = try Replayer(journal: dir, sink: sink, options: options).run()
            XCTAssertEqual(p.conflicts.counts, [.insertExists: 2, .updateMissing: 2, .deleteMissing: 2], "batch \(batch)")
            XCTAssertEqual("\(p.conflicts)", "2 insert-exists, 2 update-missing, 2 delete-missing")
            seen.append(lines.withLock { $0 })
            let again = try Replayer(journal: dir, sink: sink, options: options).run()
            XCTAssertEqual(again.conflicts.total, 0)
        }
        XCTAssertEqual(seen[0], [
            "conflict: seq 2 insert-exists on t key id=1",
            "conflict: seq 3 update-missing on t key id=9",
            "conflict: seq 4 delete-missing on t key id=8",
            "conflict: seq 7 insert-exists on t key id=5",
            "conflict: seq 8 update-missing on t key id=6",
            "conflict: seq 11 delete-missing on t key id=2",
        ])
        XCTAssertEqual(Set(seen[1]), Set(seen[0]))
    }

    /// Promise: past the first lines, conflicts are summarized at most once a minute, never one line each.
    func testTheConflictLogIsRateLimited() {
        var lines: [String] = []
        var log = ConflictLog(burst: 2, interval: .seconds(60)) { lines.append($0) }
        let c = Conflict(kind: .insertExists, seq: 1, entity: "t", key: ["id": .int(1)])
        let t0 = ContinuousClock.now
        log.note(Array(repeating: c, count: 5), now: t0)
        log.note(Array(repeating: c, count: 5), now: t0 + .seconds(10))
        XCTAssertEqual(lines.count, 3, "\(lines)")
        XCTAssertEqual(lines[2], "conflicts: 3 more (3 insert-exists)")
        log.note([c], now: t0 + .seconds(61))
        XCTAssertEqual(lines.last, "conflicts: 6 more (6 insert-exists)")
        log.flush()
        XCTAssertEqual(lines.count, 4)
    }
}

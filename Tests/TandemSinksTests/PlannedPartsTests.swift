import Foundation
import TandemCore
import TandemSinks
import TandemTesting
import XCTest

/// Issue 11: the daemon's sinks commit plans made once per chunk of the journal (`PlannedEvents`), one after the
/// other in one store transaction (`apply(parts:)`). That must leave the store, the conflicts and the counts as one
/// plan of all the events does: deletes, key changes, truncates and conflicts across the parts included.
final class PlannedPartsTests: XCTestCase {
    func testSQLitePlannedPartsEqualOnePlanOfAllTheEvents() throws {
        for truncates in [false, true] {
            try plannedPartsEqualOnePlan(.sqlite, truncates: truncates) {
                let path = try TestStores.sqlitePath()
                return (try SQLiteSink(path: path), { try StoreDump.sqlite(path) })
            }
        }
    }

    func testPostgresPlannedPartsEqualOnePlanOfAllTheEvents() throws {
        let base = try TestStores.postgresBase()
        for truncates in [false, true] {
            try plannedPartsEqualOnePlan(.postgres, truncates: truncates) {
                let c = try TestStores.postgresDatabase(base: base)
                return (try PostgresSink(conninfo: c), { try StoreDump.postgres(c) })
            }
        }
    }

    /// The events: a seeded stream with truncates and deletes of absent keys, plus inserts of keys that exist and
    /// updates of keys that do not (conflicts, some of them against a row an earlier part wrote).
    private func events(truncates: Bool) -> [Event] {
        var out: [Event] = []
        for (i, e) in EventGenerator.stream(seed: 1_111, count: truncates ? 700 : 250, truncates: truncates).enumerated() {
            out.append(e)
            if i % 23 == 5, e.op == .insert { out.append(e) }  // insert-exists
            if i % 31 == 7, e.op != .truncate, !e.key.isEmpty {
                var u = e
                u.op = .update
                u.key = ["id": .int(1_000_000 + Int64(i))]
                u.after = ["id": .int(1_000_000 + Int64(i)), "name": .string("ghost")]
                u.entity = "ghosts"
                out.append(u)  // update-missing
            }
        }
        for i in out.indices { out[i].seq = UInt64(i + 1) }
        return out
    }

    /// With `truncates`, only the stores are compared: a conflict judged against the store (a key's first change in
    /// a plan) is not counted when a truncate of its entity follows in the same plan, so around a truncate the
    /// counts depend on where batches are cut — at any batch size, shared plans or not.
    private func plannedPartsEqualOnePlan(_ kind: StoreKind, truncates: Bool,
                                          _ open: () throws -> (any EventSink, () throws -> Dump)) throws {
        let events = events(truncates: truncates)
        let journal = "j-\(UUID().uuidString)"
        let (whole, wholeDump) = try open()
        defer { whole.close() }
        let one = try whole.apply(events, journalID: journal)

        // Cut at seeded points, inside source transactions too (a chunk ends where the durable data ended).
        var rng = SplitMix64(seed: 7)
        var parts: [BatchPart] = []
        var i = 0
        while i < events.count {
            let n = min(events.count - i, 1 + rng.below(60))
            parts.append(.planned(try PlannedEvents(events: Array(events[i..<(i + n)]))))
            i += n
        }
        XCTAssertGreaterThan(parts.count, 10)
        let (shared, sharedDump) = try open()
        defer { shared.close() }
        let many = try shared.apply(parts: parts, journalID: journal)

        let model = StoreDump.model(ReferenceModel.replay(events), kind)
        XCTAssertEqual(try wholeDump(), model)
        XCTAssertEqual(try sharedDump(), model, "the parts' plans one after the other leave the store one plan leaves")
        func text(_ c: [Conflict]) -> [String] { c.map { "\($0.seq) \($0.kind) \($0.entity) \($0.key)" } }
        XCTAssertGreaterThan(one.conflicts.count, 5)
        if !truncates {
            XCTAssertEqual(text(many.conflicts), text(one.conflicts), "the same conflicts, with their seqs and keys")
        }
        XCTAssertEqual(many.applied, events.count)
        XCTAssertEqual(many.checkpoint, one.checkpoint)

        // A store whose checkpoint is inside a part: the parts it already holds are skipped (counted), the rest applied.
        let (behind, behindDump) = try open()
        defer { behind.close() }
        let k = events.count / 2 + 3
        try behind.apply(Array(events[..<k]), journalID: journal)
        let rest = try behind.apply(parts: parts, journalID: journal)
        XCTAssertEqual(rest.skipped, k)
        XCTAssertEqual(rest.applied, events.count - k)
        XCTAssertEqual(try behindDump(), model)
    }
}

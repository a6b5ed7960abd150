import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSQLite
import TandemSources
import XCTest
@testable import TandemPipeline

/// Rollback from `cut-over` drains the reverse flow between the fences: what the application wrote to the new
/// store is in legacy before legacy takes the writes back; a drain that does not finish leaves everything as
/// it was (the cohort in cut-over, the new store writable again, the legacy store fenced).
final class ReverseDrainTests: XCTestCase {
    let now = Quarantine.now()

    /// A cohort `pilot` (tenant acme) in cut-over on a fixture whose new store has its `orders` table.
    func cutOver() throws -> (MigrationFixture, CohortControl) {
        let f = try MigrationFixture(self, extra: #", "maxForwardLagSeconds": 3600"#)
        try f.applyToNew(try f.journal("acme", ids: [1], age: 0))
        let control = try CohortControl(config: f.config)
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        XCTAssertEqual(try control.advance(name: "pilot", to: .cutOver, who: "x", why: nil, now: now).last?.phase, .cutOver)
        return (f, control)
    }

    func rows(_ path: String, _ sql: String) throws -> [String] {
        let db = try Database(path: path)
        defer { db.close() }
        let st = try db.prepare(sql)
        var out: [String] = []
        while try st.step() { out.append((0..<st.columnCount).map { "\(st.value(at: $0))" }.joined(separator: "|")) }
        return out
    }

    func testRollbackWithoutADaemonCarriesTheNewStoresWritesBackBeforeTheFlip() throws {
        let (f, control) = try cutOver()
        defer { control.state.close() }
        // The cut-over installed capture on the new store: the application's write there is recorded.
        let new = try Database(path: f.newPath)
        try new.execute("INSERT INTO orders (id, tenant) VALUES (50, 'acme')")
        try new.execute("UPDATE orders SET tenant = 'acme' WHERE id = 1")
        new.close()

        XCTAssertEqual(try control.rollback(name: "pilot", who: "x", why: nil, now: now).phase, .rolledBack)
        XCTAssertEqual(try rows(f.legacyPath, "SELECT id, mandant FROM bestellungen WHERE id IN (1, 50) ORDER BY id"),
                       [#"int(1)|string("acme")"#, #"int(50)|string("acme")"#])
        XCTAssertEqual(try rows(f.legacyPath, "SELECT writes FROM _tandem_routing WHERE tenant = 'acme'"), [#"string("legacy")"#])
        let reader = try JournalReader(directory: f.journal + "-reverse")
        var origins: [String?] = []
        while let e = try reader.next() { origins.append(e.origin) }
        XCTAssertEqual(origins, ["new", "new"], "one reverse event per new-store write, none echoed")
    }

    func testADrainThatDoesNotFinishLeavesTheCohortInCutOverWithTheNewStoreWritable() throws {
        let (f, control) = try cutOver()
        defer { control.state.close() }
        control.drainTimeout = .milliseconds(300)
        let new = try Database(path: f.newPath)
        defer { new.close() }
        try new.execute("INSERT INTO orders (id, tenant) VALUES (50, 'acme')")
        // A daemon holds the reverse journal (its worker drains) but is stuck: nothing reaches legacy.
        _ = try Journal.createIfMissing(at: f.journal + "-reverse")
        let stuck = try JournalWriter(directory: f.journal + "-reverse")
        XCTAssertThrowsError(try control.rollback(name: "pilot", who: "x", why: nil, now: now)) {
            XCTAssertTrue("\($0)".hasPrefix("cohort pilot: the legacy store did not get every new-store change within 0.3 seconds of the new"
                                            + " store's fence (the reverse journal does not yet hold the new store's changes up to change id 1;"
                                            + " is tandem run running?); the fence is lifted and the cohort stays in cut-over"), "\($0)")
        }
        XCTAssertEqual(try control.cohort("pilot").phase, .cutOver)
        XCTAssertEqual(try rows(f.newPath, "SELECT writes FROM _tandem_routing WHERE tenant = 'acme'"), [#"string("new")"#])
        try new.execute("INSERT INTO orders (id, tenant) VALUES (51, 'acme')")  // the new store's fence is lifted again
        let legacy = try Database(path: f.legacyPath)
        defer { legacy.close() }
        XCTAssertThrowsError(try legacy.execute("INSERT INTO bestellungen VALUES (52, 'acme', 0)")) {  // legacy stays fenced
            XCTAssertTrue("\($0)".contains("tandem: tenant acme writes to the new store since "), "\($0)")
        }

        stuck.close()
        XCTAssertEqual(try control.rollback(name: "pilot", who: "x", why: nil, now: now).phase, .rolledBack)
        XCTAssertEqual(try rows(f.legacyPath, "SELECT id FROM bestellungen WHERE id >= 50 ORDER BY id"), ["int(50)", "int(51)"])
    }

    /// A new-store table whose changes capture cannot key (no primary key): the cut-over is refused before the
    /// new store takes writes, naming the table, and the cohort stays in reads-new with legacy writable.
    func testACutOverIsRefusedWhenTheNewStoreCannotCaptureATable() throws {
        let f = try MigrationFixture(self, extra: #", "maxForwardLagSeconds": 3600"#)
        let new = try Database(path: f.newPath)
        try new.execute("CREATE TABLE orders (id INTEGER, tenant TEXT)")
        new.close()
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        XCTAssertThrowsError(try control.advance(name: "pilot", to: .cutOver, who: "x", why: nil, now: now)) {
            XCTAssertTrue("\($0)".hasPrefix("new store \(f.newPath): reverse capture not installed: table \"orders\" in \(f.newPath) has no primary key"), "\($0)")
        }
        XCTAssertEqual(try control.cohort("pilot").phase, .readsNew)
        XCTAssertEqual(try rows(f.legacyPath, "SELECT writes FROM _tandem_routing WHERE tenant = 'acme'"), [#"string("legacy")"#])
        XCTAssertEqual(try rows(f.newPath, "SELECT count(*) FROM sqlite_master WHERE name = '_tandem_changes'"), ["int(0)"])
    }
}

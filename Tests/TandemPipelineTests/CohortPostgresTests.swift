import Foundation
import TandemCore
import TandemPostgres
import TandemSQLite
import TandemSinks
import TandemSources
import XCTest
@testable import TandemPipeline

/// The new store on PostgreSQL: each phase is published to its `_tandem_routing` and its fence follows.
final class CohortPostgresTests: XCTestCase {
    func testRoutingAndFenceOfAPostgresNewStoreFollowThePhase() throws {
        let uri = try postgresDatabase(prefix: "cohort")
        let f = try MigrationFixture(self, newInto: uri)
        try f.applyToNew(try f.journal("acme", ids: [1], age: 0))
        let app = try PostgresConnection(conninfo: uri, redactor: PostgresRedactor(conninfo: uri))
        defer { app.close() }

        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        let now = Quarantine.now()
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        try f.recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .readsNew, who: "x", why: nil, now: now)
        let row = try app.query("SELECT phase, reads, writes FROM _tandem_routing WHERE tenant = 'acme'")
        XCTAssertEqual([row[0, 0], row[0, 1], row[0, 2]], ["reads-new", "new", "legacy"])
        XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (2, 'acme')")) {
            XCTAssertTrue("\($0)".contains("tandem: tenant acme writes to the legacy store since \(now.rfc3339)"), "\($0)")
        }
        _ = try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: now)
        try app.query("INSERT INTO orders (id, tenant) VALUES (2, 'acme')")
        XCTAssertEqual(try app.query("SELECT count(*) FROM orders")[0, 0], "2")
        let state = try RoutingStore(spec: f.config.sink(named: "new")!.spec, role: .new).fenceState(tables: control.tables(.new))
        XCTAssertEqual(state.fencedTables, ["orders"])
        XCTAssertTrue(state.refused.isEmpty)
    }
}

/// A PostgreSQL new store in the reverse flow: the cut-over installs capture there, and a rollback brings
/// what the application wrote there back to the legacy store before the flip.
final class ReverseDrainPostgresTests: XCTestCase {
    func testRollbackBringsThePostgresNewStoresWritesBackToLegacy() throws {
        let uri = try postgresDatabase(prefix: "reverse")
        let f = try MigrationFixture(self, newInto: uri)
        let now = Quarantine.now()
        let control = try f.pilotInCutOver(now: now)
        defer { control.state.close() }
        let app = try PostgresConnection(conninfo: uri, redactor: PostgresRedactor(conninfo: uri))
        defer { app.close() }
        try app.query("INSERT INTO orders (id, tenant) VALUES (60, 'acme')")

        XCTAssertEqual(try control.rollback(name: "pilot", who: "x", why: nil, now: now).phase, .rolledBack)
        let legacy = try Database(path: f.legacyPath)
        defer { legacy.close() }
        XCTAssertEqual(try legacy.scalar("SELECT mandant FROM bestellungen WHERE id = 60"), .string("acme"))
        XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (61, 'acme')")) {  // new is fenced again
            XCTAssertTrue("\($0)".contains("tandem: tenant acme writes to the legacy store since "), "\($0)")
        }
    }
}

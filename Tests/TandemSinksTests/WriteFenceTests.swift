import Foundation
import TandemCore
import TandemPostgres
import TandemSQLite
import TandemTesting
import XCTest
@testable import TandemSinks

/// Write fences (issue 13): a store that is not authoritative for a tenant's writes refuses the application's
/// writes for that tenant with the fence's message, while Tandem's own applying transaction passes.
final class WriteFenceTests: XCTestCase {
    let acme = TenantRoute(tenant: "acme", cohort: "c1", phase: "cut-over", reads: "new", writes: "new", version: 3,
                           since: "2026-11-30T08:00:00Z")
    let bolt = TenantRoute(tenant: "bolt", cohort: "c2", phase: "reads-new", reads: "new", writes: "legacy", version: 2,
                           since: "2026-11-30T07:00:00Z")
    let table = FencedTable(table: "orders", tenantColumn: "tenant")

    func order(_ seq: UInt64, _ id: Int64, _ tenant: String, _ op: ChangeKind = .insert) -> Event {
        Event(seq: seq, txn: "t\(seq)", entity: "orders", key: ["id": .int(id)], op: op,
              before: op == .insert ? nil : ["id": .int(id), "tenant": .string(tenant)],
              after: op == .delete ? nil : ["id": .int(id), "tenant": .string(tenant), "n": .int(Int64(seq))])
    }

    func testSQLiteLegacyStoreRefusesAFencedTenantsWritesAndLetsTandemsPass() throws {
        let path = try TestStores.sqlitePath()
        let app = try Database(path: path)
        defer { app.close() }
        try app.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant TEXT, n INTEGER)")
        try app.execute("INSERT INTO orders VALUES (1, 'acme', 0), (2, 'bolt', 0)")
        let store = RoutingStore(spec: SinkSpec(kind: .sqlite(path: path, synchronous: .full)), role: .legacy)
        try store.publish([acme, bolt], tables: [table])

        let message = "tandem: tenant acme writes to the new store since 2026-11-30T08:00:00Z"
        for sql in ["INSERT INTO orders VALUES (3, 'acme', 0)", "UPDATE orders SET n = 5 WHERE id = 1", "DELETE FROM orders WHERE id = 1",
                    "UPDATE orders SET tenant = 'acme' WHERE id = 2"] {
            XCTAssertThrowsError(try app.execute(sql), sql) { XCTAssertEqual(($0 as? SQLiteError)?.message, message, sql) }
        }
        // bolt still writes to legacy: its writes pass here.
        try app.execute("INSERT INTO orders VALUES (4, 'bolt', 1)")
        try app.execute("UPDATE orders SET n = 2 WHERE id = 2")

        // Tandem's own applying transaction (reverse replication into legacy) passes the fence.
        let sink = try SQLiteSink(path: path, name: "reverse")
        defer { sink.close() }
        try sink.apply([order(1, 3, "acme"), order(2, 1, "acme", .update)], journalID: "j")
        XCTAssertEqual(try app.scalar("SELECT count(*) FROM orders WHERE tenant = 'acme'"), .int(2))
        XCTAssertEqual(try app.scalar("SELECT count(*) FROM _tandem_applying"), .int(0), "the marker never stays committed")
        // And after Tandem's transaction, the application is fenced again.
        XCTAssertThrowsError(try app.execute("INSERT INTO orders VALUES (9, 'acme', 0)"))

        XCTAssertEqual(try store.fenceState(tables: [table, FencedTable(table: "missing", tenantColumn: "t")]),
                       FenceState(fencedTables: ["orders"], unfencedTables: ["missing"], refused: [("acme", message)]))
        // Lifting the fence (acme back to legacy) lets the application write again.
        var back = acme; back.writes = "legacy"; back.version = 4
        try store.publish([back], tables: [table])
        try app.execute("INSERT INTO orders VALUES (10, 'acme', 0)")
    }

    func testSQLiteNewStoreRefusesTenantsStillWritingLegacyAndMovingTenants() throws {
        let path = try TestStores.sqlitePath()
        let app = try Database(path: path)
        defer { app.close() }
        try app.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant TEXT, n INTEGER)")
        var moving = acme; moving.writes = "moving"
        try RoutingStore(spec: SinkSpec(kind: .sqlite(path: path, synchronous: .full)), role: .new).publish([moving, bolt], tables: [table])
        XCTAssertThrowsError(try app.execute("INSERT INTO orders VALUES (1, 'bolt', 0)")) {
            XCTAssertEqual(($0 as? SQLiteError)?.message, "tandem: tenant bolt writes to the legacy store since 2026-11-30T07:00:00Z")
        }
        XCTAssertThrowsError(try app.execute("INSERT INTO orders VALUES (1, 'acme', 0)")) {
            XCTAssertEqual(($0 as? SQLiteError)?.message,
                           "tandem: tenant acme is moving between stores since 2026-11-30T08:00:00Z; retry in a moment")
        }
        try app.execute("INSERT INTO orders VALUES (1, 'zed', 0)")  // in no cohort: not fenced
        let sink = try SQLiteSink(path: path, name: "new")
        defer { sink.close() }
        try sink.apply([order(1, 2, "bolt"), order(2, 3, "acme")], journalID: "j")  // forward replication passes
        XCTAssertEqual(try app.scalar("SELECT count(*) FROM orders"), .int(3))
    }

    func testPostgresStoreRefusesAFencedTenantsWritesAndLetsTandemsPass() throws {
        let conninfo = try TestStores.postgresDatabase()
        let app = try PostgresConnection(conninfo: conninfo, redactor: PostgresRedactor(conninfo: conninfo))
        defer { app.close() }
        try app.query("CREATE TABLE orders (id bigint PRIMARY KEY, tenant text, n bigint)")
        try app.query("INSERT INTO orders VALUES (1, 'acme', 0), (2, 'bolt', 0)")
        let store = RoutingStore(spec: SinkSpec(kind: .postgres(conninfo: conninfo)), role: .legacy)
        try store.publish([acme, bolt], tables: [table])
        for sql in ["INSERT INTO orders VALUES (3, 'acme', 0)", "UPDATE orders SET n = 5 WHERE id = 1", "DELETE FROM orders WHERE id = 1"] {
            XCTAssertThrowsError(try app.query(sql), sql) {
                XCTAssertTrue("\($0)".contains("tandem: tenant acme writes to the new store since 2026-11-30T08:00:00Z"), "\($0)")
            }
        }
        try app.query("INSERT INTO orders VALUES (4, 'bolt', 1)")
        let sink = try PostgresSink(conninfo: conninfo, name: "reverse")
        defer { sink.close() }
        try sink.apply([order(1, 3, "acme"), order(2, 1, "acme", .update)], journalID: "j")
        XCTAssertEqual(try app.query("SELECT count(*) FROM orders WHERE tenant = 'acme'")[0, 0], "2")
        XCTAssertThrowsError(try app.query("INSERT INTO orders VALUES (9, 'acme', 0)"))
        // The setting is local to Tandem's transaction: the application's session never has it.
        XCTAssertEqual(try app.query("SELECT coalesce(current_setting('tandem.applying', true), '')")[0, 0], "")
        let state = try store.fenceState(tables: [table])
        XCTAssertEqual(state.fencedTables, ["orders"])
        XCTAssertEqual(state.refused.map(\.tenant), ["acme"])
        XCTAssertEqual(try store.routes(), [acme, bolt])
    }

    /// A legacy store that is not there is an error, never a new empty database.
    func testPublishingToAMissingLegacyStoreFailsWithoutCreatingIt() throws {
        let path = try TestStores.temporaryDirectory() + "/legacy.db"
        XCTAssertThrowsError(try RoutingStore(spec: SinkSpec(kind: .sqlite(path: path, synchronous: .full)), role: .legacy)
            .publish([acme], tables: [table])) { XCTAssertTrue("\($0)".contains("sqlite:\(path)"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// Beyond 100 fenced tenants a SQLite store names the cohort in its message (the triggers stay small).
    func testASQLiteStoreFencingManyTenantsNamesTheirCohort() throws {
        let path = try TestStores.sqlitePath()
        let app = try Database(path: path)
        defer { app.close() }
        try app.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant INTEGER, n INTEGER)")
        let many = (1...150).map { TenantRoute(tenant: String($0), cohort: "big", phase: "cut-over", reads: "new", writes: "new", version: 1,
                                               since: "2026-11-30T08:00:00Z") }
        try RoutingStore(spec: SinkSpec(kind: .sqlite(path: path, synchronous: .full)), role: .legacy).publish(many + [bolt], tables: [table])
        XCTAssertThrowsError(try app.execute("INSERT INTO orders VALUES (1, 42, 0)")) {  // an integer tenant column matches its text
            XCTAssertEqual(($0 as? SQLiteError)?.message, "tandem: tenant of cohort big writes to the new store since 2026-11-30T08:00:00Z")
        }
        try app.execute("INSERT INTO orders VALUES (2, 151, 0)")
        let sink = try SQLiteSink(path: path, name: "reverse")
        defer { sink.close() }
        try sink.apply([Event(seq: 1, txn: "t1", entity: "orders", key: ["id": .int(3)], op: .insert,
                              after: ["id": .int(3), "tenant": .int(42), "n": .int(1)])], journalID: "j")
        XCTAssertEqual(try app.scalar("SELECT count(*) FROM orders"), .int(2))
    }
}

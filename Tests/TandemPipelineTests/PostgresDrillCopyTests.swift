import Foundation
import TandemCore
import TandemPostgres
import TandemSinks
import TandemSources
import XCTest
@testable import TandemPipeline

/// The drill's PostgreSQL copy (`PostgresDrillCopy`): a scratch database on the same server holding the migrated
/// tables and Tandem's own as one snapshot shows them, with what the rehearsal needs of their definitions
/// (sequences going on from the live values, identity and generated columns, constraints, indexes, fences,
/// capture), and nothing else. Needs the test cluster (TANDEM_TEST_POSTGRES).
final class PostgresDrillCopyTests: XCTestCase {
    func testTheScratchDatabaseHoldsTheSnapshotAndWhatTheRehearsalNeedsOfTheDefinitions() throws {
        guard let base = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let admin = try PostgresConnection(conninfo: base, redactor: PostgresRedactor(conninfo: base))
        let name = "drillcopy_" + UUID().uuidString.prefix(8).lowercased()
        try admin.query("CREATE DATABASE \(name)")
        addTeardownBlock {
            for n in (try? admin.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [name + "%"])).map { r in (0..<r.count).compactMap { r[$0, 0] } } ?? [] {
                _ = try? admin.query("DROP DATABASE IF EXISTS \(n) WITH (FORCE)")
            }
            admin.close()
        }
        var url = try XCTUnwrap(URLComponents(string: base))
        url.path = "/" + name
        let live = try XCTUnwrap(url.string)
        let c = try PostgresConnection(conninfo: live, redactor: PostgresRedactor(conninfo: live))
        defer { c.close() }
        try c.query("SET client_min_messages = warning")
        try c.query("""
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN positive AS integer NOT NULL CHECK (VALUE > 0);
            CREATE TABLE orders (id serial PRIMARY KEY, tenant text NOT NULL, note text, amount numeric(10,2) CHECK (amount >= 0),
                mood mood DEFAULT 'ok', moods mood[], qty positive DEFAULT 1,
                doubled numeric GENERATED ALWAYS AS (amount * 2) STORED, raw bytea, at timestamptz DEFAULT now());
            CREATE INDEX orders_tenant ON orders (tenant);
            CREATE TABLE events (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id int REFERENCES orders (id), body text);
            CREATE TABLE unrelated (x int);
            INSERT INTO orders (tenant, note, amount, raw, moods)
                SELECT CASE WHEN i % 2 = 0 THEN 'acme' ELSE 'bolt' END, CASE WHEN i % 7 = 0 THEN NULL ELSE E'tab\\there\\nline \\\\ ü ' || i END,
                       i / 100.0, decode(md5(i::text), 'hex'), ARRAY['sad', 'happy']::mood[] FROM generate_series(1, 3000) i;
            INSERT INTO events (order_id, body) SELECT i, 'e' || i FROM generate_series(1, 5) i;
            """)
        let tables = [FencedTable(table: "orders", tenantColumn: "tenant"), FencedTable(table: "events", tenantColumn: "body")]
        try RoutingStore(spec: SinkSpec(kind: .postgres(conninfo: live)), role: .new).publish(
            [TenantRoute(tenant: "acme", cohort: "pilot", phase: "reads-new", reads: "new", writes: "legacy", version: 1, since: "2026-01-01T00:00:00Z")],
            tables: [tables[0]])
        try PostgresChangeTableTriggers.install(c, tables: ["orders"])
        try c.query("UPDATE orders SET note = 'changed' WHERE id IN (1, 3)")  // bolt's: captured; acme's refused below

        let copy = try PostgresDrillCopy.take(live: live, role: .new, tables: tables, withoutRows: ["events"])
        XCTAssertTrue(copy.name.hasPrefix(name + "_tandem_drill_"), copy.name)
        XCTAssertFalse(copy.conninfo.contains("postgres://"), "key=value form, whatever the live one's")
        let s = try PostgresConnection(conninfo: copy.conninfo, redactor: PostgresRedactor(conninfo: copy.conninfo))
        func all(_ db: PostgresConnection, _ sql: String) throws -> [String] { let r = try db.query(sql); return (0..<r.count).map { r[$0, 0] ?? "NULL" } }
        let tableList = "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1"
        XCTAssertEqual(try all(s, tableList), ["_tandem_changes", "_tandem_routing", "events", "orders"])
        for q in ["SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM orders t",
                  "SELECT string_agg(t::text, '|' ORDER BY id) FROM _tandem_changes t", "SELECT string_agg(t::text, '|') FROM _tandem_routing t"] {
            XCTAssertEqual(try all(s, q), try all(c, q), q)
        }
        XCTAssertEqual(try all(s, "SELECT count(*) FROM events"), ["0"], "its rows left out, as asked")
        XCTAssertEqual(try all(s, "SELECT count(*) FROM _tandem_changes"), ["2"])
        XCTAssertEqual(try all(s, "SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY 1"), ["orders_pkey", "orders_tenant"])
        XCTAssertEqual(try all(s, "SELECT tgname FROM pg_trigger WHERE tgrelid = 'orders'::regclass ORDER BY 1"), ["_tandem_fence", "_tandem_orders_capture"])
        XCTAssertEqual(try all(s, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'events'::regclass AND tgname LIKE '\\_tandem%'"), ["0"])

        // Sequences go on from the live values; the generated column computes; the check and the fence hold.
        XCTAssertEqual(try all(s, "INSERT INTO orders (tenant, amount) VALUES ('bolt', 1.5) RETURNING id, doubled"), ["3001"])
        XCTAssertEqual(try all(s, "SELECT doubled FROM orders WHERE id = 3001"), ["3.00"])
        XCTAssertEqual(try all(s, "INSERT INTO events (body) VALUES ('x') RETURNING seq"), ["6"], "the identity goes on from the live value")
        XCTAssertEqual(try all(s, "SELECT max(id) > (SELECT max(id) FROM _tandem_changes WHERE op = 'update' OR op = 'delete') FROM _tandem_changes"), ["t"])
        XCTAssertThrowsError(try s.query("INSERT INTO orders (tenant, amount) VALUES ('bolt', -1)")) { XCTAssertTrue("\($0)".contains("orders_amount_check"), "\($0)") }
        XCTAssertThrowsError(try s.query("INSERT INTO orders (tenant, qty) VALUES ('bolt', 0)")) { XCTAssertTrue("\($0)".contains("positive_check"), "\($0)") }
        XCTAssertEqual(try all(s, "SELECT enum_range(NULL::mood)::text"), ["{sad,ok,happy}"])
        XCTAssertThrowsError(try s.query("UPDATE orders SET note = 'x' WHERE id = 2")) { XCTAssertTrue("\($0)".contains("tandem: tenant acme writes to the legacy store"), "\($0)") }
        s.close()

        // The live database is as it was; the copy's database goes with drop().
        XCTAssertEqual(try all(c, tableList), ["_tandem_changes", "_tandem_routing", "events", "orders", "unrelated"])
        XCTAssertEqual(try all(c, "SELECT max(id) FROM orders"), ["3000"])
        XCTAssertNil(copy.drop())
        XCTAssertEqual(try all(admin, "SELECT count(*) FROM pg_database WHERE datname = '\(copy.name)'"), ["0"])
    }

    /// `PostgresConnection.copy` when one side refuses: the reason is thrown, the target keeps nothing of the
    /// statement, and both connections take the next statement.
    func testACopyRefusedByEitherSideThrowsItsReasonAndLeavesBothConnectionsUsable() throws {
        guard let base = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let src = try PostgresConnection(conninfo: base, redactor: PostgresRedactor(conninfo: base))
        let dst = try PostgresConnection(conninfo: base, redactor: PostgresRedactor(conninfo: base))
        defer { src.close(); dst.close() }
        let t = "copy_" + UUID().uuidString.prefix(8).lowercased()
        try src.query("CREATE TABLE \(t)_from (x integer); INSERT INTO \(t)_from SELECT generate_series(1, 1000)")
        try src.query("CREATE TABLE \(t)_to (x integer CHECK (x < 500))")
        defer { _ = try? src.query("DROP TABLE \(t)_from, \(t)_to") }

        XCTAssertThrowsError(try src.copy("COPY \(t)_from TO STDOUT", into: dst, "COPY \(t)_to FROM STDIN")) {
            guard case .server(_, let state, let message, _, _)? = $0 as? PostgresError else { return XCTFail("\($0)") }
            XCTAssertEqual(state, "23514")
            XCTAssertTrue(message.contains("\(t)_to_x_check"), message)
        }
        XCTAssertEqual(try dst.query("SELECT count(*) FROM \(t)_to")[0, 0], "0")
        XCTAssertEqual(try src.query("SELECT count(*) FROM \(t)_from")[0, 0], "1000")

        XCTAssertThrowsError(try src.copy("COPY \(t)_missing TO STDOUT", into: dst, "COPY \(t)_to FROM STDIN")) {
            guard case .server(_, let state, _, _, _)? = $0 as? PostgresError else { return XCTFail("\($0)") }
            XCTAssertEqual(state, "42P01")
        }
        XCTAssertThrowsError(try src.copy("COPY \(t)_from TO STDOUT", into: dst, "COPY \(t)_missing FROM STDIN")) {
            guard case .server(_, let state, _, _, _)? = $0 as? PostgresError else { return XCTFail("\($0)") }
            XCTAssertEqual(state, "42P01")
        }
        try dst.query("ALTER TABLE \(t)_to DROP CONSTRAINT \(t)_to_x_check")
        XCTAssertGreaterThan(try src.copy("COPY \(t)_from TO STDOUT", into: dst, "COPY \(t)_to FROM STDIN"), 0)
        XCTAssertEqual(try dst.query("SELECT count(*), sum(x) FROM \(t)_to")[0, 1], "500500")
    }

    /// The live database's own settings go with the copy: with `search_path` set on the database, the migrated
    /// table lives in another schema and Tandem names it unqualified.
    func testTheLiveDatabasesSettingsGoWithTheCopy() throws {
        guard let base = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let admin = try PostgresConnection(conninfo: base, redactor: PostgresRedactor(conninfo: base))
        let name = "drillset_" + UUID().uuidString.prefix(8).lowercased()
        try admin.query("CREATE DATABASE \(name)")
        addTeardownBlock {
            _ = try? admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            admin.close()
        }
        try admin.query(#"ALTER DATABASE \#(name) SET search_path = app, "Odd ""Name""", public"#)
        try admin.query("ALTER DATABASE \(name) SET work_mem = '8MB'")
        var url = try XCTUnwrap(URLComponents(string: base))
        url.path = "/" + name
        let live = try XCTUnwrap(url.string)
        let c = try PostgresConnection(conninfo: live, redactor: PostgresRedactor(conninfo: live))
        defer { c.close() }
        try c.query("CREATE SCHEMA app; CREATE TABLE orders (id integer PRIMARY KEY, tenant text); INSERT INTO orders VALUES (1, 'acme')")
        let which = "SELECT relnamespace::regnamespace::text || ' ' || (SELECT count(*) FROM orders) FROM pg_class WHERE oid = to_regclass('orders')"
        XCTAssertEqual(try c.query(which)[0, 0], "app 1")

        let copy = try PostgresDrillCopy.take(live: live, role: .new, tables: [FencedTable(table: "orders", tenantColumn: "tenant")])
        defer { XCTAssertNil(copy.drop()) }
        let s = try PostgresConnection(conninfo: copy.conninfo, redactor: PostgresRedactor(conninfo: copy.conninfo))
        defer { s.close() }
        XCTAssertEqual(try s.query("SHOW search_path")[0, 0], #"app, "Odd ""Name""", public"#)
        XCTAssertEqual(try s.query("SHOW work_mem")[0, 0], "8MB")
        XCTAssertEqual(try s.query(which)[0, 0], "app 1")
    }
}

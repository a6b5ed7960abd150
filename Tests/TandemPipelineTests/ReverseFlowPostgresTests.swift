import Foundation
import TandemTesting
import XCTest
import TandemCore
import TandemPostgres
import TandemSQLite
import TandemSinks
import TandemSources
@testable import TandemPipeline

/// Reverse replication from a PostgreSQL new store (postgres-changelog) to a legacy SQLite store, on the real
/// cluster (TANDEM_TEST_POSTGRES): the application's write goes back typed, Tandem's own applying transaction
/// is not captured.
final class ReverseFlowPostgresTests: XCTestCase {
    func testAWriteOnThePostgresStoreReachesTheLegacyStore() throws {
        let env = ProcessInfo.processInfo.environment
        guard let base = env["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if env["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let r = try PostgresRedactor(conninfo: base)
        let admin = try PostgresConnection(conninfo: base, redactor: r)
        let name = "rev_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try admin.query("CREATE DATABASE \(name)")
        admin.close()
        let conninfo = (["dbname=\(name)"] + ["host", "port", "user", "password"].compactMap { k in r.fields[k].map { "\(k)=\($0)" } })
            .joined(separator: " ")
        let pg = try PostgresConnection(conninfo: conninfo, redactor: PostgresRedactor(conninfo: conninfo))
        defer { pg.close() }
        try pg.query("""
            CREATE TABLE invoices (id integer PRIMARY KEY, customer text NOT NULL, total numeric(10,2), invoiced_at timestamptz);
            INSERT INTO invoices VALUES (1, 'acme', 1.98, '2009-01-01 09:00:00+00');
            """)
        try PostgresChangeTableTriggers.install(pg, tables: ["invoices"])

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-revpg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let legacy = try Database(path: dir + "/legacy.db")
        defer { legacy.close() }
        try legacy.execute("""
            CREATE TABLE Invoice (InvoiceId INTEGER PRIMARY KEY, Customer TEXT, Total NUMERIC(10,2), InvoiceDate DATETIME, Fax TEXT);
            INSERT INTO Invoice VALUES (1, 'acme', 1.98, '2009-01-01 10:00:00', '+49 711 0');
            """)
        let mapping = try Mapping.parse(Data(#"""
        {"entities": {"Invoice": {"target": "invoices", "tenant": "customer", "columns": {
          "InvoiceId": "id", "Customer": "customer", "Total": {"rename": "total", "type": "decimal"},
          "InvoiceDate": {"rename": "invoiced_at", "transforms": [{"parseTimestamp": "%Y-%m-%d %H:%M:%S", "zone": "Europe/Berlin"}]},
          "Fax": false}}}}
        """#.utf8))

        try pg.query("UPDATE invoices SET total = 13.86, invoiced_at = '2013-07-14 21:59:59+00' WHERE id = 1")
        try pg.query("BEGIN; SET LOCAL tandem.applying = 'on'; INSERT INTO invoices VALUES (2, 'acme', 0.99, now()); COMMIT;")

        var settings = ReverseFlow.Settings(source: try SourceSpec.parse("postgres-changelog:\(conninfo)"), journal: dir + "/reverse-journal",
                                            legacy: try SinkSpec.parse("sqlite:\(dir)/legacy.db"), tenants: ["acme"])
        settings.legacySchemas = try SQLiteChangeLogSource.declaredSchemas(legacy, tables: ["Invoice"])
        let pass = try ReverseFlow(mapping: mapping, settings: settings).runOnce()
        XCTAssertEqual(pass, ReverseFlow.Pass(journaled: 1, quarantined: 0, applied: 1, filtered: 0))
        let st = try legacy.prepare("SELECT InvoiceId, Total, typeof(Total), InvoiceDate, Fax FROM Invoice ORDER BY InvoiceId")
        var rows: [String] = []
        while try st.step() { rows.append((0..<5).map { "\(st.value(at: Int32($0)))" }.joined(separator: "|")) }
        XCTAssertEqual(rows, ["int(1)|double(13.86)|string(\"real\")|string(\"2013-07-14 23:59:59\")|string(\"+49 711 0\")"])
    }
}

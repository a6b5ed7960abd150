import Foundation
import XCTest
import TandemTesting

/// Promise (issue 10, "Schema: from declared types"): a legacy SQLite database in the shape of the Chinook and
/// Northwind samples, captured by triggers, ingested and replayed with no hand-made schema, arrives in SQLite
/// and PostgreSQL value for value and type for type — target types come from the declared types, never from
/// the first value a batch carries (Northwind's UnitPrice 14, then 9.8).
final class SampleDatabaseTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let tables: [(name: String, key: String)] = [("Genre", "GenreId"), ("Track", "TrackId"), ("Invoice", "InvoiceId"),
                                                         ("Employees", "EmployeeID"), ("Order Details", "OrderID, ProductID"),
                                                         ("legacy_notes", "id")]

    /// The sample's legacy database with triggers installed and the workload run, and its journal after ingest.
    func ingestedSample(_ dir: URL) throws -> (db: String, journal: String) {
        let db = dir.appendingPathComponent("legacy.db").path, journal = dir.appendingPathComponent("journal").path
        _ = try sqlite3(db, "\n" + String(contentsOf: Self.fixtures.appendingPathComponent("sample-schema.sql"), encoding: .utf8))
        let install = try CLI.run(["source", "install-triggers", "--db", db, "--tables", Self.tables.map(\.name).joined(separator: ",")])
        XCTAssertEqual(install.status, 0, install.stderr)
        _ = try sqlite3(db, "\n" + String(contentsOf: Self.fixtures.appendingPathComponent("sample-workload.sql"), encoding: .utf8))
        let ingest = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        return (db, journal)
    }

    /// Every row of every table as `typeof:quote` per column, in key order.
    func sqliteRows(_ db: String, _ table: String, key: String) throws -> String {
        let cols = try sqlite3(db, "SELECT name FROM pragma_table_info('\(table)') ORDER BY cid").split(separator: "\n")
        let cells = cols.map { "typeof(\"\($0)\") || ':' || quote(\"\($0)\")" }.joined(separator: " || ' | ' || ")
        let keyList = key.split(separator: ",").map { "\"\($0.trimmingCharacters(in: .whitespaces))\"" }.joined(separator: ", ")
        return try sqlite3(db, "SELECT \(cells) FROM \"\(table)\" ORDER BY \(keyList)")
    }

    func testSampleDatabasesReplayIntoSQLiteValueForValueAndTypeForType() throws {
        let dir = try temporaryDirectory(self)
        let (db, journal) = try ingestedSample(dir)
        for batch in ["1", "10000"] {
            let target = dir.appendingPathComponent("target-\(batch).db").path
            let replay = try CLI.run(["replay", "--journal", journal, "--into", "sqlite:\(target)", "--batch", batch])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            for (t, key) in Self.tables {
                let source = try sqliteRows(db, t, key: key)
                XCTAssertFalse(source.isEmpty, t)
                XCTAssertEqual(try sqliteRows(target, t, key: key), source, "table \(t), --batch \(batch)")
            }
            // The declared affinities, not guesses: Order Details.UnitPrice keeps 14 INTEGER and 9.8 REAL.
            XCTAssertEqual(try sqlite3(target, "SELECT typeof(UnitPrice) || ' ' || UnitPrice FROM [Order Details] ORDER BY ProductID"),
                           "integer 15\nreal 9.8\nreal 34.8\n")
        }
    }

    func testSampleDatabasesReplayIntoPostgresWithDeclaredTypes() throws {
        guard let base = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let dir = try temporaryDirectory(self)
        let (db, journal) = try ingestedSample(dir)
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try psql(base, "CREATE DATABASE \(name)")
        let url = Self.database(name, in: base)
        for batch in ["1", "10000"] {
            let sink = "{\"kind\":\"postgres\",\"url\":\"\(url)\",\"name\":\"b\(batch)\"}"
            if batch == "10000" { _ = try psql(url, "DROP TABLE \"Genre\", \"Track\", \"Invoice\", \"Employees\", \"Order Details\", legacy_notes; DELETE FROM _tandem_tables") }
            let replay = try CLI.run(["replay", "--journal", journal, "--into", sink, "--batch", batch])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            let types = try psql(url, """
                SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
                WHERE table_name IN ('Order Details', 'Track', 'Invoice', 'Employees', 'legacy_notes')
                  AND column_name IN ('UnitPrice', 'Milliseconds', 'Total', 'InvoiceDate', 'Photo', 'Discount', 'note', 'weight', 'ratio')
                ORDER BY 1
                """)
            XCTAssertEqual(types, """
                Employees.Photo bytea
                Invoice.InvoiceDate text
                Invoice.Total numeric
                Order Details.Discount double precision
                Order Details.UnitPrice numeric
                Track.Milliseconds bigint
                Track.UnitPrice numeric
                legacy_notes.note jsonb
                legacy_notes.ratio double precision
                legacy_notes.weight numeric

                """, "--batch \(batch)")
            // Value for value, against the source (numbers compared as text where both spell them alike).
            XCTAssertEqual(try psql(url, "SELECT \"ProductID\" || ' ' || \"UnitPrice\" || ' ' || \"Quantity\" || ' ' || \"Discount\" FROM \"Order Details\" ORDER BY 1"),
                           try sqlite3(db, "SELECT ProductID || ' ' || UnitPrice || ' ' || Quantity || ' ' || CASE WHEN Discount = 0 THEN '0' ELSE Discount END FROM [Order Details] ORDER BY 1"))
            XCTAssertEqual(try psql(url, "SELECT \"InvoiceId\" || ' ' || \"InvoiceDate\" || ' ' || \"Total\" || ' ' || coalesce(\"BillingState\", '-') || ' ' || \"BillingAddress\" FROM \"Invoice\" ORDER BY 1"),
                           try sqlite3(db, "SELECT InvoiceId || ' ' || InvoiceDate || ' ' || Total || ' ' || coalesce(BillingState, '-') || ' ' || BillingAddress FROM Invoice ORDER BY 1"))
            XCTAssertEqual(try psql(url, "SELECT \"TrackId\" || ' ' || \"Milliseconds\" || ' ' || coalesce(\"Bytes\"::text, '-') || ' ' || \"UnitPrice\" || ' ' || coalesce(\"Composer\", '-') FROM \"Track\" ORDER BY 1"),
                           try sqlite3(db, "SELECT TrackId || ' ' || Milliseconds || ' ' || coalesce(Bytes, '-') || ' ' || UnitPrice || ' ' || coalesce(Composer, '-') FROM Track ORDER BY 1"))
            XCTAssertEqual(try psql(url, "SELECT \"EmployeeID\" || ' ' || coalesce(encode(\"Photo\", 'hex'), '-') || ' ' || \"BirthDate\" FROM \"Employees\" ORDER BY 1"),
                           try sqlite3(db, "SELECT EmployeeID || ' ' || CASE WHEN Photo IS NULL THEN '-' ELSE lower(hex(Photo)) END || ' ' || BirthDate FROM Employees ORDER BY 1"))
            // The column of no declared type keeps each value's type: text stays text, numbers numbers, bytes bytes.
            XCTAssertEqual(try psql(url, "SELECT id || ' ' || coalesce(note::text, '-') || ' ' || coalesce(jsonb_typeof(note), '-') FROM legacy_notes ORDER BY id"), """
                1 - -
                2 "plain text" string
                3 "now text" string
                4 2.5 number
                5 {"bytes": "AP8="} object

                """)
            XCTAssertEqual(try psql(url, "SELECT id || ' ' || coalesce(weight::text, '-') || ' ' || coalesce(ratio::text, '-') FROM legacy_notes ORDER BY id"),
                           "1 - -\n2 22 22.5\n3 7.25 22\n4 - -\n5 - 0.5\n")
        }
    }

    func testSchemaPlanPrintsTheTablesReplayWouldCreateForAnOperatorToApply() throws {
        let dir = try temporaryDirectory(self)
        let (db, journal) = try ingestedSample(dir)
        let sqlite = try CLI.run(["schema", "plan", "--source", "sqlite-changelog:\(db)", "--into", "sqlite:\(dir.path)/unused.db"])
        XCTAssertEqual(sqlite.status, 0, sqlite.stderr)
        XCTAssertTrue(sqlite.stdout.contains("""
            CREATE TABLE "Order Details" (
                "OrderID" INTEGER,
                "ProductID" INTEGER,
                "UnitPrice" NUMERIC,
                "Quantity" INTEGER,
                "Discount" REAL,
                PRIMARY KEY ("OrderID", "ProductID")
            );
            """), sqlite.stdout)
        XCTAssertTrue(sqlite.stdout.contains("CREATE TABLE \"legacy_notes\" (\n    \"id\" INTEGER PRIMARY KEY,\n    \"note\",\n"), sqlite.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/unused.db"), "plan touches no store")
        // The operator applies the SQLite plan by hand; replay then fills those tables, value for value.
        let target = dir.appendingPathComponent("planned.db").path
        _ = try sqlite3(target, "\n" + sqlite.stdout)
        let replay = try CLI.run(["replay", "--journal", journal, "--into", "sqlite:\(target)"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        for (t, key) in Self.tables { XCTAssertEqual(try sqliteRows(target, t, key: key), try sqliteRows(db, t, key: key), t) }

        let pg = try CLI.run(["schema", "plan", "--source", "sqlite-changelog:\(db)", "--into", "postgres:///nowhere?host=/nonexistent"])
        XCTAssertEqual(pg.status, 0, pg.stderr)
        XCTAssertTrue(pg.stdout.contains("""
            CREATE TABLE "Invoice" (
                "InvoiceId" bigint,
                "CustomerId" bigint,
                "InvoiceDate" text,
            """), pg.stdout)
        XCTAssertTrue(pg.stdout.contains("    \"Total\" numeric,\n    PRIMARY KEY (\"InvoiceId\")\n);"), pg.stdout)
        XCTAssertTrue(pg.stdout.contains("    \"Photo\" bytea,"), pg.stdout)
        XCTAssertTrue(pg.stdout.contains("    \"note\" jsonb,"), pg.stdout)
    }

    func testSchemaPlanReadsTheTypesOfADebeziumLogsSchemaBlocks() throws {
        let log = Self.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TandemSourcesTests/Fixtures/debezium/typed-with-schema.jsonl").path
        let r = try CLI.run(["schema", "plan", "--source", "jsonl:\(log)?format=debezium", "--into", "postgres:///x?host=/nonexistent"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for line in ["\"id\" bigint,", "\"total\" numeric(10,2),", "\"refund\" numeric,", "\"created\" timestamptz,",
                     "\"rate\" numeric,", "\"paid\" boolean,", "\"weight\" double precision"] {
            XCTAssertTrue(r.stdout.contains("    " + line), "\(line) in \(r.stdout)")
        }
        let none = try CLI.run(["schema", "plan", "--source", "jsonl:\(log)", "--into", "sqlite:x.db"])
        XCTAssertEqual(none.status, 64, none.stdout)
        XCTAssertTrue(none.stderr.contains("declares no table and the mapping types no column"), none.stderr)
    }

    /// `postgres:///NAME?…` of the test cluster's URL `base`.
    static func database(_ name: String, in base: String) -> String {
        guard let q = base.firstIndex(of: "?") else { return base + name }
        return "postgres:///\(name)" + base[q...]
    }

    /// Runs `psql` (unaligned, tuples only) and returns its output.
    func psql(_ url: String, _ sql: String) throws -> String {
        let r = try TandemCLITests.psql(["-At", "-d", url, "-c", sql])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }
}

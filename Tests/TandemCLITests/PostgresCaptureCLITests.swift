import Foundation
import TandemTesting
import XCTest

/// `tandem source install-triggers --db POSTGRES-URL` and `tandem ingest --source postgres-changelog:URL`, as an
/// operator runs them on the new store: its application's changes are journaled, Tandem's own are not.
final class PostgresCaptureCLITests: XCTestCase {
    func testInstallIngestAndReplayCaptureOnlyTheApplicationsWrites() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["TANDEM_TEST_POSTGRES"] != nil, let host = env["PGHOST"], let port = env["PGPORT"], let user = env["PGUSER"] else {
            if env["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let dir = try temporaryDirectory(self)
        let name = "rcap_" + UUID().uuidString.prefix(8).lowercased()
        XCTAssertEqual(try psql(["-d", "postgres", "-c", "CREATE DATABASE \(name)"]).status, 0)
        defer { _ = try? psql(["-d", "postgres", "-c", "DROP DATABASE IF EXISTS \(name)"]) }
        let url = "postgres:///\(name)?host=\(host)&port=\(port)&user=\(user)"
        func sql(_ text: String) throws {
            let r = try psql(["-d", name, "-c", text])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        try sql("CREATE TABLE tracks (id integer PRIMARY KEY, name text NOT NULL, unit_price numeric(10,2))")
        let install = try CLI.run(["source", "install-triggers", "--db", url, "--tables", "tracks"])
        XCTAssertEqual(install.status, 0, install.stderr)
        XCTAssertTrue(install.stdout.hasPrefix("installed change-capture triggers on tracks in postgres://"), install.stdout)

        try sql("INSERT INTO tracks VALUES (1, 'Balls to the Wall', 0.99)")
        try sql("BEGIN; SET LOCAL tandem.applying = 'on'; INSERT INTO tracks VALUES (2, 'applied by Tandem', 1.99); COMMIT;")
        try sql("UPDATE tracks SET unit_price = 1.29 WHERE id = 1")

        let journal = dir.appendingPathComponent("journal").path
        let ingest = try CLI.run(["ingest", "--source", "postgres-changelog:\(url)", "--journal", journal, "--once"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        let target = dir.appendingPathComponent("legacy.db").path
        let replay = try CLI.run(["replay", "--journal", journal, "--into", "sqlite:\(target)"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertEqual(try sqlite3(target, "SELECT id, name, unit_price FROM tracks ORDER BY id"), "1|Balls to the Wall|1.29\n",
                       "the row Tandem applied was captured back")

        // A second run resumes after what is journaled: nothing new, nothing twice.
        let again = try CLI.run(["ingest", "--source", "postgres-changelog:\(url)", "--journal", journal, "--once"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let events = try CLI.run(["journal", "inspect", journal]).stdout.split(separator: "\n")
        XCTAssertEqual(events.count, 2, "\(events)")
        XCTAssertTrue(events.first?.contains(#""op":"insert""#) == true && events.first?.contains(#""unit_price":{"decimal":"0.99"}"#) == true, "\(events)")
        XCTAssertTrue(events.last?.contains(#""op":"update""#) == true && events.last?.contains(#""sourcePosition":"2""#) == true, "\(events)")
    }
}

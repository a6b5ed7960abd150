import Foundation
import XCTest

/// "Fenced writes refused" through a real `tandem run` with the new store on PostgreSQL and the legacy one on
/// SQLite: each refused application write counts in `/status`, `/metrics`, the timeline and `tandem cohort
/// show`; the SQLite store says it cannot count (null and n/a, never 0).
final class FenceRefusalCLITests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    /// The cohort's `fencedWritesRefused` member of the running daemon's `/status`.
    func refused(_ daemon: DaemonProcess) throws -> [String: [String: Any]]? {
        let cohorts = try statusDocument(daemon)["cohorts"] as? [[String: Any]]
        return cohorts?.first { $0["name"] as? String == "pilot" }?["fencedWritesRefused"] as? [String: [String: Any]]
    }

    func testRefusedWritesToAPostgresNewStoreAreCountedEverywhere() throws {
        try requirePostgres()
        let pg = try XCTUnwrap(postgres)
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: dir.appendingPathComponent("mapping.json").path,
                                                                  atomically: true, encoding: .utf8)
        try (#"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "\#(pg.spec)"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db", "maxForwardLagSeconds": 30}}"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'g', 1);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        defer { daemon.signal(SIGTERM); daemon.waitForExit() }
        waitUntil("the legacy rows in PostgreSQL") { postgresRows().split(separator: "\n").count == 2 }
        XCTAssertEqual(try tandem(["cohort", "create", "pilot", "--tenants", "acme"]).status, 0)
        XCTAssertEqual(try tandem(["cohort", "advance", "pilot", "--to", "shadow"]).status, 0)
        let v = try tandem(["verify", "--cohort", "pilot", "--settle", "0.2"])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        let r = try tandem(["cohort", "advance", "pilot", "--to", "reads-new"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let sqlite = "SQLite cannot record a refused write; count it in the application"
        waitUntil("the daemon reads the counter at 0") { (try? refused(daemon))??["new"]?["count"] as? Int == 0 }
        let legacyFigure = try XCTUnwrap(try refused(daemon)?["legacy"])
        XCTAssertTrue(legacyFigure["count"] is NSNull, "\(legacyFigure)")
        XCTAssertEqual(legacyFigure["countable"] as? Bool, false)
        XCTAssertEqual(legacyFigure["reason"] as? String, sqlite)

        for n in 1...2 {
            let w = try psql(pg.psql + ["-v", "VERBOSITY=verbose", "-c", "INSERT INTO items VALUES (\(30 + n), 'acme', 'w', 1)"])
            XCTAssertNotEqual(w.status, 0)
            XCTAssertTrue(w.stderr.contains("P0001: tandem: tenant acme writes to the legacy store since "), w.stderr)
            waitUntil("the daemon shows \(n) refused") { (try? refused(daemon))??["new"]?["count"] as? Int == n }
        }
        XCTAssertEqual(try psql(pg.psql + ["-c", "SELECT count(*) FROM items WHERE id > 30"]).stdout, "0\n")

        let metrics = try get(daemon, "/metrics").body
        XCTAssertTrue(metrics.contains("\ntandem_cohort_fenced_writes_refused_total{cohort=\"pilot\",store=\"new\"} 2\n"), metrics)
        XCTAssertFalse(metrics.contains("tandem_cohort_fenced_writes_refused_total{cohort=\"pilot\",store=\"legacy\"}"), metrics)
        let timeline = try XCTUnwrap(try statusDocument(daemon)["timeline"] as? [[String: Any]])
        let lines = timeline.filter { $0["kind"] as? String == "refused" }.compactMap { $0["text"] as? String }
        XCTAssertEqual(lines, ["cohort pilot: the new store's fence refused 1 application write (2 in all)",
                               "cohort pilot: the new store's fence refused 1 application write (1 in all)"])

        let json = try tandem(["cohort", "show", "pilot", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let shown = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let figures = try XCTUnwrap(shown["fencedWritesRefused"] as? [String: [String: Any]], json.stdout)
        XCTAssertEqual(figures["new"]?["count"] as? Int, 2)
        XCTAssertEqual(figures["new"]?["countable"] as? Bool, true)
        XCTAssertTrue(figures["legacy"]?["count"] is NSNull)
        XCTAssertEqual(figures["legacy"]?["countable"] as? Bool, false)
        let text = try tandem(["cohort", "show", "pilot"])
        XCTAssertTrue(text.stdout.contains("\n  fenced writes refused: new store 2; legacy store n/a (\(sqlite))\n"), text.stdout)
    }
}

import Foundation
import XCTest

/// Reverse replication stops for a `done` cohort while another is in `cut-over`, through a real `tandem run`:
/// the new store's writes of the `cut-over` cohort go back to legacy, the `done` cohort's do not (passed over
/// and counted, never quarantined), and `advance --to done` first carries back every write made before it —
/// with the daemon running and with none (the command's own pass).
final class DoneCohortCLITests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    func ids(_ db: String) throws -> [Int] {
        try sqlite3(db, "SELECT id FROM items WHERE id >= 20000 ORDER BY id").split(separator: "\n").compactMap { Int($0) }
    }

    func testADoneCohortsNewStoreWritesStayThereWhileACutOverCohortsGoBack() throws {
        try writeMigrationConfig()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'g', 1);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        var running = true
        defer { if running { daemon.signal(SIGTERM); daemon.waitForExit() } }
        waitUntil("the legacy rows replicated") { sqliteRows().split(separator: "\n").count == 2 }
        for (cohort, tenant) in [("early", "acme"), ("late", "globex")] {
            XCTAssertEqual(try tandem(["cohort", "create", cohort, "--tenants", tenant]).status, 0)
            XCTAssertEqual(try tandem(["cohort", "advance", cohort, "--to", "shadow"]).status, 0)
            let v = try tandem(["verify", "--cohort", cohort, "--settle", "0.2"])
            XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
            let d = try tandem(["drill", "--cohort", cohort])
            XCTAssertEqual(d.status, 0, d.stdout + d.stderr)
            let r = try tandem(["cohort", "advance", cohort, "--to", "cut-over"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        }
        // Both in cut-over: both tenants' new-store writes go back.
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20001, 'acme', 'n', 1), (20002, 'globex', 'n', 1);")
        waitUntil("both new-store writes in legacy") { (try? ids(legacy)) == [20001, 20002] }

        // A write made just before `advance --to done` is in legacy when the command returns (it drained first).
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20003, 'acme', 'n', 1);")
        let done = try tandem(["cohort", "advance", "early", "--to", "done"])
        XCTAssertEqual([done.status.description, done.stdout], ["0", "cohort early: cut-over → done\n"], done.stderr)
        XCTAssertEqual(try ids(legacy), [20001, 20002, 20003])

        // early is done: its new-store write stays there; late's (made after it) goes back.
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20004, 'acme', 'n', 1);")
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20005, 'globex', 'n', 1);")
        waitUntil("late's write in legacy") { (try? ids(legacy))?.contains(20005) == true }
        XCTAssertEqual(try ids(legacy), [20001, 20002, 20003, 20005])
        let reverse = try XCTUnwrap(try statusDocument(daemon)["reverse"] as? [String: Any])
        XCTAssertEqual(reverse["filteredTotal"] as? Int, 1, "\(reverse)")
        XCTAssertEqual(reverse["journaledTotal"] as? Int, 4, "\(reverse)")
        XCTAssertEqual(reverse["tenants"] as? [String], ["globex"])
        XCTAssertTrue(try get(daemon, "/metrics").body.contains("\ntandem_reverse_filtered_total 1\n"))
        let quarantine = try CLI.run(["quarantine", "list", "--journal", journal + "-reverse"])
        XCTAssertFalse(quarantine.stdout.contains("20004"), "a filtered change is never quarantined: " + quarantine.stdout)

        // With no daemon, `advance --to done` carries the cohort's last write back itself before recording done.
        daemon.signal(SIGTERM); daemon.waitForExit(); running = false
        // The newest change is a done tenant's, passed over: the drain counts it as read, it does not wait for it.
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20006, 'globex', 'n', 1);")
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20007, 'acme', 'n', 1);")
        let late = try tandem(["cohort", "advance", "late", "--to", "done"])
        XCTAssertEqual(late.status, 0, late.stdout + late.stderr)
        XCTAssertEqual(try ids(legacy), [20001, 20002, 20003, 20005, 20006])
    }
}

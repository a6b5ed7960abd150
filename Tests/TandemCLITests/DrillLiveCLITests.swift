import Foundation
import XCTest

/// `tandem drill` beside a running migration, as the demo runs it: the daemon journals on while the copies are
/// taken (an application keeps writing legacy), and another cohort is already in cut-over, so the legacy store
/// holds the live reverse flow's checkpoint. The rehearsal must still pass: the copies' forward catch-up stops
/// at the live journal's event of the copy and goes on from the copy's change table, and the copies' reverse
/// flow keeps a journal (and a checkpoint) of its own.
final class DrillLiveCLITests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    func testADrillPassesWhileTheDaemonJournalsOnAndAnotherCohortIsInCutOver() throws {
        try writeMigrationConfig()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'g', 1), (3, 'initech', 'i', 1);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        defer { daemon.signal(SIGTERM); daemon.waitForExit() }
        waitUntil("the legacy rows replicated") { sqliteRows().split(separator: "\n").count == 3 }

        // Cohort early (acme) in cut-over, one of its new-store writes carried back: legacy holds the reverse checkpoint.
        func toReadsNew(_ cohort: String, _ tenant: String) throws {
            XCTAssertEqual(try tandem(["cohort", "create", cohort, "--tenants", tenant]).status, 0)
            XCTAssertEqual(try tandem(["cohort", "advance", cohort, "--to", "shadow"]).status, 0)
            let v = try tandem(["verify", "--cohort", cohort, "--settle", "0.2"])
            XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
            XCTAssertEqual(try tandem(["cohort", "advance", cohort, "--to", "reads-new"]).status, 0)
        }
        try toReadsNew("early", "acme")
        let first = try tandem(["drill", "--cohort", "early"])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(try tandem(["cohort", "advance", "early", "--to", "cut-over"]).status, 0)
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20001, 'acme', 'n', 1);")
        let legacyPath = legacy
        waitUntil("acme's new-store write in legacy") { (try? sqlite3(legacyPath, "SELECT 1 FROM items WHERE id = 20001")) == "1\n" }
        XCTAssertEqual(try sqlite3(legacy, "SELECT count(*) FROM _tandem_checkpoint WHERE sink = 'reverse'"), "1\n")

        // Cohort late (globex): its drill runs while an application writes initech's rows to legacy all along.
        try toReadsNew("late", "globex")
        let stop = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var id = 100
            while stop.wait(timeout: .now() + .milliseconds(5)) == .timedOut {
                id += 1
                _ = try? runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", legacyPath, "INSERT INTO items VALUES (\(id), 'initech', 'w', \(id));"])
            }
            stopped.signal()
        }
        let drill = try tandem(["drill", "--cohort", "late"])
        stop.signal(); stopped.wait()
        XCTAssertEqual(drill.status, 0, drill.stdout + drill.stderr)
        XCTAssertTrue(drill.stdout.contains("drill cohort late: passed"), drill.stdout)
        XCTAssertEqual(try tandem(["cohort", "advance", "late", "--to", "cut-over"]).status, 0, "the drill gate holds")
    }
}

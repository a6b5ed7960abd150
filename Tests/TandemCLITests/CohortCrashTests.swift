import Foundation
import XCTest

/// Issue 13's crash safety, with real processes and SIGKILL: a `cohort advance` or `cohort rollback` killed
/// between its fences, and the daemon killed while a cut-over waits for it. After recovery the cohort is in the
/// phase before or the phase after, both stores' routing rows and fences agree with it, and the stores agree.
final class CohortCrashTests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    /// A `tandem` verb running in the background (its stderr in a file).
    func background(_ args: [String], name: String) throws -> DaemonProcess {
        try DaemonProcess(arguments: args + ["--config", configPath], logFile: dir.appendingPathComponent(name + ".log").path)
    }

    /// Acme's `writes` in a store's routing table.
    func writes(_ db: String, _ tenant: String = "acme") -> String {
        // A busy timeout: the cohort command may be writing the store at that moment.
        ((try? runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", db, "SELECT writes FROM _tandem_routing WHERE tenant = '\(tenant)'"]))?.stdout ?? "")
            .trimmingCharacters(in: .newlines)
    }

    /// A `sqlite3` process holding `db`'s write lock (BEGIN IMMEDIATE) until `release()`: a publish to that store
    /// waits for it, so a moment can be caught between its two fences.
    final class WriteLock {
        let p = Process(), input = Pipe()
        init(_ db: String) throws {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            p.arguments = [db]
            p.standardInput = input
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            // With a busy timeout: the daemon's own brief locks on the store must not make BEGIN fail (then nothing is held).
            input.fileHandleForWriting.write(Data(".timeout 10000\nBEGIN IMMEDIATE;\n".utf8))
            waitUntil("\(db) locked") {
                let probe = try? runTool("/usr/bin/sqlite3", [db, "BEGIN IMMEDIATE; ROLLBACK;"])
                return probe?.stderr.contains("locked") == true
            }
        }
        func release() {
            try? input.fileHandleForWriting.close()  // end of input: sqlite3 rolls the open transaction back and exits
            p.waitUntilExit()
        }
    }

    /// Legacy rows of acme and globex replicated, cohort pilot (acme) verified and in `phase`, the daemon running.
    func cohortIn(_ phase: String) throws -> DaemonProcess {
        try writeMigrationConfig()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'g', 1);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        waitUntil("the legacy rows replicated") { sqliteRows() == "1|acme|a|1\n2|globex|g|1\n" }
        XCTAssertEqual(try tandem(["cohort", "create", "pilot", "--tenants", "acme"]).status, 0)
        XCTAssertEqual(try tandem(["cohort", "advance", "pilot", "--to", "shadow"]).status, 0)
        XCTAssertEqual(try tandem(["verify", "--cohort", "pilot"]).status, 0)
        let drill = try tandem(["drill", "--cohort", "pilot"])  // the gate into cut-over
        XCTAssertEqual(drill.status, 0, drill.stdout + drill.stderr)
        let r = try tandem(["cohort", "advance", "pilot", "--to", phase])
        XCTAssertEqual(r.status, 0, r.stderr)
        return daemon
    }

    /// Both stores route acme as `phase` says, `fence status` finds them current, the state file has no moment
    /// left, and the new store holds exactly the legacy rows.
    func assertConsistent(phase: String, writes expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let show = try tandem(["cohort", "show", "pilot", "--json"])
        XCTAssertTrue(show.stdout.contains(#""phase":"\#(phase)""#), show.stdout, file: file, line: line)
        XCTAssertTrue(show.stdout.contains(#""moving":null"#), show.stdout, file: file, line: line)
        XCTAssertEqual([writes(legacy), writes(newDB)], [expected, expected], file: file, line: line)
        XCTAssertEqual(try sqlite3(legacy, "SELECT phase FROM _tandem_routing WHERE tenant = 'acme'"), phase + "\n", file: file, line: line)
        XCTAssertEqual(try sqlite3(newDB, "SELECT phase FROM _tandem_routing WHERE tenant = 'acme'"), phase + "\n", file: file, line: line)
        let fences = try tandem(["fence", "status"])
        XCTAssertEqual(fences.status, 0, "both stores current: \(fences.stdout)", file: file, line: line)
        let refusing = expected == "new" ? legacy : newDB
        XCTAssertTrue(fences.stdout.contains("\(expected == "new" ? "legacy" : "new") store sqlite:\(refusing): routing current\n"
                                             + "  fenced tables: items\n  refuses writes of 1 tenant:\n    tandem: tenant acme writes to the \(expected) store"),
                      fences.stdout, file: file, line: line)
        waitUntil("the stores agree", file: file, line: line) { (try? legacyRows()) == sqliteRows() }
    }

    func testDaemonKilledWhileTheCutOverWaitsForItThenRestartedTheCutOverCompletes() throws {
        let first = try cohortIn("reads-new")
        first.signal(SIGKILL)
        first.waitForExit()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (3, 'acme', 'before the fence', 1);")  // not journaled yet

        let advance = try background(["cohort", "advance", "pilot", "--to", "cut-over"], name: "advance")
        waitUntil("the legacy store fenced 'moving'") { writes(legacy) == "moving" }
        XCTAssertEqual(writes(newDB), "moving", "both stores refuse acme's writes while the cut-over waits")
        let refused = try runTool("/usr/bin/sqlite3", [legacy, "INSERT INTO items VALUES (4, 'acme', 'x', 1);"])
        XCTAssertTrue(refused.stderr.contains("tandem: tenant acme is moving between stores since "), refused.stderr)

        let second = try startDaemon()
        defer { second.signal(SIGTERM); second.waitForExit() }
        waitUntil("the cut-over to end", timeout: 40) { !advance.process.isRunning }
        XCTAssertEqual(advance.process.terminationStatus, 0, advance.log)
        try assertConsistent(phase: "cut-over", writes: "new")
        XCTAssertEqual(sqliteRows(), "1|acme|a|1\n2|globex|g|1\n3|acme|before the fence|1\n")
        XCTAssertFalse(second.log.contains("interrupted"), "a moment in hand is not recovered: \(second.log)")
        let show = try tandem(["cohort", "show", "pilot"])
        XCTAssertNotNil(show.stdout.range(of: #"advance  reads-new → cut-over  by \S+, write pause \d+ ms\n      steps: fence [\d.]+ ms, drain [\d.]+ ms, flip [\d.]+ ms, lift [\d.]+ ms\n"#,
                                          options: .regularExpression), show.stdout)
    }

    /// `cohort advance` killed between its fences (the new store fenced `moving`, the legacy store's publish
    /// waiting for its lock) while the daemon runs: the daemon undoes the moment within a second.
    func testAdvanceKilledBetweenItsFencesIsUndoneByTheRunningDaemon() throws {
        let daemon = try cohortIn("reads-new")
        defer { daemon.signal(SIGTERM); daemon.waitForExit() }
        let lock = try WriteLock(legacy)
        let advance = try background(["cohort", "advance", "pilot", "--to", "cut-over"], name: "advance")
        waitUntil("the new store fenced 'moving'") { writes(newDB) == "moving" }
        XCTAssertEqual(writes(legacy), "legacy", "the legacy store's fence is not set yet")
        kill(advance.process.processIdentifier, SIGKILL)
        advance.process.waitUntilExit()
        XCTAssertEqual(advance.process.terminationReason, .uncaughtSignal)
        lock.release()

        daemon.waitForLog("cohort pilot: the cut-over begun at ")
        XCTAssertTrue(daemon.log.contains(" ended before it was recorded; fences set back to reads-new (writes legacy again);"
                                          + " run tandem cohort advance pilot --to cut-over to try again"), daemon.log)
        try assertConsistent(phase: "reads-new", writes: "legacy")
        let show = try tandem(["cohort", "show", "pilot"])
        XCTAssertTrue(show.stdout.contains("interrupted  reads-new → reads-new  by tandem: the cut-over begun at "), show.stdout)

        let again = try tandem(["cohort", "advance", "pilot", "--to", "cut-over"])
        XCTAssertEqual([again.status.description, again.stdout], ["0", "cohort pilot: reads-new → cut-over\n"], again.stderr)
        try assertConsistent(phase: "cut-over", writes: "new")
    }

    /// `cohort rollback` and the daemon both killed mid-rollback (the new store fenced `moving`, the legacy one
    /// still fenced for the new store: acme could write nowhere): the next daemon start undoes the moment, the
    /// cohort is in cut-over again, and the rollback run again completes and prints its steps.
    func testRollbackAndDaemonKilledBetweenTheFencesAreUndoneByTheNextStart() throws {
        let first = try cohortIn("cut-over")
        let lock = try WriteLock(legacy)
        let rollback = try background(["cohort", "rollback", "pilot"], name: "rollback")
        waitUntil("the new store fenced 'moving'") { writes(newDB) == "moving" }
        XCTAssertEqual(writes(legacy), "new")
        first.signal(SIGKILL)
        kill(rollback.process.processIdentifier, SIGKILL)
        rollback.process.waitUntilExit()
        first.waitForExit()
        lock.release()
        var r = try tandem(["cohort", "show", "pilot"])
        XCTAssertTrue(r.stdout.contains("\n  moving: rollback to rolled-back since "), r.stdout)
        XCTAssertTrue(r.stdout.contains(", step fencing); both stores refuse its writes until it ends"), r.stdout)

        let second = try startDaemon()
        defer { second.signal(SIGTERM); second.waitForExit() }
        second.waitForLog("cohort pilot: the rollback begun at ")
        XCTAssertTrue(second.log.contains("fences set back to cut-over (writes new again); run tandem cohort rollback pilot to try again"), second.log)
        try assertConsistent(phase: "cut-over", writes: "new")

        r = try tandem(["cohort", "rollback", "pilot", "--why", "again"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertNotNil(r.stdout.range(of: #"^cohort pilot: cut-over → rolled-back\n  steps: fence [\d.]+ ms, drain [\d.]+ ms \(0 events\), flip [\d.]+ ms, lift [\d.]+ ms; write pause [\d.]+ ms\n$"#,
                                       options: .regularExpression), r.stdout)
        try assertConsistent(phase: "rolled-back", writes: "legacy")
    }

    /// A command finding a moment whose process was killed recovers it before its own work, saying so on stderr.
    func testTheNextCohortCommandRecoversAKilledRollback() throws {
        let daemon = try cohortIn("cut-over")
        daemon.signal(SIGTERM)
        daemon.waitForExit()
        let lock = try WriteLock(legacy)
        let rollback = try background(["cohort", "rollback", "pilot"], name: "rollback")
        waitUntil("the new store fenced 'moving'") { writes(newDB) == "moving" }
        kill(rollback.process.processIdentifier, SIGKILL)
        rollback.process.waitUntilExit()
        lock.release()

        let r = try tandem(["cohort", "rollback", "pilot"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("tandem: cohort pilot: the rollback begun at "), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix(" ended before it was recorded; fences set back to cut-over (writes new again);"
                                         + " run tandem cohort rollback pilot to try again\n"), r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("cohort pilot: cut-over → rolled-back\n  steps: fence "), r.stdout)
        try assertConsistent(phase: "rolled-back", writes: "legacy")
    }

    /// `rollback --dry-run` prints the plan and changes neither the state file nor a store.
    func testRollbackDryRunPrintsThePlanAndChangesNothing() throws {
        let daemon = try cohortIn("cut-over")
        daemon.signal(SIGTERM)  // stopped: no reverse flow carries the new store's writes back while the plan is read
        daemon.waitForExit()
        func snapshot() throws -> [String] {
            try [sqlite3(dir.appendingPathComponent("state.db").path, ".dump"), sqlite3(legacy, ".dump"), sqlite3(newDB, ".dump")]
        }
        // The cut-over installed capture on the new store: the reverse backlog is counted from its change table.
        _ = try sqlite3(newDB, "INSERT INTO items (id, tenant, name, qty) VALUES (5, 'acme', 'in new', 1);"
                        + " UPDATE items SET qty = 2 WHERE id = 5; INSERT INTO items (id, tenant, name, qty) VALUES (6, 'acme', 'b', 1);")
        let before = try snapshot()
        let r = try tandem(["cohort", "rollback", "pilot", "--dry-run"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            cohort pilot: rollback plan from cut-over (dry run: nothing done)
              fence: new store sqlite:\(newDB) refuses writes of tenant acme (moving), on items
              fence: legacy store sqlite:\(legacy) refuses writes of tenant acme (moving), on items
              drain: 3 reverse events of its tenants to apply to legacy
              flip: cut-over → rolled-back: reads legacy, writes legacy for tenant acme (routing version above 4)
              lift: the legacy store takes their writes again

            """)
        XCTAssertEqual(try snapshot(), before, "state file and stores unchanged")
    }
}

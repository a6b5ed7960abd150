import Foundation
import XCTest

/// Issue 13 through the real `tandem` binary and a running `tandem run`: cohorts moved phase by phase,
/// routing read by the example client from the daemon's /v1/routes, write fences refusing the application.
final class CohortCLITests: DaemonTestCase {
    func writeMigrationConfig() throws {
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: dir.appendingPathComponent("mapping.json").path,
                                                                  atomically: true, encoding: .utf8)
        let text = #"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db", "maxForwardLagSeconds": 30}}"#
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    func client(_ port: Int, _ tenant: String) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ops/routing-client.py").path
        let r = try runTool("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", tenant])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func testACohortMovesThroughItsPhasesWithRoutingAndFencesFollowing() throws {
        try writeMigrationConfig()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'g', 1), (3, 'initech', 'i', 1);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        defer { daemon.signal(SIGTERM); daemon.waitForExit() }
        waitUntil("the legacy rows replicated") { sqliteRows().split(separator: "\n").count == 3 }
        let port = try XCTUnwrap(daemon.port)

        var r = try tandem(["cohort", "create", "pilot", "--tenants", "acme", "--by", "anna", "--why", "smallest customer"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: 1 tenant, phase planned\n"], r.stderr)
        r = try tandem(["cohort", "create", "rest", "--percent", "100"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort rest: 2 tenants, phase planned\n"], r.stderr)
        r = try tandem(["cohort", "create", "again", "--tenants", "acme"])
        XCTAssertEqual([r.status.description, r.stderr], ["1", "tandem: tenant acme is already in cohort \"pilot\" (a tenant belongs to at most one cohort)\n"])
        r = try tandem(["cohort", "create", "x", "--tenants", "a", "--percent", "3"])
        XCTAssertEqual([r.status.description, r.stderr], ["64", "tandem: cohort create: give one of --tenants, --percent, --lowest-risk, not --tenants and --percent\n"])

        r = try tandem(["cohort", "advance", "pilot", "--to", "reads-new"])
        XCTAssertEqual([r.status.description, r.stderr], ["1", "tandem: cohort pilot stays in shadow: gate verify for shadow → reads-new does not hold:"
                                                          + " no verify of the cohort yet; run tandem verify --config \(configPath) --cohort pilot\n"])
        r = try tandem(["verify", "--cohort", "pilot"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("verify cohort pilot: clean: 1 row (cohort pilot, consistent at seq "), r.stdout)
        r = try tandem(["cohort", "advance", "pilot", "--to", "reads-new", "--by", "ben", "--why", "shadow was clean"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: shadow → reads-new\n"], r.stderr)
        XCTAssertEqual(try client(port, "acme"), "acme reads new writes legacy version 4\n")
        XCTAssertEqual(try client(port, "nobody"), "nobody reads legacy writes legacy version 0\n")
        r = try tandem(["route", "acme", "--json"])
        XCTAssertTrue(r.stdout.hasPrefix(#"{"tenant":"acme","cohort":"pilot","phase":"reads-new","reads":"new","writes":"legacy","version":4,"since":""#), r.stdout)
        r = try tandem(["cohort", "advance", "pilot"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: reads-new → cut-over\n"], r.stderr)
        XCTAssertEqual(try client(port, "acme"), "acme reads new writes new version 5\n")

        // The legacy application writing acme is refused by the fence; globex still writes legacy and replicates.
        let refused = try runTool("/usr/bin/sqlite3", [legacy, "INSERT INTO items VALUES (4, 'acme', 'late', 1);"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("tandem: tenant acme writes to the new store since "), refused.stderr)
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (5, 'globex', 'g2', 1);")
        waitUntil("globex's new row replicated through the new store's fence") { sqliteRows().contains("5|globex|g2|1") }
        _ = try sqlite3(newDB, "INSERT INTO items (id, tenant, name, qty) VALUES (6, 'acme', 'new', 1);")
        let fencedNew = try runTool("/usr/bin/sqlite3", [newDB, "INSERT INTO items (id, tenant, name, qty) VALUES (7, 'globex', 'x', 1);"])
        XCTAssertTrue(fencedNew.stderr.contains("tandem: tenant globex writes to the legacy store since "), fencedNew.stderr)

        r = try tandem(["fence", "status"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("legacy store sqlite:\(legacy): routing current\n  fenced tables: items\n  refuses writes of 1 tenant:\n"
                                        + "    tandem: tenant acme writes to the new store since "), r.stdout)

        r = try tandem(["fence", "status", "--json"])
        XCTAssertTrue(r.stdout.hasPrefix(#"{"stores":[{"role":"new","store":"sqlite:\#(newDB)","routingCurrent":true,"fencedTables":["items"],"#
                                         + #""unfencedTables":[],"refused":[{"tenant":"globex","message":"tandem: tenant globex writes to the legacy store since "#),
                      r.stdout)
        r = try tandem(["route", "globex"])
        XCTAssertEqual(r.stdout, "tenant globex: reads legacy, writes legacy (cohort rest, phase planned, version 2)\n")

        r = try tandem(["cohort", "show", "pilot"])
        XCTAssertTrue(r.stdout.hasPrefix("cohort pilot: cut-over since "), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"\n  forward lag: 0 events of its tenants not yet in the new store \(sink at seq \d+\)\n"#,
                                       options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"\ngates:\n  verify        passed \d+ s ago: last verify at \S+: clean: 1 row \(cohort pilot, [^\n]*\n"#
                                       + #"  forward-lag   passed \d+ s ago: sink new at seq \d+ has applied every event"#,
                                       options: .regularExpression), r.stdout)
        XCTAssertTrue(r.stdout.contains("  create   planned  by anna: smallest customer\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("  advance  shadow → reads-new  by ben: shadow was clean\n"), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"  advance  reads-new → cut-over  by \S+, write pause \d+ ms\n"#, options: .regularExpression), r.stdout)
        r = try tandem(["cohort", "list", "--json"])
        XCTAssertTrue(r.stdout.hasPrefix(#"{"cohorts":[{"name":"pilot","phase":"cut-over","paused":false,"tenants":1,"#), r.stdout)

        r = try tandem(["cohort", "rollback", "pilot", "--why", "drill"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: cut-over → rolled-back\n"], r.stderr)
        XCTAssertEqual(try client(port, "acme"), "acme reads legacy writes legacy version 6\n")
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (8, 'acme', 'back', 1);")
        waitUntil("acme's legacy write replicated again") { sqliteRows().contains("8|acme|back|1") }
        // Row 6, written to the new store during the cut-over, went back to legacy (the daemon's reverse flow;
        // the rollback drained it before the flip), so verify finds the stores alike.
        let legacyNow = try legacyRows()
        XCTAssertTrue(legacyNow.contains("6|acme|new|1"), legacyNow)
        XCTAssertEqual(try tandem(["cohort", "advance", "pilot", "--to", "shadow"]).status, 0)
        r = try tandem(["cohort", "advance", "pilot", "--to", "done"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stderr.contains("gate verify for shadow → reads-new does not hold: "), r.stderr)
        waitUntil("a clean verify") { (try? tandem(["verify", "--cohort", "pilot"]).status) == 0 }
        r = try tandem(["cohort", "advance", "pilot", "--to", "done"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: shadow → reads-new → cut-over → done\n"], r.stderr)
        r = try tandem(["cohort", "show", "pilot"])
        XCTAssertNotNil(r.stdout.range(of: #"\n  last verify \d+ s ago: clean: 3 rows \(cohort pilot, consistent at seq \d+, mapping [0-9a-f]+\)\n"#,
                                       options: .regularExpression), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"\n  verify        passed \d+ s ago: last verify at \S+: clean: 3 rows \(cohort pilot, consistent at seq \d+, mapping [0-9a-f]+\)\n"#,
                                       options: .regularExpression), r.stdout)
        r = try tandem(["cohort", "advance", "pilot"])
        XCTAssertEqual([r.status.description, r.stderr], ["1", "tandem: cohort pilot: it is done; nothing follows\n"])
        r = try tandem(["cohort", "show", "nope"])
        XCTAssertEqual([r.status.description, r.stderr], ["66", "tandem: no cohort named \"nope\"; cohorts: pilot, rest\n"])
    }

    /// `cohort advance` killed with SIGKILL in the middle of the cut-over moment (both stores fenced `moving`,
    /// waiting for the daemon): the cohort stays in its phase before, no write is accepted on either side
    /// meanwhile, and the next command (`fence publish`) brings the fences back in line with the recorded phase.
    func testAdvanceKilledDuringTheCutOverLeavesTheCohortInItsPhaseBefore() throws {
        try writeMigrationConfig()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1);")
        let first = try startDaemon()
        first.waitForLog("ready:")
        waitUntil("the legacy row replicated") { sqliteRows() == "1|acme|a|1\n" }
        first.signal(SIGTERM)
        first.waitForExit()
        XCTAssertEqual(try tandem(["cohort", "create", "pilot", "--tenants", "acme"]).status, 0)
        var r = try tandem(["cohort", "pause", "pilot", "--why", "wait for the notice"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: paused in planned\n"], r.stderr)
        XCTAssertEqual(try tandem(["cohort", "advance", "pilot"]).stderr, "tandem: cohort pilot: it is paused (tandem cohort resume pilot to go on)\n")
        XCTAssertEqual(try tandem(["cohort", "resume", "pilot"]).stdout, "cohort pilot: resumed in planned\n")
        XCTAssertEqual(try tandem(["cohort", "advance", "pilot", "--to", "shadow"]).status, 0)
        XCTAssertEqual(try tandem(["verify", "--cohort", "pilot"]).status, 0)
        XCTAssertEqual(try tandem(["cohort", "advance", "pilot", "--to", "reads-new"]).status, 0)
        // A legacy change the journal does not hold yet (the daemon is stopped): the cut-over waits for it.
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (2, 'acme', 'b', 1);")

        let advance = Process()
        advance.executableURL = CLI.executable
        advance.arguments = ["cohort", "advance", "pilot", "--config", configPath]
        advance.standardOutput = FileHandle.nullDevice
        advance.standardError = FileHandle.nullDevice
        try advance.run()
        waitUntil("the legacy store fenced 'moving'") {
            (try? sqlite3(legacy, "SELECT writes FROM _tandem_routing WHERE tenant = 'acme'")) == "moving\n"
        }
        kill(advance.processIdentifier, SIGKILL)
        advance.waitUntilExit()
        XCTAssertEqual(advance.terminationReason, .uncaughtSignal)

        r = try tandem(["cohort", "show", "pilot", "--json"])
        XCTAssertTrue(r.stdout.contains(#""phase":"reads-new""#), r.stdout)
        for (db, sql) in [(legacy, "INSERT INTO items VALUES (3, 'acme', 'c', 1);"),
                          (newDB, "INSERT INTO items (id, tenant, name, qty) VALUES (3, 'acme', 'c', 1);")] {
            let refused = try runTool("/usr/bin/sqlite3", [db, sql])
            XCTAssertTrue(refused.stderr.contains("tandem: tenant acme is moving between stores since "), refused.stderr)
        }
        r = try tandem(["fence", "status"])
        XCTAssertEqual(r.status, 1, "the stores are behind the state file: \(r.stdout)")
        XCTAssertEqual(try tandem(["fence", "publish"]).status, 0)
        XCTAssertEqual(try sqlite3(legacy, "SELECT writes FROM _tandem_routing WHERE tenant = 'acme'"), "legacy\n")
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (3, 'acme', 'c', 1);")  // reads-new: legacy takes acme's writes again

        // With the daemon running the same cut-over completes.
        let second = try startDaemon()
        second.waitForLog("ready:")
        defer { second.signal(SIGTERM); second.waitForExit() }
        r = try tandem(["cohort", "advance", "pilot"])
        XCTAssertEqual([r.status.description, r.stdout], ["0", "cohort pilot: reads-new → cut-over\n"], r.stderr)
        XCTAssertEqual(sqliteRows(), "1|acme|a|1\n2|acme|b|1\n3|acme|c|1\n", "every legacy change is in the new store at cut-over")
    }
}

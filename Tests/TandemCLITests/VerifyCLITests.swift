import Foundation
import XCTest

/// `tandem verify` through the real binary, the new store filled by a running `tandem run` (issue 14).
final class VerifyCLITests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(["verify", "--config", configPath, "--settle", "0.1"] + args) }

    /// Three rows replicated by the daemon (stopped again), then a value changed in the new store by hand.
    func replicatedThenChanged() throws {
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: dir.appendingPathComponent("mapping.json").path,
                                                                  atomically: true, encoding: .utf8)
        try (#"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db"}}"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'secret name', 2), (3, 'acme', 'c', 3);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        waitUntil("the legacy rows replicated") { sqliteRows().split(separator: "\n").count == 3 }
        daemon.signal(SIGTERM)
        daemon.waitForExit()
        var r = try tandem([])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertNotNil(r.stdout.range(of: #"^verify every tenant: clean: 3 rows \(every tenant, consistent at seq \d+, mapping "#, options: .regularExpression), r.stdout)
        _ = try sqlite3(newDB, "UPDATE items SET name = 'changed by hand', qty = 20 WHERE id = 2;")
        r = try tandem([])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    }

    func testDifferencesNameEntityKeyAndColumnsWithValuesHiddenUnlessAsked() throws {
        try replicatedThenChanged()
        var r = try tandem([])
        XCTAssertEqual(r.status, 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertNotNil(lines.first?.range(of: #"^verify every tenant: NOT clean: 3 rows, 1 different \(every tenant, consistent at seq \d+, mapping "#,
                                           options: .regularExpression), r.stdout)
        XCTAssertEqual(lines.dropFirst().first, #"  different items {"id":2} tenant globex: name, qty (values hidden; --show-values)"#)
        XCTAssertFalse(r.stdout.contains("secret name") || r.stdout.contains("changed by hand"), "values stay hidden: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("  tenant globex: 1 compared, 0 missing, 0 extra, 1 different, 0 in quarantine\n"), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"consistent at seq \d+; 3 rows in 1 chunk \(1 with differing checksums, 0 rows settled on a re-check\), \d+ rows/s\n"#,
                                       options: .regularExpression), r.stdout)

        r = try tandem(["--show-values"])
        XCTAssertTrue(r.stdout.contains(#"  different items {"id":2} tenant globex: name legacy "secret name" new "changed by hand", qty legacy 2 new 20"#), r.stdout)
        r = try tandem(["--json", "--show-values"])
        XCTAssertTrue(r.stdout.contains(#""differences":[{"kind":"different","entity":"items","key":{"id":2},"tenant":"globex","columns":["name","qty"],"#
                                        + #""legacy":{"name":"secret name","qty":2},"new":{"name":"changed by hand","qty":20}}]"#), r.stdout)

        // acme's rows agree: its verify is clean.
        r = try tandem(["--tenants", "acme"])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"^verify tenants acme: clean: 2 rows \(tenants acme, consistent at seq \d+"#, options: .regularExpression), r.stdout)
    }

    func testBadArgumentsAreOneLineWithTheirExitCode() throws {
        try replicatedThenChanged()
        var r = try tandem(["--cohort", "pilot", "--tenants", "acme"])
        XCTAssertEqual([r.status.description, r.stderr], ["64", "tandem: verify: give --cohort or --tenants, not both\n"])
        r = try tandem(["--cohort", "pilot"])
        XCTAssertEqual([r.status.description, r.stderr], ["66", "tandem: no cohort named \"pilot\" (there is none yet: tandem cohort create)\n"])
        r = try tandem(["--entity", "nope"])
        XCTAssertEqual([r.status.description, r.stderr], ["64", "tandem: verify: no entity \"nope\" to verify; entities: items\n"])
        r = try tandem(["--chunk", "0"])
        XCTAssertEqual([r.status.description, r.stderr], ["64", "tandem: verify: --chunk takes a positive number of rows, not '0'\n"])
        try FileManager.default.removeItem(atPath: newDB)
        r = try tandem([])
        XCTAssertEqual([r.status.description, r.stderr], ["69", "tandem: sqlite:\(newDB): no such file (the new store)\n"])
    }

    /// `tandem verify` killed (SIGKILL) part-way and run again finishes with the result of a verify never killed.
    func testAVerifyKilledPartWayFinishesWithTheSameResult() throws {
        try replicatedThenChanged()
        _ = try sqlite3(legacy, "WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                        + "INSERT INTO items SELECT i, CASE i % 3 WHEN 0 THEN 'acme' ELSE 'globex' END, 'n' || i, i FROM n;")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        waitUntil("the legacy rows replicated") { sqliteRows().split(separator: "\n").count == 2994 }
        daemon.signal(SIGTERM)
        daemon.waitForExit()
        _ = try sqlite3(newDB, "DELETE FROM items WHERE id IN (500, 2500);")
        let whole = try tandem(["--json", "--chunk", "2"])
        XCTAssertEqual(whole.status, 1, whole.stderr)
        func stable(_ json: String) -> String {  // the result without its timings
            json.replacingOccurrences(of: #""(startedAt|finishedAt|rowsPerSecond)":[^,]*,"#, with: "", options: .regularExpression)
        }
        XCTAssertTrue(whole.stdout.contains(#""rows":2994,"#), whole.stdout)

        let state = dir.appendingPathComponent("state.db").path
        let killed = Process()
        killed.executableURL = CLI.executable
        killed.arguments = ["verify", "--config", configPath, "--settle", "0.1", "--json", "--chunk", "2"]
        killed.standardOutput = FileHandle.nullDevice
        killed.standardError = FileHandle.nullDevice
        try killed.run()
        waitUntil("the verify saved its progress") { (try? sqlite3(state, "SELECT count(*) FROM verify_progress")) == "1\n" }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        XCTAssertEqual(killed.terminationReason, .uncaughtSignal)
        XCTAssertNotEqual(try sqlite3(state, "SELECT count(*) FROM verify_progress"), "0\n", "killed before it finished")
        let again = try tandem(["--json", "--chunk", "2"])
        XCTAssertEqual(again.status, 1, again.stderr)
        XCTAssertEqual(stable(again.stdout), stable(whole.stdout))
        XCTAssertEqual(try sqlite3(state, "SELECT count(*) FROM verify_progress"), "0\n", "a finished verify forgets its progress")
    }
}

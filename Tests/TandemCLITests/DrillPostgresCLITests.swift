import Foundation
import XCTest

/// `tandem drill` with the new store on PostgreSQL beside a running `tandem run` (connected to it all along): the
/// store is copied into a scratch database on the same server (CREATE DATABASE … TEMPLATE would fail while the
/// daemon is connected), the rehearsal passes and the scratch database is dropped; a role without CREATEDB is
/// refused with one line and exit 69. Needs the test cluster (TANDEM_TEST_POSTGRES).
final class DrillPostgresCLITests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    func writeConfig(newInto: String) throws {
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: dir.appendingPathComponent("mapping.json").path,
                                                                  atomically: true, encoding: .utf8)
        try (#"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "\#(newInto)"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db", "maxForwardLagSeconds": 30}}"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func testADrillOfAPostgresNewStorePassesBesideTheRunningDaemonAndDropsItsScratchDatabase() throws {
        try requirePostgres()
        let pg = try XCTUnwrap(postgres)
        try writeConfig(newInto: pg.spec + "&password=sekret-cli")  // ignored by the trusting test cluster; never printed
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'g', 1), (3, 'initech', 'i', 1);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        waitUntil("the legacy rows replicated") { postgresRows().split(separator: "\n").count == 3 }
        XCTAssertEqual(try checkedPSQL(pg.admin + ["-Atc", "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = '\(pg.name)'"]), "t\n",
                       "the daemon is connected to the live new store")

        XCTAssertEqual(try tandem(["cohort", "create", "late", "--tenants", "globex"]).status, 0)
        XCTAssertEqual(try tandem(["cohort", "advance", "late", "--to", "shadow"]).status, 0)
        let v = try tandem(["verify", "--cohort", "late", "--settle", "0.2"])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        XCTAssertEqual(try tandem(["cohort", "advance", "late", "--to", "reads-new"]).status, 0)
        let drill = try tandem(["drill", "--cohort", "late"])
        XCTAssertEqual(drill.status, 0, drill.stdout + drill.stderr)
        XCTAssertTrue(drill.stdout.hasPrefix("drill cohort late: passed: cut-over and rollback rehearsed for 1 tenant(s)"), drill.stdout)
        XCTAssertEqual(drill.stderr, "")
        XCTAssertFalse(drill.stdout.contains("sekret"), drill.stdout)
        let scratch = "SELECT count(*) FROM pg_database WHERE datname LIKE '\(pg.name)\\_tandem\\_drill\\_%'"
        XCTAssertEqual(try checkedPSQL(pg.admin + ["-Atc", scratch]), "0\n")

        // A drill killed while its scratch database exists leaves it behind; the next drill drops it.
        let killed = try DaemonProcess(arguments: ["drill", "--cohort", "late", "--config", configPath],
                                       logFile: dir.appendingPathComponent("drill-killed.log").path)
        waitUntil("the drill's scratch database exists") { (try? checkedPSQL(pg.admin + ["-Atc", scratch])) == "1\n" }
        killed.signal(SIGKILL)
        killed.waitForExit()
        XCTAssertEqual(try checkedPSQL(pg.admin + ["-Atc", scratch]), "1\n", "an interrupted drill cannot drop its scratch database")
        let sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE '\(pg.name)\\_tandem\\_drill\\_%'"
        waitUntil("the killed drill's sessions ended") { (try? checkedPSQL(pg.admin + ["-Atc", sessions])) == "0\n" }
        let next = try tandem(["drill", "--cohort", "late"])
        XCTAssertEqual(next.status, 0, next.stdout + next.stderr)
        XCTAssertEqual(try checkedPSQL(pg.admin + ["-Atc", scratch]), "0\n", "the next drill dropped the leftover with its own")
        daemon.signal(SIGTERM)
        daemon.waitForExit()

        // The same store reached as a role without CREATEDB (its password in the URI): refused before anything is copied.
        let role = "drill_" + UUID().uuidString.prefix(8).lowercased()
        try checkedPSQL(pg.admin + ["-c", "CREATE ROLE \(role) LOGIN PASSWORD 'pw-\(role)' NOCREATEDB"])
        addTeardownBlock { [admin = pg.admin] in _ = try? psql(admin + ["-c", "DROP ROLE IF EXISTS \(role)"]) }
        var url = try XCTUnwrap(URLComponents(string: pg.spec))
        url.queryItems = (url.queryItems ?? []).filter { $0.name != "user" } + [URLQueryItem(name: "user", value: role),
                                                                              URLQueryItem(name: "password", value: "pw-\(role)")]
        try writeConfig(newInto: try XCTUnwrap(url.string))
        let refused = try tandem(["drill", "--cohort", "late"])
        XCTAssertEqual(refused.status, 69, refused.stdout + refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("the new store postgres://\(role)@"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("role \(role) lacks CREATEDB"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("pw-"), refused.stderr)
        XCTAssertEqual(refused.stdout, "")
    }

    /// Both stores on PostgreSQL, the daemon tailing legacy's change table (`postgres-changelog:`) and an
    /// application writing legacy all through the drill: each copy is one snapshot, the forward catch-up goes from
    /// the live journal to the legacy copy's change table, and the rehearsal passes.
    func testADrillOfTwoPostgresStoresPassesWhileTheApplicationWritesLegacy() throws {
        try requirePostgres()
        let pg = try XCTUnwrap(postgres)
        let base = try XCTUnwrap(URLComponents(string: try XCTUnwrap(ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"])))
        let legacyName = "drilllegacy_" + UUID().uuidString.prefix(8).lowercased()
        try checkedPSQL(pg.admin + ["-c", "CREATE DATABASE \(legacyName)"])
        addTeardownBlock { [admin = pg.admin] in _ = try? psql(admin + ["-c", "DROP DATABASE IF EXISTS \(legacyName) WITH (FORCE)"]) }
        var legacyURL = base
        legacyURL.path = "/" + legacyName
        let legacyURI = try XCTUnwrap(legacyURL.string)
        let legacyPSQL = psqlArguments(for: base) + ["-d", legacyName]
        try checkedPSQL(legacyPSQL + ["-c", Self.schema])
        let installed = try CLI.run(["source", "install-triggers", "--db", legacyURI, "--tables", "items"])
        XCTAssertEqual(installed.status, 0, installed.stderr)
        try checkedPSQL(legacyPSQL + ["-c", "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'g', 1), (3, 'initech', 'i', 1)"])
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: dir.appendingPathComponent("mapping.json").path, atomically: true, encoding: .utf8)
        try (#"{"journal": "journal", "source": "postgres-changelog:\#(legacyURI)", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "\#(pg.spec)"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "\#(legacyURI)", "state": "state.db", "maxForwardLagSeconds": 30}}"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        defer { daemon.signal(SIGTERM); daemon.waitForExit() }
        waitUntil("the legacy rows replicated") { postgresRows().split(separator: "\n").count == 3 }

        XCTAssertEqual(try tandem(["cohort", "create", "late", "--tenants", "globex"]).status, 0)
        XCTAssertEqual(try tandem(["cohort", "advance", "late", "--to", "shadow"]).status, 0)
        let v = try tandem(["verify", "--cohort", "late", "--settle", "0.2"])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        XCTAssertEqual(try tandem(["cohort", "advance", "late", "--to", "reads-new"]).status, 0)

        let stop = DispatchSemaphore(value: 0), stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var id = 100
            while stop.wait(timeout: .now() + .milliseconds(5)) == .timedOut {
                id += 1
                _ = try? psql(legacyPSQL + ["-c", "INSERT INTO items VALUES (\(id), 'initech', 'w', \(id))"])
            }
            stopped.signal()
        }
        let drill = try tandem(["drill", "--cohort", "late"])
        stop.signal(); stopped.wait()
        XCTAssertEqual(drill.status, 0, drill.stdout + drill.stderr)
        XCTAssertTrue(drill.stdout.hasPrefix("drill cohort late: passed"), drill.stdout)
        XCTAssertEqual(drill.stderr, "")
        for db in [pg.name, legacyName] {
            let scratch = "SELECT count(*) FROM pg_database WHERE datname LIKE '\(db)\\_tandem\\_drill\\_%'"
            XCTAssertEqual(try checkedPSQL(pg.admin + ["-Atc", scratch]), "0\n", db)
        }
        XCTAssertEqual(try tandem(["cohort", "advance", "late", "--to", "cut-over"]).status, 0, "the drill gate holds")
    }
}

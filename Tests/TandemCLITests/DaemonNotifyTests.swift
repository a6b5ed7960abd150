import Foundation
import XCTest

/// Issue 11: `tandem run` talks to systemd (sd_notify): READY=1 after recovery, WATCHDOG=1 while the pipeline
/// moves, and no more pings once it is wedged, so systemd restarts it.
final class DaemonNotifyTests: DaemonTestCase {
    /// Promise: READY=1 comes only after the journal's recovery, then WATCHDOG=1 pings at half $WATCHDOG_USEC;
    /// when a sink's store hangs (its PostgreSQL backend stopped with SIGSTOP) while events are pending, the pings
    /// stop and the log says why; they resume when the store moves again.
    func testReadyAfterRecoveryThenWatchdogPingsThatStopWhenASinkHangs() throws {
        try requirePostgres()
        try writeConfig(withPostgres: true)
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'first', 1);")
        // A short path: a unix socket's address holds at most 107 bytes.
        let socket = try NotifySocket(path: "/tmp/tandem-notify-\(UUID().uuidString.prefix(8)).sock")
        let d = try startDaemon(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"])
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        let start = socket.receive(until: { $0.contains("READY=1") }, timeout: 30)
        XCTAssertTrue(start.matched, "no READY=1: \(start.messages) \(d.log)")
        XCTAssertTrue(d.log.contains("recovered, seqs"), "READY=1 before the journal's recovery: \(d.log)")
        XCTAssertFalse(start.messages.dropLast().contains { $0.contains("WATCHDOG=1") }, "a watchdog ping before READY=1")
        for _ in 0..<2 {
            XCTAssertTrue(socket.receive(until: { $0.contains("WATCHDOG=1") }, timeout: 5).matched, "no watchdog ping: \(d.log)")
        }
        waitUntil("the first row in PostgreSQL") { postgresRows().contains("first") }

        // Wedge the PostgreSQL sink: its backend stops answering mid-pipeline while new events arrive.
        let pg = try XCTUnwrap(postgres)
        let backends = try checkedPSQL(pg.admin + ["-c", "SELECT pid FROM pg_stat_activity WHERE datname = '\(pg.name)'"])
            .split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
        XCTAssertFalse(backends.isEmpty, "the daemon's PostgreSQL connection")
        for pid in backends { kill(pid, SIGSTOP) }
        defer { for pid in backends { kill(pid, SIGCONT) } }
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (2, 'acme', 'second', 2);")
        d.waitForLog("pipeline wedged: sink pg", timeout: 20)
        // From now on: no ping for longer than the whole watchdog period.
        _ = socket.receive(until: { _ in false }, timeout: 0.1)
        let quiet = socket.receive(until: { $0.contains("WATCHDOG=1") }, timeout: 3)
        XCTAssertFalse(quiet.matched, "the watchdog was pinged while the pipeline was wedged: \(quiet.messages)")

        for pid in backends { kill(pid, SIGCONT) }
        XCTAssertTrue(socket.receive(until: { $0.contains("WATCHDOG=1") }, timeout: 15).matched, "pings did not resume: \(d.log)")
        waitUntil("the second row in PostgreSQL") { postgresRows().contains("second") }
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(d.process.terminationStatus, 0, d.log)
    }

    /// The watchdog covers the reverse flow too: a cohort in cut-over whose reverse pass cannot get the legacy
    /// store's write lock (another process holds it, each attempt waiting out the 5 s busy timeout) while a
    /// new-store change waits is wedged: the pings are withheld, the log naming the reverse flow; once the lock is
    /// released the change reaches legacy and the pings go on.
    func testTheWatchdogCoversTheReverseFlow() throws {
        try writeMigrationConfig()
        // In WAL mode already: the reverse pass's write then waits out the busy timeout (a switch to WAL would fail at once).
        _ = try sqlite3(legacy, "PRAGMA journal_mode=WAL; INSERT INTO items VALUES (1, 'acme', 'a', 1);")
        let socket = try NotifySocket(path: "/tmp/tandem-notify-\(UUID().uuidString.prefix(8)).sock")
        let d = try startDaemon(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"])
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        XCTAssertTrue(socket.receive(until: { $0.contains("READY=1") }, timeout: 30).matched, d.log)
        waitUntil("the legacy row replicated") { sqliteRows().contains("acme") }
        try cutOverPilotWithTheCLI()
        let lock = try CohortCrashTests.WriteLock(legacy)
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20001, 'acme', 'n', 1);")
        d.waitForLog("pipeline wedged: the reverse flow has not come back from a pass for over 2 s", timeout: 20)
        XCTAssertTrue(d.log.contains("withholding the systemd watchdog ping"), d.log)
        lock.release()
        waitUntil("the new-store write in legacy") { (try? sqlite3(legacy, "SELECT id FROM items WHERE id = 20001"))?.contains("20001") == true }
        XCTAssertTrue(socket.receive(until: { $0.contains("WATCHDOG=1") }, timeout: 15).matched, "pings did not resume: \(d.log)")
        d.waitForLog("pipeline moves again")
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
    }

    /// Promise: where systemd runs, `tandem run` works as a transient Type=notify unit. Skipped, with the
    /// reason, where `systemd-run` cannot start units (a container without systemd as init).
    func testUnderSystemdRunForReal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-run") else {
            throw XCTSkip("systemd-run is not installed")
        }
        for args in [["--user"], []] {
            let probe = try runTool("/usr/bin/systemd-run", args + ["--quiet", "--wait", "/bin/true"])
            if probe.status == 0 {
                try writeConfig()
                let unit = "tandem-test-\(UUID().uuidString.prefix(8))"
                let r = try runTool("/usr/bin/systemd-run", args + ["--quiet", "--unit", unit, "-p", "Type=notify",
                                    "-p", "WatchdogSec=10", "--working-directory", dir.path,
                                    CLI.executable.path, "run", "--config", configPath])
                XCTAssertEqual(r.status, 0, "systemd-run: \(r.stderr)")
                defer { _ = try? runTool("/usr/bin/systemctl", args + ["stop", unit]) }
                let active = try runTool("/usr/bin/systemctl", args + ["is-active", unit])
                XCTAssertEqual(active.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "active", active.stderr)
                return
            }
        }
        let reason = try runTool("/usr/bin/systemd-run", ["--user", "--quiet", "--wait", "/bin/true"]).stderr
        throw XCTSkip("systemd-run cannot start units here (\(reason.trimmingCharacters(in: .whitespacesAndNewlines)))")
    }
}

import Foundation
import XCTest

/// Issue 11: a sink's faults stay that sink's. A store that is down is retried with back-off (degraded) while the
/// other sink and ingestion go on; a batch the store can never take stops that sink alone, naming the event.
final class DaemonFaultTests: DaemonTestCase {
    /// Promise: with its PostgreSQL server stopped, the "pg" sink is degraded (retried with back-off, /healthz
    /// 503 naming it) while the SQLite sink and ingestion go on; when the server is back, it catches up and
    /// /healthz says ok again.
    func testASinkWhoseServerIsStoppedIsRetriedWhileTheOtherSinkGoesOnAndCatchesUp() throws {
        let cluster = try privatePostgres()
        try writeConfig(withPostgres: true)
        try insertLegacy(1...5)
        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        waitUntil("both stores filled") { sqliteRows().split(separator: "\n").count == 5 && postgresRows().split(separator: "\n").count == 5 }
        XCTAssertEqual(try get(d, "/healthz").status, 200)

        try postgresScript(["pause", cluster])
        try insertLegacy(6...40)
        waitUntil("the SQLite sink to go on without PostgreSQL") { sqliteRows().split(separator: "\n").count == 40 }
        d.waitForLog("sink pg degraded")
        d.waitForLog("(attempt 2)", timeout: 30)
        let health = try get(d, "/healthz")
        XCTAssertEqual(health.status, 503)
        XCTAssertTrue(health.body.contains("sink pg degraded"), health.body)
        XCTAssertFalse(health.body.contains("sink new"), health.body)

        try postgresScript(["resume", cluster])
        let expected = try legacyRows()
        waitUntil("PostgreSQL to catch up", timeout: 60) { postgresRows() == expected }
        d.waitForLog("sink pg is running again")
        try waitUntil("/healthz ok") { try get(d, "/healthz").status == 200 }
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(d.process.terminationStatus, 0, d.log)
        XCTAssertFalse(d.log.contains("password"), d.log)
    }

    /// Promise: a sink pointed at a closed port is degraded and retried; fixing its "into" and sending SIGHUP
    /// lets it fill; a config that does not load on SIGHUP is refused with a log line and the running one kept.
    /// (Run with `--log-format json`: every line it logs is one JSON object.)
    func testAClosedPortFixedWithSIGHUPAndABadConfigRefused() throws {
        try requirePostgres()
        let pg = try XCTUnwrap(postgres)
        var closed = try XCTUnwrap(URLComponents(string: pg.spec))
        closed.queryItems = (closed.queryItems ?? []).filter { $0.name != "host" && $0.name != "port" }
            + [URLQueryItem(name: "host", value: "127.0.0.1"), URLQueryItem(name: "port", value: "1")]
        try writeConfig(withPostgres: true, pgInto: closed.string)
        try insertLegacy(1...10)
        let d = try startDaemon(extra: ["--log-format", "json"])
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        waitUntil("the SQLite sink filled") { sqliteRows().split(separator: "\n").count == 10 }
        d.waitForLog("sink pg degraded")

        try "{\"journal\": ".write(toFile: configPath, atomically: true, encoding: .utf8)
        d.signal(SIGHUP)
        d.waitForLog("reload refused, keeping the running config")
        try insertLegacy(11...12)
        waitUntil("the SQLite sink goes on with the running config") { sqliteRows().split(separator: "\n").count == 12 }

        try writeConfig(withPostgres: true)
        d.signal(SIGHUP)
        d.waitForLog("reloaded")
        let expected = try legacyRows()
        waitUntil("PostgreSQL filled after SIGHUP", timeout: 60) { postgresRows() == expected }
        d.waitForLog("sink pg is running again")
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(d.process.terminationStatus, 0, d.log)
        for line in d.log.split(separator: "\n") {
            XCTAssertTrue(line.hasPrefix(#"{"time":""#) && line.hasSuffix("}"), "not one JSON object: \(line)")
        }
        XCTAssertFalse(d.log.contains("password"), d.log)
    }

    /// Promise: a NOT NULL column the application added to the PostgreSQL table stops the "pg" sink on the first
    /// insert that does not fill it — state stopped, the reason naming seq, entity and key — while the SQLite
    /// sink goes on; once the column accepts NULL again, SIGHUP lets the sink go on without restarting tandem.
    func testAPoisonEventStopsOnlyItsSinkNamingSeqEntityAndKey() throws {
        try requirePostgres()
        try writeConfig(withPostgres: true)
        try insertLegacy(1...3)
        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        waitUntil("both stores filled") { sqliteRows().split(separator: "\n").count == 3 && postgresRows().split(separator: "\n").count == 3 }
        let pg = try XCTUnwrap(postgres)
        try checkedPSQL(pg.psql + ["-c", "ALTER TABLE items ADD COLUMN audit text; UPDATE items SET audit = 'legacy';"
                                   + " ALTER TABLE items ALTER COLUMN audit SET NOT NULL;"])

        try insertLegacy(4...4)
        try insertLegacy(5...9)
        d.waitForLog("sink pg stopped")
        let stopped = d.log.components(separatedBy: "\n").first { $0.contains("sink pg stopped") } ?? ""
        XCTAssertTrue(stopped.contains("seq "), stopped)
        XCTAssertTrue(stopped.contains("items"), stopped)
        XCTAssertTrue(stopped.contains("id=4"), "the reason names the key: \(stopped)")
        let health = try get(d, "/healthz")
        XCTAssertEqual(health.status, 503)
        XCTAssertTrue(health.body.contains("sink pg stopped"), health.body)
        waitUntil("the SQLite sink goes on") { sqliteRows().split(separator: "\n").count == 9 }
        XCTAssertEqual(postgresRows().split(separator: "\n").count, 3, "nothing after the poison event in pg")

        try checkedPSQL(pg.psql + ["-c", "ALTER TABLE items ALTER COLUMN audit DROP NOT NULL;"])
        d.signal(SIGHUP)
        d.waitForLog("sink pg is running again")
        let expected = try legacyRows()
        waitUntil("pg caught up", timeout: 30) {
            (try? checkedPSQL(pg.psql + ["-c", Self.rows])) == expected
        }
        XCTAssertEqual(d.log.components(separatedBy: "sink pg stopped").count - 1, 1, "one line for the stop, not one per retry: \(d.log)")
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(d.process.terminationStatus, 0, d.log)
    }
}

import Foundation
import XCTest
import TandemCore

/// Issue 11, `tandem run`: the daemon replicates a legacy SQLite database changed by another process into a
/// SQLite and a PostgreSQL store, survives SIGKILL at any moment and stops cleanly on SIGTERM.
final class DaemonRunTests: DaemonTestCase {
    /// Promise: SIGTERM while the legacy application writes makes `tandem run` exit 0 within 5 s; a restart
    /// picks up where it stopped — nothing lost (the store equals the legacy data), nothing applied twice (no
    /// conflict: every event met the store as the one before it left it), each change journaled once.
    func testSIGTERMUnderLoadExitsWithinFiveSecondsAndARestartLosesNothing() throws {
        try writeConfig()
        let writer = try ContinuousLegacyWriter(db: legacy, seed: 11)
        let first = try startDaemon()
        first.waitForLog("ready:")
        waitUntil("rows replicated under load") { sqliteRows().split(separator: "\n").count > 20 }
        first.signal(SIGTERM)
        let took = first.waitForExit()
        XCTAssertEqual(first.process.terminationStatus, 0, first.log)
        XCTAssertLessThan(took ?? 99, 5, "SIGTERM under load must end tandem run within 5 s")
        XCTAssertTrue(first.log.contains("stopped: head seq"), first.log)
        XCTAssertEqual(writer.stop(), 0, "the legacy writer failed")

        let second = try startDaemon()
        second.waitForLog("ready:")
        let expected = try legacyRows()
        waitUntil("the store to equal the legacy data") { sqliteRows() == expected }
        second.signal(SIGTERM)
        XCTAssertNotNil(second.waitForExit())
        XCTAssertEqual(second.process.terminationStatus, 0, second.log)
        XCTAssertEqual(sqliteRows(), expected)
        for log in [first.log, second.log] {
            XCTAssertFalse(log.contains("conflict:"), "an event was applied twice or out of order: \(log)")
        }
        try assertJournalHoldsEachChangeOnce()
    }

    /// Promise: `tandem run` killed with SIGKILL at random moments (20 times) while the legacy application writes
    /// loses nothing and duplicates nothing: at the end the SQLite and the PostgreSQL store equal the legacy data
    /// exactly and the journal holds each change once. (`scripts/soak daemon` runs a longer version.)
    func testKilledAtRandomMomentsBothStoresEqualTheLegacyData() throws {
        try requirePostgres()
        try writeConfig(withPostgres: true)
        let trials = Int(ProcessInfo.processInfo.environment["TANDEM_SOAK_DAEMON_KILLS"] ?? "") ?? 20
        let writer = try ContinuousLegacyWriter(db: legacy, seed: 0xDAE)
        var rng = SplitMix64(seed: 0x5EED)
        var logs: [String] = []
        for _ in 0..<trials {
            let d = try startDaemon()
            // A random moment, not a wait for a condition: before, during and after start-up and catch-up.
            usleep(UInt32(50_000 + rng.next() % 700_000))
            d.signal(SIGKILL)
            d.process.waitUntilExit()
            XCTAssertEqual(d.process.terminationReason, .uncaughtSignal, "tandem run stopped by itself: \(d.log)")
            logs.append(d.log)
        }
        XCTAssertEqual(writer.stop(), 0, "the legacy writer failed")
        let last = try startDaemon()
        last.waitForLog("ready:")
        let expected = try legacyRows()
        XCTAssertFalse(expected.isEmpty)
        waitUntil("both stores to equal the legacy data", timeout: 60) { sqliteRows() == expected && postgresRows() == expected }
        last.signal(SIGTERM)
        XCTAssertNotNil(last.waitForExit())
        XCTAssertEqual(last.process.terminationStatus, 0, last.log)
        XCTAssertEqual(sqliteRows(), expected)
        XCTAssertEqual(postgresRows(), expected)
        for log in logs + [last.log] {
            XCTAssertFalse(log.contains("conflict:"), "an event was applied twice or out of order: \(log)")
        }
        try assertJournalHoldsEachChangeOnce()
    }
}

import Foundation
import XCTest

/// Issue 11, "Start": on its first start `tandem run` copies the rows a legacy SQLite database held before
/// its triggers (the catch-up snapshot of `tandem snapshot`) beside the live stream, once; `"snapshot": false`
/// skips it.
final class DaemonSnapshotTests: DaemonTestCase {
    /// A legacy database whose 200 rows predate its triggers.
    private func legacyWithExistingRows() throws {
        try FileManager.default.removeItem(atPath: legacy)
        _ = try sqlite3(legacy, Self.schema + " BEGIN; " + (1...200).map { "INSERT INTO items VALUES (\($0), 'acme', 'old \($0)', \($0));" }.joined() + " COMMIT;")
        let r = try CLI.run(["source", "install-triggers", "--db", legacy, "--tables", "items"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Promise: while the application writes (also to the rows that predate the triggers), the first start
    /// copies every existing row once and journals every change once; the store ends equal to the legacy
    /// table; a restart copies nothing again.
    func testFirstStartCopiesTheExistingRowsBesideTheLiveChangesEachOnce() throws {
        try legacyWithExistingRows()
        try writeConfig()
        let writer = try ContinuousLegacyWriter(db: legacy, seed: 0x5A4, maxID: 260)
        let first = try startDaemon()
        defer { if first.process.isRunning { first.signal(SIGKILL); first.process.waitUntilExit() } }
        first.waitForLog("ready:")
        first.waitForLog("; following the change log")
        XCTAssertEqual(writer.stop(), 0, "the legacy writer failed")
        let expected = try legacyRows()
        waitUntil("the store to equal the legacy table") { sqliteRows() == expected }
        first.signal(SIGTERM)
        XCTAssertNotNil(first.waitForExit())
        XCTAssertEqual(first.process.terminationStatus, 0, first.log)
        // Conflicts are expected here: a change journaled before its row's copy (a delete or update of a row
        // the store does not hold yet) is counted as one, and the copy then brings the row as of that change.

        let events = try journalEvents()
        let copies = events.filter { $0.op == "snapshot" }.map(\.id)
        XCTAssertEqual(Set(copies).count, copies.count, "a row copied twice")
        XCTAssertGreaterThan(copies.count, 100, "the rows that predate the triggers were copied")
        let changes = events.filter { $0.op != "snapshot" }.map(\.change)
        XCTAssertEqual(Set(changes).count, changes.count, "a change journaled twice")
        let captured = try sqlite3(legacy, "SELECT count(*) FROM _tandem_changes").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(changes.count, Int(captured), "every captured change journaled")

        let second = try startDaemon()
        defer { if second.process.isRunning { second.signal(SIGKILL); second.process.waitUntilExit() } }
        second.waitForLog("ready:")
        try insertLegacy(1001...1001)
        let more = try legacyRows()
        waitUntil("the new change applied after the restart") { sqliteRows() == more }
        second.signal(SIGTERM)
        XCTAssertNotNil(second.waitForExit())
        XCTAssertEqual(try journalEvents().filter { $0.op == "snapshot" }.count, copies.count, "a restart copied rows again")
        XCTAssertFalse(second.log.contains("; following the change log"), second.log)
    }

    /// Promise: `"snapshot": false` follows the change log only: the rows that predate the triggers stay out.
    func testSnapshotFalseFollowsTheChangeLogOnly() throws {
        try legacyWithExistingRows()
        try writeConfig()
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: #""journal": "journal","#, with: #""journal": "journal", "snapshot": false,"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        try insertLegacy(500...500)
        waitUntil("the live change applied") { sqliteRows() == "500|acme|row 500|1\n" }
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(sqliteRows(), "500|acme|row 500|1\n", "only the live change")
        XCTAssertEqual(try journalEvents().filter { $0.op == "snapshot" }.count, 0)
    }
}

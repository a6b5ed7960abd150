import Foundation
import XCTest

/// `tandem verify --repair` through the real binary (issue 14): planted differences in the new store are
/// journaled again from legacy as `snapshot` events (a `delete` for an extra row) and the pair is clean after,
/// with no daemon running (verify appends and replays itself) and with one (the daemon journals the request).
final class VerifyRepairCLITests: DaemonTestCase {
    func verify(_ args: [String]) throws -> CLIResult { try CLI.run(["verify", "--config", configPath, "--settle", "0.1", "--wait", "20"] + args) }

    /// A running daemon that replicated four rows inserted after it started (so the journal holds no start-up
    /// snapshot), then three planted differences: id 2 changed behind Tandem's back, id 3 deleted, id 9 extra.
    func replicatedThenPlanted() throws -> DaemonProcess {
        try writeMigrationConfig()
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'globex', 'b', 2), (3, 'acme', 'c', 3), (4, 'globex', 'd', 4);")
        waitUntil("the legacy rows replicated") { sqliteRows().split(separator: "\n").count == 4 }
        _ = try sqlite3(newDB, "UPDATE items SET name = 'changed by hand' WHERE id = 2; DELETE FROM items WHERE id = 3;"
                        + " INSERT INTO items VALUES (9, 'acme', 'extra', 9);")
        return daemon
    }

    /// The journal's repair events (txn `repair-…`) as `op id`.
    func repairEvents() throws -> [String] {
        let r = try CLI.run(["journal", "inspect", journal])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try journalEvents().enumerated().filter { i, _ in
            r.stdout.split(separator: "\n")[i].contains(#""txn":"repair-"#)
        }.map { "\($0.1.op) \($0.1.id)" }
    }

    func assertRepaired(_ r: CLIResult, how: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr, file: file, line: line)
        XCTAssertTrue(r.stdout.hasPrefix("verify every tenant: NOT clean: 4 rows, 1 missing, 1 extra, 1 different"), r.stdout, file: file, line: line)
        XCTAssertNotNil(r.stdout.range(of: #"\nrepair: 2 snapshot events and 1 delete event \(legacy has no such row: the new store's row is deleted\)"#
                                       + #" at seqs \d+…\d+, "# + NSRegularExpression.escapedPattern(for: how) + "\n", options: .regularExpression),
                        r.stdout, file: file, line: line)
        XCTAssertTrue(r.stdout.contains("\nafter repair, verify every tenant: clean: 4 rows"), r.stdout, file: file, line: line)
        XCTAssertEqual(sqliteRows(), try legacyRows(), "the new store equals legacy", file: file, line: line)
        XCTAssertEqual(try repairEvents(), ["snapshot 2", "snapshot 3", "delete 9"], "the journal shows the repairs", file: file, line: line)
        let again = try verify([])
        XCTAssertEqual(again.status, 0, again.stdout, file: file, line: line)
    }

    func testRepairWithoutADaemonJournalsSnapshotsAndReplaysTheNewSink() throws {
        let daemon = try replicatedThenPlanted()
        daemon.signal(SIGTERM)
        daemon.waitForExit()
        let before = try verify([])
        XCTAssertEqual(before.status, 1, before.stdout)
        try assertRepaired(try verify(["--repair"]), how: "journaled by verify (no daemon runs)")

        // The daemon started again follows the source after the repair events: nothing is journaled twice.
        let again = try startDaemon()
        again.waitForLog("ready:")
        _ = try sqlite3(legacy, "UPDATE items SET qty = 40 WHERE id = 4;")
        waitUntil("the change after the repair replicated") { sqliteRows() == ((try? legacyRows()) ?? "") }
        try assertJournalHoldsEachChangeOnce()
        again.signal(SIGTERM)
        again.waitForExit()
    }

    func testRepairWhileTheDaemonRunsIsJournaledByTheDaemon() throws {
        let daemon = try replicatedThenPlanted()
        try assertRepaired(try verify(["--repair"]), how: "journaled by the running daemon")
        daemon.waitForLog("journaled 2 snapshot and 1 delete events at seqs")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: journal + "/repair"), [], "the request and its answer are removed")

        // Ingest goes on after the repair: a later legacy change lands, each change journaled once.
        _ = try sqlite3(legacy, "UPDATE items SET qty = 40 WHERE id = 4;")
        waitUntil("the change after the repair replicated") { sqliteRows() == ((try? legacyRows()) ?? "") }
        try assertJournalHoldsEachChangeOnce()
        daemon.signal(SIGTERM)
        daemon.waitForExit()
    }

    func testRepairWithJSONReportsTheEventsAndACleanResult() throws {
        let daemon = try replicatedThenPlanted()
        daemon.signal(SIGTERM)
        daemon.waitForExit()
        let r = try verify(["--repair", "--json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertNotNil(r.stdout.range(of: #""repair":\{"how":"journaled by verify \(no daemon runs\)","snapshots":2,"deletes":1,"firstSeq":\d+,"lastSeq":\d+,"refused":\[\]\}"#,
                                       options: .regularExpression), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""differences":[]"#), r.stdout)
    }
}

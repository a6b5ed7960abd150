import Foundation
import TandemCore
import XCTest

/// Issue 11, "Observability" against a real `tandem run`: `/metrics` parsed by the real Prometheus parser with
/// its lag falling to 0 once the writer stops; `tandem status --config` saying it came from the daemon (pid);
/// the live quarantine and parked counts; the lag in seconds measured from the newest applied event.
final class DaemonObservabilityTests: DaemonTestCase {
    /// Every family the issue names (sample names: a counter's samples end in `_total`).
    static let required = ["tandem_journal_head_seq", "tandem_journal_bytes", "tandem_journal_segments",
                           "tandem_source_events_total", "tandem_source_quarantined_total", "tandem_source_position_info",
                           "tandem_sink_applied_seq", "tandem_sink_lag_events", "tandem_sink_lag_seconds",
                           "tandem_sink_events_total", "tandem_sink_conflicts_total", "tandem_sink_state",
                           "tandem_sink_parked", "process_resident_memory_bytes", "process_open_fds"]

    /// Promise: while a legacy application writes, `/metrics` parses with prometheus_client and holds every
    /// family the issue names; once the writer stops, the sink's lag falls to 0 (events and seconds) and its
    /// applied seq is the head; `tandem status --config` (table and --json) then reads the running daemon and
    /// names its pid.
    func testMetricsParseAndLagFallsToZeroAfterTheWriterStopsAndStatusNamesTheDaemon() throws {
        let port = try freeLoopbackPort()
        try writeConfig(listen: "127.0.0.1:\(port)")
        let writer = try ContinuousLegacyWriter(db: legacy, seed: 0x0B5)
        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        waitUntil("rows replicated under load") { sqliteRows().split(separator: "\n").count > 20 }
        let busy = try parsedMetrics(d)
        XCTAssertEqual(Self.required.filter { busy[$0] == nil }, [], "families missing from /metrics")
        XCTAssertEqual(busy["tandem_sink_state"]?[["sink": "new", "state": "running"]], 1)
        XCTAssertGreaterThan(busy["tandem_journal_head_seq"]?[[:]] ?? 0, 0)
        XCTAssertEqual(writer.stop(), 0, "the legacy writer failed")

        let expected = try legacyRows()
        waitUntil("the store to equal the legacy data") { sqliteRows() == expected }
        var settled: [String: [[String: String]: Double]] = [:]
        try waitUntil("the lag to fall to 0 on /metrics") {
            settled = try parsedMetrics(d)
            return settled["tandem_sink_lag_events"]?[["sink": "new"]] == 0 && settled["tandem_sink_lag_seconds"]?[["sink": "new"]] == 0
        }
        let head = try XCTUnwrap(settled["tandem_journal_head_seq"]?[[:]])
        XCTAssertEqual(settled["tandem_sink_applied_seq"]?[["sink": "new"]], head)

        let pid = d.process.processIdentifier
        let table = try CLI.run(["status", "--config", configPath])
        XCTAssertEqual(table.status, 0, "healthy and running: \(table.stdout)\(table.stderr)")
        let lines = table.stdout.components(separatedBy: "\n")
        XCTAssertTrue(lines[0].hasPrefix("tandem status: from the running daemon (pid \(pid)) at 127.0.0.1:\(port), up since "), lines[0])
        XCTAssertEqual(lines[1], "health: ok")
        let row = try XCTUnwrap(lines.first { $0.hasPrefix("new ") }, table.stdout).split(separator: " ")
        XCTAssertEqual(Array(row.prefix(5)), ["new", "running", "\(Int(head))", "0", "0.0"], table.stdout)
        let json = try CLI.run(["status", "--config", configPath, "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], json.stdout)
        XCTAssertEqual(doc["live"] as? Bool, true)
        XCTAssertEqual(doc["pid"] as? Int, Int(pid))
        let sink = try XCTUnwrap((doc["sinks"] as? [[String: Any]])?.first)
        XCTAssertEqual(sink["lagEvents"] as? Int, 0)
        XCTAssertEqual(sink["lagSeconds"] as? Double, 0)

        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(d.process.terminationStatus, 0, d.log)
        let offline = try CLI.run(["status", "--config", configPath])
        XCTAssertTrue(offline.stdout.hasPrefix("tandem status: from disk (no daemon answers at 127.0.0.1:\(port)"), offline.stdout)
    }

    /// Promise: the live `/status` and `/metrics` count the open quarantine by rule (the keys the offline
    /// status uses) and each sink's parked events, re-read when another process changes them; a sink stopped
    /// after applying seq 1 lags from seq 1's commit time (the newest applied event), not from seq 2's.
    func testLiveStatusCountsQuarantineAndParkedAndLagsFromTheNewestAppliedEvent() throws {
        let changes = dir.appendingPathComponent("changes.jsonl").path
        try (#"{"journal": "journal", "source": "jsonl:changes.jsonl", "sinks": [{"name": "new", "into": "sqlite:new.db"}],"#
             + #" "retry": {"initialMs": 100, "maxMs": 1000}, "http": {"listen": "127.0.0.1:0"}}"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        // The application added a NOT NULL column that the change of id 2 does not fill: seq 2 stops the sink.
        _ = try sqlite3(newDB, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, region TEXT NOT NULL)")
        let lines = [
            #"{"txn":"1","committedAt":"2026-01-01T00:00:00Z","entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"v":1,"region":"eu"}}"#,
            #"{"txn":"2","committedAt":"2026-06-01T00:00:00Z","entity":"t","key":{"id":2},"op":"insert","after":{"id":2,"v":2}}"#,
            #"{"txn": not json"#,
            #"{"txn":"3","committedAt":"2026-06-02T00:00:00Z","entity":"t","key":{"id":3},"op":"insert","after":{"id":3,"v":3,"region":"us"}}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: changes, atomically: true, encoding: .utf8)
        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        d.waitForLog("sink new stopped")

        var doc: [String: Any] = [:]
        var sink: [String: Any] = [:]
        try waitUntil("/status to count the quarantined line") {
            doc = try statusDocument(d)
            sink = (doc["sinks"] as? [[String: Any]])?.first ?? [:]
            return (doc["source"] as? [String: Any])?["quarantineByReason"] as? [String: Int] == ["parse": 1]
                && sink["lagEvents"] as? Int == 2 && (sink["lagSeconds"] as? Double ?? 0) > 0
        }
        XCTAssertEqual(sink["state"] as? String, "stopped")
        XCTAssertEqual(sink["appliedSeq"] as? Int, 1)
        // Now minus seq 1's commit time (2026-01-01), not seq 2's (2026-06-01, 151 days later).
        let sinceSeq1 = Date().timeIntervalSince1970 - Double(try Timestamp(rfc3339: "2026-01-01T00:00:00Z").microseconds) / 1e6
        XCTAssertEqual(sink["lagSeconds"] as? Double ?? 0, sinceSeq1, accuracy: 60, "lag measured from the newest applied event")
        XCTAssertEqual(sink["parked"] as? Int, 0)

        let park = try CLI.run(["sink", "park", "--config", configPath, "--sink", "new", "--seq", "2"])
        XCTAssertEqual(park.status, 0, park.stderr)
        d.signal(SIGHUP)  // a stopped sink is tried again at once on SIGHUP
        d.waitForLog("sink new is running again")
        try waitUntil("/status to count the parked event, caught up") {
            sink = ((try statusDocument(d))["sinks"] as? [[String: Any]])?.first ?? [:]
            return sink["parked"] as? Int == 1 && sink["appliedSeq"] as? Int == 3
        }
        XCTAssertEqual(sink["lagSeconds"] as? Double, 0, "caught up")
        XCTAssertEqual(try sqlite3(newDB, "SELECT group_concat(id) FROM t"), "1,3\n")

        // Another line that does not parse: re-read on change, not only at start.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: changes))
        handle.seekToEndOfFile()
        handle.write(Data("also not json\n".utf8))
        try handle.close()
        try waitUntil("/status to count the second quarantined line") {
            ((try statusDocument(d))["source"] as? [String: Any])?["quarantineByReason"] as? [String: Int] == ["parse": 2]
        }
        let metrics = try parsedMetrics(d)
        XCTAssertEqual(metrics["tandem_sink_parked"]?[["sink": "new"]], 1)
        XCTAssertEqual(metrics["tandem_source_quarantine_open"]?[["reason": "parse"]], 2)
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(d.process.terminationStatus, 0, d.log)
    }
}

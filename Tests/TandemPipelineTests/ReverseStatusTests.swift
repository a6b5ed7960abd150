import Foundation
import TandemCore
import TandemJournal
import TandemSQLite
import TandemSources
import XCTest
@testable import TandemPipeline

/// The reverse flow in `/status` (schema-valid, read back), `/metrics` and `tandem status`'s lines.
final class ReverseStatusTests: XCTestCase {
    func testTheReverseFlowIsInStatusMetricsAndTheStatusLines() throws {
        var status = fixedStatus()
        XCTAssertNil(try JSONValue.parse(Array(status.json.description.utf8))["reverse"], "no member without a migration block")
        status.reverse = ReverseStatus(state: "running", journal: "/var/lib/tandem/journal-reverse", headSeq: 12, appliedSeq: 9,
                                       lagSeconds: 0.5, tenants: ["acme", "bolt"], journaledTotal: 12, appliedTotal: 9)
        status.reverse?.filteredTotal = 4
        let doc = try JSONValue.parse(Array(status.json.description.utf8))
        XCTAssertEqual(SchemaCheck(root: try JSONValue.parse([UInt8](Data(contentsOf: StatusSchemaTests.schemaURL)))).faults(doc), [])
        XCTAssertEqual(doc["reverse"]?["lagEvents"]?.int64, 3)
        XCTAssertEqual(doc["reverse"]?["filteredTotal"]?.int64, 4)
        XCTAssertEqual(try DaemonStatus(json: Array(status.json.description.utf8)).reverse, status.reverse)

        let page = DaemonEndpoints.metrics(status, process: nil).text
        for line in ["tandem_reverse_head_seq 12\n", "tandem_reverse_applied_seq 9\n", "tandem_reverse_lag_events 3\n",
                     "tandem_reverse_lag_seconds 0.5\n", "tandem_reverse_tenants 2\n", "tandem_reverse_state{state=\"running\"} 1\n",
                     "tandem_reverse_state{state=\"degraded\"} 0\n", "tandem_reverse_filtered_total 4\n"] {
            XCTAssertTrue(page.contains("\n" + line), line + " in " + page)
        }
        let lines = StatusReport(status: status, origin: .daemon(address: "127.0.0.1:9187"), document: []).summaryLines
        XCTAssertTrue(lines.contains("reverse: running, journal /var/lib/tandem/journal-reverse, head seq 12, legacy applied seq 9,"
                                     + " lag 3 events (0.5 s), 2 tenants in cut-over, 4 changes of other tenants filtered"), "\(lines)")
    }

    /// `tandem status` without a daemon: the reverse flow read from disk — its journal's head, the legacy
    /// store's `reverse` checkpoint, the lag between them, the tenants in cut-over — stopped, schema-valid.
    func testTheOfflineStatusReadsTheReverseFlowFromDisk() throws {
        let f = try MigrationFixture(self, extra: #", "maxForwardLagSeconds": 3600"#)
        XCTAssertEqual(DaemonStatus.offline(config: f.config).reverse?.line,
                       "reverse: stopped, journal \(f.journal)-reverse, head seq 0, legacy applied seq 0, lag 0 events (0.0 s),"
                       + " 0 tenants in cut-over, 0 changes of other tenants filtered; the daemon is not running")
        let now = Quarantine.now()
        let control = try f.pilotInCutOver(now: now)
        defer { control.state.close() }
        let new = try Database(path: f.newPath)
        try new.execute("INSERT INTO orders (id, tenant) VALUES (50, 'acme')")
        _ = try ReverseSetup.flow(f.config).runOnce()
        // One more reverse event journaled, not applied: the legacy store is one behind.
        let w = try JournalWriter(directory: f.journal + "-reverse")
        try w.append([Event(committedAt: Timestamp(microseconds: now.microseconds - 5_000_000), entity: "bestellungen", key: ["id": .int(51)],
                            op: .insert, after: ["id": .int(51), "mandant": .string("acme")], tenant: "acme", origin: "new")])
        w.close()
        new.close()

        let status = DaemonStatus.offline(config: f.config, now: Timestamp(microseconds: Quarantine.now().microseconds + 10_000_000))
        let r = try XCTUnwrap(status.reverse)
        XCTAssertEqual([r.state, r.reason], ["stopped", DaemonStatus.notRunningReason])
        XCTAssertEqual([r.headSeq, r.appliedSeq, r.lagEvents], [2, 1, 1])
        XCTAssertEqual(r.tenants, ["acme"])
        XCTAssertGreaterThan(r.lagSeconds, 9)  // since the last applied event's commit, as a sink's
        let doc = try JSONValue.parse(Array(status.json.description.utf8))
        XCTAssertEqual(SchemaCheck(root: try JSONValue.parse([UInt8](Data(contentsOf: StatusSchemaTests.schemaURL)))).faults(doc), [])
        let lines = StatusReport(status: status, origin: .disk(why: "no daemon answers"), document: []).summaryLines
        XCTAssertTrue(lines.contains { $0.hasPrefix("reverse: stopped, journal \(f.journal)-reverse, head seq 2, legacy applied seq 1, lag 1 events") },
                      "\(lines)")
    }
}

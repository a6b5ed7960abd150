import Foundation
import TandemCore
import XCTest
@testable import TandemPipeline

/// The reverse flow in `/status` (schema-valid, read back), `/metrics` and `tandem status`'s lines.
final class ReverseStatusTests: XCTestCase {
    func testTheReverseFlowIsInStatusMetricsAndTheStatusLines() throws {
        var status = fixedStatus()
        XCTAssertNil(try JSONValue.parse(Array(status.json.description.utf8))["reverse"], "no member without a migration block")
        status.reverse = ReverseStatus(state: "running", journal: "/var/lib/tandem/journal-reverse", headSeq: 12, appliedSeq: 9,
                                       lagSeconds: 0.5, tenants: ["acme", "bolt"], journaledTotal: 12, appliedTotal: 9)
        let doc = try JSONValue.parse(Array(status.json.description.utf8))
        XCTAssertEqual(SchemaCheck(root: try JSONValue.parse([UInt8](Data(contentsOf: StatusSchemaTests.schemaURL)))).faults(doc), [])
        XCTAssertEqual(doc["reverse"]?["lagEvents"]?.int64, 3)
        XCTAssertEqual(try DaemonStatus(json: Array(status.json.description.utf8)).reverse, status.reverse)

        let page = DaemonEndpoints.metrics(status, process: nil).text
        for line in ["tandem_reverse_head_seq 12\n", "tandem_reverse_applied_seq 9\n", "tandem_reverse_lag_events 3\n",
                     "tandem_reverse_lag_seconds 0.5\n", "tandem_reverse_tenants 2\n", "tandem_reverse_state{state=\"running\"} 1\n",
                     "tandem_reverse_state{state=\"degraded\"} 0\n"] {
            XCTAssertTrue(page.contains("\n" + line), line + " in " + page)
        }
        let lines = StatusReport(status: status, origin: .daemon(address: "127.0.0.1:9187"), document: []).summaryLines
        XCTAssertTrue(lines.contains("reverse: running, journal /var/lib/tandem/journal-reverse, head seq 12, legacy applied seq 9,"
                                     + " lag 3 events (0.5 s), 2 tenants in cut-over"), "\(lines)")
    }
}

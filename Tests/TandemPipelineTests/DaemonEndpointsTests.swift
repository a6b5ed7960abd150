import Foundation
import Synchronization
import TandemCore
import TandemSinks
import XCTest
@testable import TandemPipeline

/// A status with every field set, one sink running and one stopped by a poison event; label and reason texts
/// hold the characters the exposition format escapes.
func fixedStatus(healthy: Bool = false) -> DaemonStatus {
    var conflicts = ConflictCounts()
    conflicts.add(.insertExists, 3)
    conflicts.add(.deleteMissing)
    let new = SinkStatus(name: "new", spec: "sqlite:/var/lib/tandem/new.db", state: .running, appliedSeq: 120,
                         lagEvents: 3, lagSeconds: 0.25, eventsTotal: 117, conflicts: conflicts, parked: 0,
                         eventsPerSecond: 12.5)
    let pg = SinkStatus(name: "pg", spec: "postgres://tandem@/newdb", state: healthy ? .running : .stopped,
                        reason: healthy ? nil : "the store refused event seq 101 (insert on customers, key {\"id\":7}):\nNOT NULL",
                        appliedSeq: 100, lagEvents: 23, lagSeconds: 61.5, eventsTotal: 0, parked: 2, attempts: 0)
    return DaemonStatus(
        live: true, takenAt: Timestamp(microseconds: 1_795_000_000_123_456),
        startedAt: Timestamp(microseconds: 1_794_999_000_000_000), pid: 4242,
        source: SourceStatus(spec: "sqlite-changelog:legacy.db", state: .running, position: #"changelog "id" 42\x"#,
                             eventsTotal: 120, quarantinedTotal: 2, quarantineByReason: ["parse": 1, "type": 4],
                             eventsPerSecond: 12.5),
        journal: JournalStatus(directory: "/var/lib/tandem/journal", state: .running, headSeq: 123, firstSeq: 1,
                               bytes: 65_536, segments: 2, headCommittedAt: Timestamp(microseconds: 1_795_000_000_000_000)),
        sinks: [new, pg])
}

/// The daemon's pages rendered from one fixed status: exact metric lines, health reasons, the JSON document.
final class DaemonEndpointsTests: XCTestCase {
    private func get(_ path: String, _ status: DaemonStatus = fixedStatus(), method: String = "GET") -> HTTPResponse {
        let request = HTTPRequest(method: method, path: path, query: nil, headers: [])
        return DaemonEndpoints.respond(to: request, status: { status }, process: { nil })
    }

    func testMetricsCarryEveryFamilyTheIssueNamesWithExactSamples() throws {
        let response = get("/metrics")
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.contentType, "text/plain; version=0.0.4; charset=utf-8")
        let lines = String(decoding: response.body, as: UTF8.self).split(separator: "\n").map(String.init)
        let expected = [
            "tandem_journal_head_seq 123",
            "tandem_journal_first_seq 1",
            "tandem_journal_bytes 65536",
            "tandem_journal_segments 2",
            #"tandem_journal_state{state="running"} 1"#,
            #"tandem_journal_state{state="degraded"} 0"#,
            "tandem_source_events_total 120",
            "tandem_source_quarantined_total 2",
            #"tandem_source_quarantine_open{reason="parse"} 1"#,
            #"tandem_source_quarantine_open{reason="type"} 4"#,
            #"tandem_source_position_info{position="changelog \"id\" 42\\x"} 1"#,
            #"tandem_sink_applied_seq{sink="new"} 120"#,
            #"tandem_sink_applied_seq{sink="pg"} 100"#,
            #"tandem_sink_lag_events{sink="pg"} 23"#,
            #"tandem_sink_lag_seconds{sink="new"} 0.25"#,
            #"tandem_sink_lag_seconds{sink="pg"} 61.5"#,
            #"tandem_sink_events_total{sink="new"} 117"#,
            #"tandem_sink_conflicts_total{sink="new",kind="insert-exists"} 3"#,
            #"tandem_sink_conflicts_total{sink="new",kind="update-missing"} 0"#,
            #"tandem_sink_conflicts_total{sink="new",kind="delete-missing"} 1"#,
            #"tandem_sink_conflicts_total{sink="pg",kind="insert-exists"} 0"#,
            #"tandem_sink_state{sink="pg",state="starting"} 0"#,
            #"tandem_sink_state{sink="pg",state="running"} 0"#,
            #"tandem_sink_state{sink="pg",state="degraded"} 0"#,
            #"tandem_sink_state{sink="pg",state="stopped"} 1"#,
            #"tandem_sink_state{sink="new",state="running"} 1"#,
            #"tandem_sink_parked{sink="pg"} 2"#,
            #"tandem_sink_retry_attempts{sink="pg"} 0"#,
        ]
        for line in expected { XCTAssertTrue(lines.contains(line), "missing: \(line)") }
        let families = ["tandem_journal_head_seq": "gauge", "tandem_journal_bytes": "gauge", "tandem_journal_segments": "gauge",
                        "tandem_source_events_total": "counter", "tandem_source_quarantined_total": "counter",
                        "tandem_source_position_info": "gauge", "tandem_sink_applied_seq": "gauge",
                        "tandem_sink_lag_events": "gauge", "tandem_sink_lag_seconds": "gauge",
                        "tandem_sink_events_total": "counter", "tandem_sink_conflicts_total": "counter",
                        "tandem_sink_state": "gauge", "tandem_sink_parked": "gauge"]
        for (name, type) in families {
            XCTAssertEqual(lines.filter { $0 == "# TYPE \(name) \(type)" }.count, 1, name)
            XCTAssertEqual(lines.filter { $0.hasPrefix("# HELP \(name) ") }.count, 1, name)
        }
        // One series a state for each sink, exactly one of them 1.
        let pgStates = lines.filter { $0.hasPrefix(#"tandem_sink_state{sink="pg","#) }
        XCTAssertEqual(pgStates.count, ComponentState.allCases.count)
        XCTAssertEqual(pgStates.filter { $0.hasSuffix(" 1") }.count, 1)
    }

    func testProcessMetricsFollowTheTandemFamilies() throws {
        let request = HTTPRequest(method: "GET", path: "/metrics", query: nil, headers: [])
        let page = String(decoding: DaemonEndpoints.respond(to: request, status: { fixedStatus() }).body, as: UTF8.self)
        let rss = try XCTUnwrap(page.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") })
        XCTAssertGreaterThan(Int64(rss.split(separator: " ")[1]) ?? 0, 1 << 20)
        XCTAssertTrue(page.contains("# TYPE process_open_fds gauge\nprocess_open_fds "))
        XCTAssertLessThan(try XCTUnwrap(page.range(of: "tandem_sink_parked")).lowerBound,
                          try XCTUnwrap(page.range(of: "process_open_fds")).lowerBound)
    }

    func testHealthzIsOkOrA503WithOneReasonALine() throws {
        let healthy = get("/healthz", fixedStatus(healthy: true))
        XCTAssertEqual(healthy.status, .ok)
        XCTAssertEqual(String(decoding: healthy.body, as: UTF8.self), "ok\n")

        var status = fixedStatus()
        status.journal.state = .degraded
        status.journal.reason = "no space left on device (/var/lib/tandem/journal); ingestion paused"
        let sick = get("/healthz", status)
        XCTAssertEqual(sick.status, .serviceUnavailable)
        XCTAssertEqual(String(decoding: sick.body, as: UTF8.self), """
            journal degraded: no space left on device (/var/lib/tandem/journal); ingestion paused
            sink pg stopped: the store refused event seq 101 (insert on customers, key {"id":7}): NOT NULL

            """)
    }

    func testStatusIsOneJSONDocumentThatReadsBackToTheSameStatus() throws {
        let response = get("/status")
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.contentType, "application/json")
        XCTAssertEqual(response.body.last, UInt8(ascii: "\n"))
        XCTAssertEqual(try DaemonStatus(json: response.body), fixedStatus())
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        XCTAssertEqual(doc["pid"] as? Int, 4242)
        XCTAssertEqual(doc["healthy"] as? Bool, false)
        XCTAssertEqual(doc["worstLagEvents"] as? Int, 23)
        XCTAssertEqual(doc["takenAt"] as? String, "2026-11-18T11:06:40.123456Z")
        let sinks = try XCTUnwrap(doc["sinks"] as? [[String: Any]])
        XCTAssertEqual(sinks.map { $0["name"] as? String }, ["new", "pg"])
        XCTAssertEqual(sinks[0]["conflicts"] as? [String: Int], ["insert-exists": 3, "update-missing": 0, "delete-missing": 1])
        XCTAssertEqual(sinks[1]["state"] as? String, "stopped")
        XCTAssertEqual((doc["source"] as? [String: Any])?["quarantineByReason"] as? [String: Int], ["parse": 1, "type": 4])
    }

    func testTheSystemdStatusAndTheHeartbeatAreOneLineEach() {
        XCTAssertEqual(fixedStatus(healthy: true).systemdStatus, "head seq 123, worst lag 23 events (pg), 2/2 sinks running")
        let sick = fixedStatus().systemdStatus
        XCTAssertEqual(sick, "head seq 123, worst lag 23 events (pg), 1/2 sinks running; sink pg stopped: the store refused event seq 101"
                       + #" (insert on customers, key {"id":7}): NOT NULL"#)
        var long = fixedStatus()
        long.sinks[1].reason = String(repeating: "x", count: 500)
        XCTAssertEqual(long.systemdStatus.count, 200)
        XCTAssertTrue(long.systemdStatus.hasSuffix("x…"))
        XCTAssertEqual(fixedStatus().heartbeat, "heartbeat: source running 12.5 events/s, 120 journaled, 2 quarantined since start;"
                       + " journal head seq 123, 65536 bytes in 2 segments;"
                       + " sink new running applied 120, lag 3 events 0.3 s, 12.5 events/s, conflicts 3 insert-exists, 1 delete-missing;"
                       + " sink pg stopped applied 100, lag 23 events 61.5 s, 0.0 events/s, 2 parked")
    }

    func testSeqsBeyondTwoToTheFiftyThreeStayExact() throws {
        var status = fixedStatus()
        status.journal.headSeq = UInt64.max - 1
        status.sinks[0].appliedSeq = (1 << 53) + 1
        XCTAssertEqual(try DaemonStatus(json: get("/status", status).body), status)
        let page = String(decoding: get("/metrics", status).body, as: UTF8.self)
        XCTAssertTrue(page.contains("\ntandem_journal_head_seq 18446744073709551614\n"), page)
    }

    func testOtherPathsAre404AndOtherMethods405() {
        let missing = get("/")
        XCTAssertEqual(missing.status, .notFound)
        XCTAssertEqual(String(decoding: missing.body, as: UTF8.self), "404 Not Found: /; served: /metrics, /healthz, /status\n")
        XCTAssertEqual(get("/status/x").status, .notFound)
        let post = get("/status", method: "POST")
        XCTAssertEqual(post.status, .methodNotAllowed)
        XCTAssertEqual(post.headers, [HTTPHeader(name: "Allow", value: "GET, HEAD")])
    }

    func testTheStatusIsAskedOnlyForAPageThatShowsIt() {
        let asked = Counter()
        let request = HTTPRequest(method: "GET", path: "/nothing", query: nil, headers: [])
        _ = DaemonEndpoints.respond(to: request, status: { asked.add(); return fixedStatus() }, process: { nil })
        XCTAssertEqual(asked.value, 0)
        _ = DaemonEndpoints.respond(to: HTTPRequest(method: "GET", path: "/healthz", query: nil, headers: []),
                                    status: { asked.add(); return fixedStatus() }, process: { nil })
        XCTAssertEqual(asked.value, 1)
    }

    /// Every `tandem_*` name the alerts and their unit tests use is a family of the page (a renamed metric
    /// would leave an alert that never fires).
    func testEveryMetricTheAlertsUseIsOnThePage() throws {
        let page = String(decoding: get("/metrics").body, as: UTF8.self)
        let ops = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("ops/prometheus")
        var used = Set<String>()
        for file in ["alerts.yml", "alerts.test.yml"] {
            let text = try String(contentsOf: ops.appendingPathComponent(file), encoding: .utf8)
            var rest = Substring(text)
            while let r = rest.range(of: "tandem_") {
                let name = rest[r.lowerBound...].prefix { $0.isLetter || $0 == "_" }
                used.insert(String(name))
                rest = rest[r.upperBound...]
            }
        }
        XCTAssertGreaterThanOrEqual(used.count, 10, "\(used)")
        for name in used { XCTAssertTrue(page.contains("# TYPE \(name) "), "the alerts use \(name), which /metrics does not write") }
    }

    func testABadStatusDocumentNamesThePathOfItsFault() throws {
        let original = String(decoding: get("/status").body, as: UTF8.self)
        let doc = original.replacingOccurrences(of: #""appliedSeq":100"#, with: #""appliedSeq":-1"#)
        XCTAssertThrowsError(try DaemonStatus(json: Array(doc.utf8))) {
            XCTAssertEqual($0 as? StatusDocumentError, .invalid(path: "$.sinks[1].appliedSeq", reason: "expected a whole number ≥ 0"))
        }
        let noState = original.replacingOccurrences(of: #""state":"running","reason":null,"position""#, with: #""reason":null,"position""#)
        XCTAssertThrowsError(try DaemonStatus(json: Array(noState.utf8))) {
            XCTAssertEqual($0 as? StatusDocumentError, .invalid(path: "$.source.state", reason: "missing"))
        }
        XCTAssertThrowsError(try DaemonStatus(json: Array("<html>".utf8))) {
            guard case .notJSON? = $0 as? StatusDocumentError else { return XCTFail("\($0)") }
        }
        let future = original.replacingOccurrences(of: #"{"version":1,"#, with: #"{"version":2,"#)
        XCTAssertThrowsError(try DaemonStatus(json: Array(future.utf8))) {
            XCTAssertEqual($0 as? StatusDocumentError, .invalid(path: "$.version", reason: "version 2; this tandem reads version 1"))
        }
    }
}

/// A count shared with a `@Sendable` closure.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

import Foundation
import TandemCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import TandemPipeline

/// The daemon's pages served by the real HTTP server on an ephemeral loopback port: scraped by the real
/// Prometheus text parser, read by the loopback client, and still served after bad input.
final class DaemonEndpointsServerTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func serve(_ status: DaemonStatus = fixedStatus(),
                       limits: HTTPServerLimits = HTTPServerLimits(readTimeout: .milliseconds(800))) throws -> UInt16 {
        let server = try HTTPServer(listen: "127.0.0.1:0", limits: limits) { request in
            DaemonEndpoints.respond(to: request, status: { status })
        }
        try server.start()
        addTeardownBlock { server.stop() }
        return try XCTUnwrap(server.boundAddress?.port)
    }

    /// Runs `scripts/check-metrics URL` (prometheus_client's `text_string_to_metric_families`) and returns the
    /// families it parsed; fails the test when the page does not parse.
    private func parsedByPrometheus(port: UInt16, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.repository.appendingPathComponent("scripts/check-metrics").path,
                       "http://127.0.0.1:\(port)/metrics"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            XCTFail("the Prometheus parser refused the page (exit \(p.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))",
                    file: file, line: line)
            throw XCTSkip("no parsed page")
        }
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
    }

    private func samples(_ families: [String: Any], _ family: String) -> [(name: String, labels: [String: String], value: Double)] {
        let samples = (families[family] as? [String: Any])?["samples"] as? [[Any]] ?? []
        return samples.map { ($0[0] as? String ?? "", $0[1] as? [String: String] ?? [:], ($0[2] as? NSNumber)?.doubleValue ?? .nan) }
    }

    func testThePrometheusParserReadsThePageWithItsLabelsAndValues() throws {
        let families = try parsedByPrometheus(port: try serve())
        // The parser names a counter's family without `_total`, its samples with it.
        for name in ["tandem_journal_head_seq", "tandem_journal_bytes", "tandem_journal_segments", "tandem_source_events",
                     "tandem_source_quarantined", "tandem_source_position_info", "tandem_sink_applied_seq",
                     "tandem_sink_lag_events", "tandem_sink_lag_seconds", "tandem_sink_events", "tandem_sink_conflicts",
                     "tandem_sink_state", "tandem_sink_parked", "process_resident_memory_bytes", "process_open_fds"] {
            XCTAssertNotNil(families[name], "the parser found no family \(name)")
        }
        XCTAssertEqual((families["tandem_sink_conflicts"] as? [String: Any])?["type"] as? String, "counter")
        XCTAssertEqual((families["tandem_sink_lag_seconds"] as? [String: Any])?["type"] as? String, "gauge")
        XCTAssertEqual(samples(families, "tandem_journal_head_seq").map(\.value), [123])
        let position = samples(families, "tandem_source_position_info")
        XCTAssertEqual(position.map(\.labels), [["position": #"changelog "id" 42\x"#]])
        let lag = samples(families, "tandem_sink_lag_seconds")
        XCTAssertEqual(lag.map { $0.labels["sink"] ?? "" }, ["new", "pg"])
        XCTAssertEqual(lag.map(\.value), [0.25, 61.5])
        let conflicts = samples(families, "tandem_sink_conflicts").filter { $0.labels["sink"] == "new" }
        XCTAssertEqual(conflicts.map(\.name), Array(repeating: "tandem_sink_conflicts_total", count: 3))
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: conflicts.map { ($0.labels["kind"] ?? "", $0.value) }),
                       ["insert-exists": 3, "update-missing": 0, "delete-missing": 1])
        let stopped = samples(families, "tandem_sink_state").filter { $0.value == 1 }.map { $0.labels }
        XCTAssertEqual(stopped, [["sink": "new", "state": "running"], ["sink": "pg", "state": "stopped"]])
        XCTAssertGreaterThan(samples(families, "process_resident_memory_bytes").first?.value ?? 0, Double(1 << 20))
    }

    /// promtool's linter (`promtool check metrics`: names, units, counters ending in `_total`) finds nothing.
    func testPromtoolFindsNothingToLintOnThePage() throws {
        guard let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("promtool is not installed (scripts/setup installs Debian's prometheus package for it)")
        }
        let port = try serve()
        let page = try HTTPClient.get("/metrics", from: try HTTPListenAddress(parsing: "127.0.0.1:\(port)")).body
        let p = Process()
        p.executableURL = URL(fileURLWithPath: promtool)
        p.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input; p.standardOutput = output; p.standardError = output
        try p.run()
        input.fileHandleForWriting.write(Data(page))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, said)
        XCTAssertEqual(said, "", "promtool check metrics")
    }

    func testTheLoopbackClientReadsStatusAndHealthFromTheServer() throws {
        let port = try serve()
        let address = try HTTPListenAddress(parsing: "127.0.0.1:\(port)")
        let status = try HTTPClient.get("/status", from: address)
        XCTAssertEqual(status.status, 200)
        XCTAssertEqual(status.header("Content-Type"), "application/json")
        XCTAssertEqual(try DaemonStatus(json: status.body), fixedStatus())
        let health = try HTTPClient.get("/healthz", from: address)
        XCTAssertEqual(health.status, 503)
        XCTAssertTrue(String(decoding: health.body, as: UTF8.self).hasPrefix("sink pg stopped: the store refused event seq 101"))
        // 0.0.0.0 is asked on loopback.
        XCTAssertEqual(try HTTPClient.get("/healthz", from: try HTTPListenAddress(parsing: "0.0.0.0:\(port)")).status, 503)
    }

    func testTheClientGivesUpOnNothingListeningAndOnASilentListenerWithinItsDeadline() throws {
        // A listener that never accepts nor answers: the kernel completes the handshake, nobody reads.
        let (listener, port) = try silentListener()
        let started = ContinuousClock.now
        XCTAssertThrowsError(try HTTPClient.get("/status", from: try HTTPListenAddress(parsing: "127.0.0.1:\(port)"),
                                                timeout: .milliseconds(300))) {
            XCTAssertEqual($0 as? HTTPClientError, .timedOut("127.0.0.1:\(port)", phase: "reading", after: .milliseconds(300)))
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
        close(listener)
        XCTAssertThrowsError(try HTTPClient.get("/status", from: try HTTPListenAddress(parsing: "127.0.0.1:\(port)"))) {
            XCTAssertEqual($0 as? HTTPClientError, .connectFailed("127.0.0.1:\(port)", errno: ECONNREFUSED))
            XCTAssertEqual("\($0)", "127.0.0.1:\(port): Connection refused")
        }
    }

    /// A socket that listens on an ephemeral loopback port and is never accepted from.
    private func silentListener() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(fd, 4), 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, UInt16(bigEndian: sa.sin_port))
    }

    func testAnswersThatAreNotHTTPAreRefusedNamingWhy() {
        XCTAssertThrowsError(try HTTPClient.parse(Array("SSH-2.0-OpenSSH\r\n".utf8), from: "a")) {
            XCTAssertEqual($0 as? HTTPClientError, .malformed("a", reason: "no end of the header"))
        }
        XCTAssertThrowsError(try HTTPClient.parse(Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort".utf8), from: "a")) {
            XCTAssertEqual($0 as? HTTPClientError, .malformed("a", reason: "the body is cut short (5 of 10 bytes)"))
        }
        XCTAssertThrowsError(try HTTPClient.parse(Array("ICY 200 OK\r\n\r\n".utf8), from: "a")) {
            XCTAssertEqual($0 as? HTTPClientError, .malformed("a", reason: "the status line is not HTTP/1.x CODE"))
        }
        XCTAssertEqual(try? HTTPClient.parse(Array("HTTP/1.0 404 Not Found\r\nX: y\r\n\r\nnope".utf8), from: "a"),
                       HTTPClient.Response(status: 404, headers: [HTTPHeader(name: "x", value: "y")], body: Array("nope".utf8)))
    }

    /// The bad input the issue names, against the daemon's own pages: each gets its 4xx, no file is ever
    /// read, and the pages are served after each.
    func testBadInputGets4xxAndTheDaemonsPagesAreStillServed() throws {
        let port = try serve()
        func stillServes(_ after: String) {
            let health = RawHTTPClient.request(port: port, "/status")
            XCTAssertEqual(health?.status, 200, "after \(after)")
            XCTAssertEqual(health.flatMap { try? DaemonStatus(json: Array($0.body.utf8)) }, fixedStatus(), "after \(after)")
        }
        for target in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/status/../../../etc/passwd"] {
            let r = try XCTUnwrap(RawHTTPClient.request(port: port, target))
            XCTAssertEqual(r.status, 400, target)
            XCTAssertFalse(r.body.contains("root:"), target)
            stillServes(target)
        }
        let post = try XCTUnwrap(RawHTTPClient.request(port: port, "/status", method: "POST"))
        XCTAssertEqual(post.status, 405)
        XCTAssertEqual(post.headers["allow"], "GET, HEAD")
        stillServes("a POST")

        let big = try XCTUnwrap(RawHTTPClient(port: port))
        big.send("GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        var sent = 0
        while sent < 10 << 20, !big.isReadable(within: 0), big.send(chunk) { sent += chunk.count }
        XCTAssertEqual(big.readResponse()?.status, 431)
        stillServes("a 10 MB header")

        // A slowloris: one byte every 20 ms; the pages are served meanwhile, and it gets 408 at the deadline.
        let slow = try XCTUnwrap(RawHTTPClient(port: port))
        for (i, byte) in "GET /status HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8.enumerated() {
            if slow.isReadable(within: 20) { break }
            guard slow.send([byte]) else { break }
            if i == 3 { stillServes("the slowloris' first bytes") }
        }
        XCTAssertEqual(slow.readResponse(timeout: .seconds(3))?.status, 408)
        stillServes("a slowloris")
    }

    func testStatusReportAsksTheRunningDaemonAndFallsBackToDiskNamingWhy() throws {
        let dir = try configDirectory(self)
        var status = fixedStatus()
        status.journal.directory = dir + "/journal"
        let port = try serve(status)
        let live = try DaemonConfig.load(path: try write(smallest(http: #"{"listen": "127.0.0.1:\#(port)"}"#), in: dir),
                                         environment: [:])
        let report = StatusReport.fetch(config: live)
        XCTAssertEqual(report.origin, .daemon(address: "127.0.0.1:\(port)"))
        XCTAssertEqual(report.status, status)
        XCTAssertEqual(report.summaryLines[0],
                       "tandem status: from the running daemon (pid 4242) at 127.0.0.1:\(port), up since 2026-11-18T10:50:00.000000Z;"
                       + " taken 2026-11-18T11:06:40.123456Z")
        XCTAssertEqual(report.sinkRows.map { $0.prefix(7).joined(separator: " ") },
                       ["SINK STATE APPLIED LAG EVENTS LAG SECONDS CONFLICTS PARKED", "new running 120 3 0.3 4 0",
                        "pg stopped 100 23 61.5 0 2"])
        XCTAssertEqual(report.sinkRows[2][7], #"the store refused event seq 101 (insert on customers, key {"id":7}):\nNOT NULL"#)

        // A daemon of another journal on that port is not taken for this one.
        let otherPort = try serve(fixedStatus())
        let other = try DaemonConfig.load(path: try write(smallest(http: #"{"listen": "127.0.0.1:\#(otherPort)"}"#), "other.json", in: dir),
                                          environment: [:])
        XCTAssertEqual(StatusReport.fetch(config: other).origin,
                       .disk(why: "the daemon at 127.0.0.1:\(otherPort) serves the journal /var/lib/tandem/journal, not \(dir)/journal"))

        let offline = StatusReport.fetch(config: live, askDaemon: false)
        XCTAssertEqual(offline.origin, .disk(why: "the daemon was not asked: --offline"))
        XCTAssertFalse(offline.status.live)
        XCTAssertEqual(offline.status.sinks.map(\.state), [.stopped, .stopped])
    }
}

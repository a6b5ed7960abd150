import Dispatch
import Foundation
import XCTest
@testable import TandemPipeline

/// The Prometheus text exposition (0.0.4): exact text, and what a real Prometheus parser reads from it.
final class MetricsTextTests: XCTestCase {
    func testEachFamilyHasOneHelpAndTypeAndItsSamplesTogether() {
        var page = MetricsText()
        page.append("tandem_events_total", type: .counter, help: "Events applied.", labels: ["sink": "a"], value: Int64(3))
        page.append("tandem_lag_seconds", type: .gauge, help: "Lag.", value: 0.25)
        page.append("tandem_events_total", type: .counter, help: "ignored: the first help stays", labels: ["sink": "b"],
                    value: Int64(4))
        XCTAssertEqual(page.text, """
            # HELP tandem_events_total Events applied.
            # TYPE tandem_events_total counter
            tandem_events_total{sink="a"} 3
            tandem_events_total{sink="b"} 4
            # HELP tandem_lag_seconds Lag.
            # TYPE tandem_lag_seconds gauge
            tandem_lag_seconds 0.25

            """)
        XCTAssertEqual(MetricsText().text, "")
    }

    func testValuesAreWrittenAsTheFormatSpellsThem() {
        XCTAssertEqual(MetricsText.format(.infinity), "+Inf")
        XCTAssertEqual(MetricsText.format(-.infinity), "-Inf")
        XCTAssertEqual(MetricsText.format(.nan), "NaN")
        XCTAssertEqual(MetricsText.format(1e15), "1000000000000000")
        XCTAssertEqual(MetricsText.format(-42), "-42")
        XCTAssertEqual(MetricsText.format(-0.0), "0")
        XCTAssertEqual(MetricsText.format(0.1), "0.1")
        XCTAssertEqual(MetricsText.format(1e300), "1e+300")
        var page = MetricsText()
        page.append("big", type: .counter, help: "", value: UInt64.max)
        page.append("small", type: .gauge, help: "", value: 2)
        XCTAssertTrue(page.text.contains("\nbig 18446744073709551615\n"), page.text)
        XCTAssertTrue(page.text.hasSuffix("\nsmall 2\n"), page.text)
    }

    func testLabelValuesHelpAndNamesAreEscaped() {
        var page = MetricsText()
        page.append("tandem-sink state", type: .gauge, help: "Line one\nback\\slash \"quoted\"",
                    labels: ["sink name": "a \"b\" \\c\nd"], value: 1.0)
        XCTAssertEqual(page.text, """
            # HELP tandem_sink_state Line one\\nback\\\\slash "quoted"
            # TYPE tandem_sink_state gauge
            tandem_sink_state{sink_name="a \\"b\\" \\\\c\\nd"} 1

            """)
        XCTAssertEqual(MetricsText.sanitized("9lives", colonAllowed: true), "_lives")
        XCTAssertEqual(MetricsText.sanitized("a:b", colonAllowed: false), "a_b")
    }

    /// The issue's test: `/metrics` is parsed by a real Prometheus text parser (prometheus_client from PyPI,
    /// installed by `scripts/setup`), fetched over HTTP from the server in a separate process.
    func testAPrometheusParserReadsThePageTheServerServes() throws {
        let server = try HTTPServer(listen: "127.0.0.1:0") { request in
            guard request.path == "/metrics" else { return .text("no such page\n", status: .notFound) }
            var page = MetricsText()
            page.append("tandem_events_applied_total", type: .counter, help: "Events applied, by sink.",
                        labels: ["sink": "pg \"main\"\\\nsecond line", "cohort": "a"], value: Int64(12345))
            page.append("tandem_events_applied_total", type: .counter, help: "Events applied, by sink.",
                        labels: ["sink": "sqlite", "cohort": "b"], value: Int64(7))
            page.append("tandem_lag_seconds", type: .gauge, help: "Seconds behind\nthe journal \\ tail.", value: 0.5)
            page.append("tandem_backoff_seconds", type: .gauge, help: "Backoff.", labels: ["kind": "up"], value: .infinity)
            page.append("tandem_backoff_seconds", type: .gauge, help: "Backoff.", labels: ["kind": "down"], value: -.infinity)
            page.append("tandem_ratio", type: .gauge, help: "Unknown yet.", value: .nan)
            ProcessMetrics.current()?.write(into: &page)
            return .metrics(page)
        }
        try server.start()
        defer { server.stop() }
        let port = try XCTUnwrap(server.boundAddress?.port)
        let parsed = try parseWithPrometheusClient(url: "http://127.0.0.1:\(port)/metrics")
        XCTAssertEqual(parsed["contentType"] as? String, MetricsText.contentType)
        let families = try XCTUnwrap(parsed["families"] as? [[String: Any]])
        func family(_ name: String) -> [String: Any]? { families.first { $0["name"] as? String == name } }
        func samples(_ name: String) -> [[Any]] { family(name)?["samples"] as? [[Any]] ?? [] }

        let applied = try XCTUnwrap(family("tandem_events_applied"), "families: \(families.map { $0["name"]! })")
        XCTAssertEqual(applied["type"] as? String, "counter")
        XCTAssertEqual(applied["help"] as? String, "Events applied, by sink.")
        let appliedSamples = samples("tandem_events_applied")
        XCTAssertEqual(appliedSamples.count, 2)
        XCTAssertEqual(appliedSamples.first?[0] as? String, "tandem_events_applied_total")
        XCTAssertEqual(appliedSamples.first?[1] as? [String: String], ["sink": "pg \"main\"\\\nsecond line", "cohort": "a"])
        XCTAssertEqual((appliedSamples.first?[2] as? String).flatMap(Double.init), 12345)  // repr: 12345 or 12345.0
        XCTAssertEqual(appliedSamples.last?[1] as? [String: String], ["sink": "sqlite", "cohort": "b"])
        XCTAssertEqual((appliedSamples.last?[2] as? String).flatMap(Double.init), 7)

        XCTAssertEqual(family("tandem_lag_seconds")?["help"] as? String, "Seconds behind\nthe journal \\ tail.")
        XCTAssertEqual(family("tandem_lag_seconds")?["type"] as? String, "gauge")
        XCTAssertEqual(samples("tandem_lag_seconds").first?[2] as? String, "0.5")
        XCTAssertEqual(samples("tandem_backoff_seconds").map { $0[2] as? String }, ["inf", "-inf"])
        XCTAssertEqual(samples("tandem_ratio").first?[2] as? String, "nan")

        XCTAssertEqual(family("process_cpu_seconds")?["type"] as? String, "counter")
        for name in ["process_open_fds", "process_max_fds", "process_virtual_memory_bytes",
                     "process_resident_memory_bytes", "process_start_time_seconds"] {
            XCTAssertEqual(family(name)?["type"] as? String, "gauge", name)
            let value = Double(samples(name).first?[2] as? String ?? "") ?? 0
            XCTAssertGreaterThan(value, 0, name)
        }
    }

    /// Runs python3 with prometheus_client's text parser on the page at `url`; returns its JSON reading.
    private func parseWithPrometheusClient(url: String) throws -> [String: Any] {
        let script = """
            import json, sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
                content_type = r.headers['Content-Type']
                text = r.read().decode('utf-8')
            families = [{'name': f.name, 'type': f.type, 'help': f.documentation,
                         'samples': [[s.name, s.labels, repr(s.value)] for s in f.samples]}
                        for f in text_string_to_metric_families(text)]
            print(json.dumps({'contentType': content_type, 'families': families}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + 20) == .timedOut {
            process.terminate()
            XCTFail("python3 did not finish within 20 s")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            // Not a skip: CI must run it. scripts/setup installs prometheus_client when it is missing.
            throw ParserRunFailed(message: "python3 exited \(process.terminationStatus) (is prometheus_client "
                                  + "installed? run scripts/setup): \(stderr)")
        }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: stdout) as? [String: Any])
    }
}

private struct ParserRunFailed: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

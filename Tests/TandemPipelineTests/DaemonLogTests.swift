import Foundation
import Synchronization
import TandemCore
import TandemPipeline
import XCTest

/// Issue 11: the daemon's log lines — `<N>` syslog priorities under systemd, one JSON object a line with
/// `--log-format json`, control characters never raw, floods rate-limited with a summary.
final class DaemonLogTests: XCTestCase {
    /// The lines a log wrote.
    final class Lines: Sendable {
        private let m = Mutex<[String]>([])
        func append(_ l: String) { m.withLock { $0.append(l) } }
        func withLock<T>(_ body: ([String]) -> T) -> T { m.withLock { body($0) } }
    }

    private func collect(_ format: DaemonConfig.LogFormat, _ env: [String: String]) -> (DaemonLog, Lines) {
        let lines = Lines()
        return (DaemonLog(format: format, environment: env) { line in lines.append(line) }, lines)
    }

    /// Promise: under systemd ($JOURNAL_STREAM set) text lines carry their priority; elsewhere they do not.
    func testTextLinesGetSyslogPrioritiesOnlyUnderSystemd() {
        let (journald, a) = collect(.text, ["JOURNAL_STREAM": "8:1234"])
        journald.error("sink pg stopped: seq 4")
        journald.info("heartbeat")
        XCTAssertEqual(a.withLock { $0 }, ["<3>tandem: sink pg stopped: seq 4\n", "<6>tandem: heartbeat\n"])
        let (plain, b) = collect(.text, [:])
        plain.warning("sink pg degraded\u{1b}[31m")
        XCTAssertEqual(b.withLock { $0 }, ["tandem: sink pg degraded\\x1b[31m\n"])
    }

    /// Promise: `--log-format json` gives one JSON object a line with time, level and message.
    func testJSONLinesAreOneObjectEach() throws {
        let (log, lines) = collect(.json, ["JOURNAL_STREAM": "8:1"])
        log.notice("ready: head seq 5\nsecond line")
        let out = lines.withLock { $0 }
        XCTAssertEqual(out.count, 1)
        XCTAssertEqual(out[0].filter { $0 == "\n" }.count, 1, "one line")
        let o = try JSONValue.parse(Array(out[0].utf8.dropLast()))
        guard case .object(let members) = o else { return XCTFail("not an object: \(out[0])") }
        XCTAssertEqual(members.map(\.key), ["time", "level", "message"])
        XCTAssertEqual(members[1].value, .string("notice"))
        XCTAssertEqual(members[2].value, .string("ready: head seq 5\nsecond line"))
    }

    /// Promise: a flood of lines costs `burst` lines an interval plus one summary naming how many were held back.
    func testRateLimitedLogSummarizesTheFlood() throws {
        let lines = Lines()
        let limited = RateLimitedLog(burst: 3, interval: .milliseconds(200), what: "quarantined inputs") { l in lines.append(l) }
        for i in 1...10 { limited("bad input \(i)") }
        XCTAssertEqual(lines.withLock { $0 }, ["bad input 1", "bad input 2", "bad input 3"])
        let deadline = Date(timeIntervalSinceNow: 5)
        while Date() < deadline, lines.withLock({ $0.count }) < 5 { limited("bad input later"); usleep(50_000) }
        let out = lines.withLock { $0 }
        XCTAssertTrue(out[3].hasSuffix(" more quarantined inputs in the last 200 ms were not logged one by one"), "\(out)")
        XCTAssertGreaterThanOrEqual(Int(out[3].prefix { $0.isNumber }) ?? 0, 7, "the 7 held back in the first burst: \(out)")
        XCTAssertEqual(out[4], "bad input later")
    }
}

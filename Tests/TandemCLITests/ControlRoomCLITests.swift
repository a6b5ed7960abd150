import Foundation
import TandemTesting
import XCTest

/// Issue 16's control room through a real `tandem run`: the page rendered by a real headless chromium that
/// stays open while `tandem cohort advance` moves a cohort, and the operator's actions behind the token.
final class ControlRoomCLITests: XCTestCase {
    var dir: URL!
    var path: (String) -> String { { self.dir.appendingPathComponent($0).path } }
    var configPath: String { path("tandem.json") }
    static let token = "ctl-\(UUID().uuidString)"
    /// A value in the legacy rows that must never reach the page (personal data).
    static let personal = "Ada Lovelace-Private"

    /// Six tenants with one row each, two cohorts: pilot (t1, t2) in shadow, wave (t3…t5) planned.
    override func setUpWithError() throws {
        dir = try temporaryDirectory(self, name)
        var sql = "CREATE TABLE items (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, name TEXT, qty INTEGER);"
        for i in 1...6 { sql += "INSERT INTO items VALUES (\(i), 't\(i)', '\(Self.personal) \(i)', \(i));" }
        _ = try sqlite3(path("legacy.db"), sql)
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: path("mapping.json"), atomically: true, encoding: .utf8)
        try writeConfig(token: false)
        var r = try CLI.run(["journal", "init", path("journal")])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try CLI.run(["source", "install-triggers", "--db", path("legacy.db"), "--tables", "items"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tandem(["cohort", "create", "pilot", "--tenants", "t1,t2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tandem(["cohort", "create", "wave", "--tenants", "t3,t4,t5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try tandem(["cohort", "advance", "pilot", "--why", "first customers"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func writeConfig(token: Bool) throws {
        let http = token ? #"{"listen": "127.0.0.1:0", "operatorToken": "${TANDEM_TEST_OPERATOR_TOKEN}"}"# : #"{"listen": "127.0.0.1:0"}"#
        let config = #"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": "# + http + ","
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db", "maxForwardLagSeconds": 30}}"#
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func tandem(_ args: [String]) throws -> CLIResult {
        try CLI.run(args + ["--config", configPath], environment: ["TANDEM_TEST_OPERATOR_TOKEN": Self.token])
    }

    func startDaemon() throws -> (DaemonProcess, Int) {
        let d = try DaemonProcess(config: configPath, environment: ["TANDEM_TEST_OPERATOR_TOKEN": Self.token], logFile: path("run.log"))
        d.waitForLog("ready:")
        return (d, try XCTUnwrap(d.port, d.log))
    }

    /// `curl` with `headers`; the status code and the body.
    func request(_ port: Int, _ target: String, method: String = "GET", headers: [String] = [], data: String? = nil) throws -> (Int, String) {
        var args = ["-s", "-m", "10", "-X", method, "-w", "\n%{http_code}"]
        for h in headers { args += ["-H", h] }
        if let data { args += ["--data", data] }
        let c = try runTool("/usr/bin/curl", args + ["http://127.0.0.1:\(port)\(target)"])
        var lines = c.stdout.components(separatedBy: "\n")
        let code = Int(lines.popLast() ?? "") ?? 0
        return (code, lines.joined(separator: "\n"))
    }

    func phase(_ cohort: String) throws -> String? {
        let r = try tandem(["cohort", "show", cohort, "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return (json?["cohort"] as? [String: Any])?["phase"] as? String ?? json?["phase"] as? String
    }

    /// Where the screenshot goes: beside the build's output (not committed; `.build` is ignored), or
    /// `TANDEM_KEEP_SCREENSHOT`.
    var screenshotPath: String {
        if let p = ProcessInfo.processInfo.environment["TANDEM_KEEP_SCREENSHOT"] { return p }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = root.appendingPathComponent(".build/test-screenshots")
        try? FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        return out.appendingPathComponent("control-room.png").path
    }

    /// Promise: `GET /` shows a band per cohort with its phase, the pipeline and the timeline, with no console
    /// error and no personal data; while the page stays open, `tandem cohort advance` changes the phase it
    /// shows without a reload. Without an operator token it has no buttons and every POST is 403.
    func testThePageShowsEachCohortAndFollowsAnAdvanceWithoutAReload() throws {
        let (d, port) = try startDaemon()
        defer { d.signal(SIGTERM); d.waitForExit() }
        guard let chromium = HeadlessChromium.path else {
            return XCTFail("chromium is not installed: scripts/setup installs it (apt-get install chromium)")
        }
        let page = try ChromiumSession(chromium: chromium, profile: path("profile"), url: "http://127.0.0.1:\(port)/")
        defer { page.close() }
        let bands = "Array.from(document.querySelectorAll('article.cohort')).map(e => e.dataset.cohort + '=' + e.dataset.phase).join(',')"
        XCTAssertTrue(try page.waitUntil("\(bands) === 'pilot=shadow,wave=planned'"), "bands: \(String(describing: try? page.evaluate(bands)))")
        XCTAssertTrue(try page.waitUntil("document.querySelectorAll('#sinks tr[data-sink=new]').length === 1"))
        XCTAssertTrue(try page.waitUntil("document.getElementById('timeline-list').textContent.includes('cohort pilot advanced planned → shadow by')"))
        // The rows reach the new store: the pipeline shows it caught up.
        XCTAssertTrue(try page.waitUntil("document.querySelector('#sinks tr[data-sink=new]').children[1].textContent === 'running'"))
        // A clean verify of pilot: its band shows it, and the verify gate no longer blocks it.
        waitUntil("the rows in the new store") { (try? sqlite3(self.path("new.db"), "SELECT count(*) FROM items;"))?.contains("6") == true }
        let v = try tandem(["verify", "--cohort", "pilot", "--settle", "0"])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        XCTAssertTrue(try page.waitUntil("document.querySelector('[data-cohort=pilot] .facts').textContent.includes('verifypass, ')"),
                      "\(String(describing: try? page.evaluate("document.querySelector('[data-cohort=pilot]').textContent")))")
        XCTAssertTrue(try page.waitUntil("document.querySelector('[data-cohort=pilot] .blocker').textContent.includes('nothing known blocks it')"))
        XCTAssertEqual(try page.evaluate("document.querySelectorAll('.actions button').length")?.int64, 0, "buttons without a token")
        XCTAssertEqual(try page.evaluate("document.body.dataset.actions")?.string, "off")
        try page.screenshot(to: screenshotPath)
        XCTAssertTrue(HeadlessChromium.isPNG(screenshotPath, atLeast: 10_000), "no screenshot in \(screenshotPath)")

        _ = try page.evaluate("window.tandemTestMarker = 'still the same page'")  // a reload would drop it
        let r = try tandem(["cohort", "advance", "wave", "--why", "second wave", "--by", "tester"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try page.waitUntil("\(bands) === 'pilot=shadow,wave=shadow'"), "bands: \(String(describing: try? page.evaluate(bands)))")
        XCTAssertTrue(try page.waitUntil("document.getElementById('timeline-list').textContent.includes('cohort wave advanced planned → shadow by')"))
        XCTAssertEqual(try page.evaluate("window.tandemTestMarker")?.string, "still the same page", "the page was reloaded")
        let text = try XCTUnwrap(try page.evaluate("document.body.innerText")?.string)
        XCTAssertFalse(text.contains(Self.personal), "personal data on the page: \(text)")
        XCTAssertFalse(text.contains("t3"), "a tenant id on the page (counts only): \(text)")
        XCTAssertTrue(text.contains("3 tenants"), text)
        try page.drainEvents()
        XCTAssertEqual(page.consoleErrors, [], "console errors")

        // Read-only: every POST is 403, whatever it carries, and nothing moves.
        for headers in [[], ["Authorization: Bearer \(Self.token)", "X-Tandem-Control: 1"]] {
            let (code, body) = try request(port, "/v1/cohorts/wave/advance", method: "POST", headers: headers)
            XCTAssertEqual(code, 403, body)
            XCTAssertEqual(body, "403 Forbidden: the control room is read-only (set http.operatorToken to allow actions)\n")
        }
        XCTAssertEqual(try request(port, "/status", method: "POST").0, 403)
        XCTAssertEqual(try request(port, "/v1/cohorts/wave/advance", method: "POST", data: "why=form").0, 403)
        XCTAssertEqual(try request(port, "/", method: "PUT").0, 405)
        XCTAssertEqual(try phase("wave"), "shadow")

        // The figures behind the page, in /status.
        let (code, body) = try request(port, "/status")
        XCTAssertEqual(code, 200)
        let status = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let cohorts = try XCTUnwrap(status["cohorts"] as? [[String: Any]])
        let pilot = try XCTUnwrap(cohorts.first { $0["name"] as? String == "pilot" })
        XCTAssertEqual((pilot["forwardLag"] as? [String: Any])?["basis"] as? String, "sink")
        XCTAssertTrue(pilot["reverseLag"] is NSNull)
        XCTAssertTrue(pilot["lastDrill"] is NSNull)
        let next = try XCTUnwrap(pilot["next"] as? [String: Any])
        XCTAssertEqual(next["phase"] as? String, "reads-new")
        XCTAssertEqual((next["gates"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["verify"])
        XCTAssertTrue(next["blocker"] is NSNull, "\(next)")  // the verify gate is checked afresh: the clean verify holds it
        XCTAssertEqual((pilot["lastVerify"] as? [String: Any])?["passed"] as? Bool, true)
        XCTAssertEqual(((status["timeline"] as? [[String: Any]])?.first)?["text"] as? String,
                       "cohort wave advanced planned → shadow by tester: second wave")
        XCTAssertGreaterThanOrEqual(((status["history"] as? [String: Any])?["samples"] as? [Any])?.count ?? 0, 1)
    }

    /// Promise: a sink that stops on an event its store refuses, and runs again once the store takes it, is
    /// two incidents on the timeline and the page's pipeline shows it stopped meanwhile.
    func testTheTimelineShowsASinkThatStoppedAndRanAgain() throws {
        let (d, port) = try startDaemon()
        defer { d.signal(SIGTERM); d.waitForExit() }
        waitUntil("the rows in the new store") { (try? sqlite3(self.path("new.db"), "SELECT count(*) FROM items;"))?.contains("6") == true }
        _ = try sqlite3(path("new.db"), "CREATE TRIGGER refuse BEFORE INSERT ON items WHEN NEW.id = 7 BEGIN SELECT RAISE(ABORT, 'refused by a test'); END;")
        _ = try sqlite3(path("legacy.db"), "INSERT INTO items VALUES (7, 't6', 'x', 7);")
        func timeline() throws -> [String] {
            let json = try JSONSerialization.jsonObject(with: Data(try request(port, "/status").1.utf8)) as? [String: Any]
            return (json?["timeline"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "incident" }.compactMap { $0["text"] as? String }
        }
        waitUntil("a stopped sink on the timeline") { (try? timeline())?.contains { $0.hasPrefix("sink new stopped: ") } == true }
        XCTAssertTrue(try timeline().contains { $0.contains("refused by a test") }, "\(String(describing: try? timeline())) \(d.log)")
        _ = try sqlite3(path("new.db"), "DROP TRIGGER refuse;")
        waitUntil("the sink running again on the timeline", timeout: 30) { (try? timeline())?.first == "sink new running again" }
        XCTAssertEqual(try timeline().count, 2, "\(String(describing: try? timeline()))")
    }

    /// Promise: with `http.operatorToken` the page has buttons that advance a cohort; a POST without the
    /// token is 401, with a wrong one, without the control header, from another origin or as a form 403; the
    /// token appears in neither the page nor the log.
    func testActionsNeedTheTokenTheControlHeaderAndTheSameOrigin() throws {
        try writeConfig(token: true)
        let (d, port) = try startDaemon()
        defer { d.signal(SIGTERM); d.waitForExit() }
        let target = "/v1/cohorts/wave/advance"
        let good = ["Authorization: Bearer \(Self.token)", "X-Tandem-Control: 1"]
        var (code, body) = try request(port, target, method: "POST")
        XCTAssertEqual([String(code), body], ["401", "401 Unauthorized: an action needs Authorization: Bearer TOKEN\n"])
        (code, body) = try request(port, target, method: "POST", headers: ["Authorization: Bearer wrong-\(Self.token)", "X-Tandem-Control: 1"])
        XCTAssertEqual([String(code), body], ["403", "403 Forbidden: the operator token does not match\n"])
        (code, body) = try request(port, target, method: "POST", headers: ["Authorization: Bearer \(Self.token)"])
        XCTAssertEqual([String(code), body], ["403", "403 Forbidden: an action needs the header X-Tandem-Control: 1 (a form post is refused)\n"])
        (code, body) = try request(port, target, method: "POST", headers: good + ["Origin: http://evil.example"])
        XCTAssertEqual([String(code), body], ["403", "403 Forbidden: the Origin http://evil.example is not this server\n"])
        (code, body) = try request(port, target, method: "POST", headers: good + ["Sec-Fetch-Site: cross-site"])
        XCTAssertEqual(code, 403, body)
        (code, body) = try request(port, target, method: "POST", headers: good, data: "why=form")
        XCTAssertEqual([String(code), body], ["400", "400 Bad Request: an action carries no body (give why= in the query); a form post is refused\n"])
        XCTAssertEqual(try phase("wave"), "planned", "a refused POST moved the cohort")

        (code, body) = try request(port, target + "?why=from%20curl", method: "POST", headers: good + ["Origin: http://127.0.0.1:\(port)"])
        XCTAssertEqual(code, 200, body)
        XCTAssertTrue(body.contains(#""phase":"shadow""#), body)
        XCTAssertEqual(try phase("wave"), "shadow")
        (code, body) = try request(port, "/v1/cohorts/wave/advance", method: "POST", headers: good)
        XCTAssertEqual(code, 409, body)  // the verify gate holds it in shadow
        XCTAssertTrue(body.hasPrefix("409 Conflict: cohort wave stays in shadow: gate verify"), body)
        XCTAssertEqual(try request(port, "/v1/cohorts/nobody/pause", method: "POST", headers: good).0, 404)

        guard let chromium = HeadlessChromium.path else {
            return XCTFail("chromium is not installed: scripts/setup installs it (apt-get install chromium)")
        }
        let page = try ChromiumSession(chromium: chromium, profile: path("profile"), url: "http://127.0.0.1:\(port)/")
        defer { page.close() }
        XCTAssertTrue(try page.waitUntil("document.querySelectorAll('[data-cohort=pilot] .actions button').length === 3"))
        XCTAssertEqual(try page.evaluate("document.documentElement.outerHTML.includes('\(Self.token)')")?.bool, false)
        // The operator types the token and presses pause: the band shows it paused, without a reload.
        _ = try page.evaluate("document.getElementById('token').value = '\(Self.token)';"
                              + " Array.from(document.querySelectorAll('[data-cohort=pilot] .actions button')).find(b => b.textContent === 'pause').click()")
        XCTAssertTrue(try page.waitUntil("document.getElementById('message').textContent === 'cohort pilot paused'"),
                      "message: \(String(describing: try? page.evaluate("document.getElementById('message').textContent")))")
        XCTAssertTrue(try page.waitUntil("document.querySelector('[data-cohort=pilot] .tenants').textContent.includes('(paused)')"))
        let show = try tandem(["cohort", "show", "pilot"])
        XCTAssertTrue(show.stdout.contains("(paused)"), show.stdout)
        XCTAssertTrue(show.stdout.contains("by control-room"), show.stdout)
        try page.drainEvents()
        XCTAssertEqual(page.consoleErrors, [], "console errors")

        let html = try request(port, "/").1
        XCTAssertTrue(html.contains(#"<body data-actions="on">"#))
        XCTAssertFalse(html.contains(Self.token), "the token is in the page")
        XCTAssertFalse(try request(port, "/status").1.contains(Self.token), "the token is in /status")
        XCTAssertFalse(d.log.contains(Self.token), "the token is in the log")
        XCTAssertTrue(d.log.contains("control room: cohort wave advanced planned → shadow"), d.log)
        XCTAssertTrue(d.log.contains("control room: refused advance of cohort wave: wrong operator token"), d.log)
        XCTAssertTrue(d.log.contains("control room: advance of cohort wave refused: cohort wave stays in shadow: gate verify"), d.log)
    }
}

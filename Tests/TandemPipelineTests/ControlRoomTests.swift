import Foundation
import TandemCore
import XCTest
@testable import TandemPipeline

/// The control room's parts without a daemon: its `/status` members against the schema, the bounded history,
/// the operator token's config, the page's safety headers and the POST checks.
final class ControlRoomTests: XCTestCase {
    /// A status as the daemon fills it for the page: a cohort with every detail, a timeline, a history.
    static func controlRoomStatus() -> DaemonStatus {
        var s = fixedStatus()
        let at = Timestamp(microseconds: 1_795_000_000_000_000)
        var c = CohortStatus(name: "pilot", phase: .shadow, paused: false, tenants: 2, version: 3, since: at, lastPauseMs: nil)
        c.detail = CohortDetail(forwardLag: LagFigure(basis: "sink", sink: "new", appliedSeq: 120, events: 3, seconds: 0.25),
                                lastVerify: CheckRecord(at: at, passed: true, summary: "clean: 2 tenants, 10 rows"),
                                notices: NoticeCounts(), nextPhase: .readsNew,
                                gates: [GateState(name: "verify", last: GateResult(gate: "verify", passed: false, detail: "not clean", checkedAt: at)),
                                        GateState(name: "other", last: nil)],
                                blocker: "gate verify: not clean")
        var done = CohortStatus(name: "done", phase: .done, paused: false, tenants: 0, version: 1, since: at, lastPauseMs: 12.5)
        done.detail = CohortDetail()
        s.cohorts = [c, done]
        var history = StatusHistory(every: .seconds(10), capacity: 3)
        history.observe(s, now: .now)
        s.controlRoom = ControlRoomFigures(
            timeline: [TimelineItem(at: at, kind: "advance", cohort: "pilot", from: .planned, to: .shadow, who: "ops", text: "cohort pilot advanced"),
                       TimelineItem(at: at, kind: "incident", text: "sink pg stopped: …")],
            history: history)
        return s
    }

    func testAControlRoomDocumentValidatesAgainstTheStatusSchema() throws {
        let schema = try JSONValue.parse([UInt8](try Data(contentsOf: StatusSchemaTests.schemaURL)))
        let doc = try JSONValue.parse(Array(Self.controlRoomStatus().json.description.utf8))
        XCTAssertEqual(SchemaCheck(root: schema).faults(doc), [])
        XCTAssertEqual(doc["cohorts"]?[0]?["next"]?["blocker"]?.string, "gate verify: not clean")
        XCTAssertEqual(doc["cohorts"]?[0]?["reverseLag"], .null)
        XCTAssertEqual(doc["cohorts"]?[1]?["next"]?["phase"], .null)
        XCTAssertEqual(doc["history"]?["samples"]?.array?.count, 1)
        // Read back by `tandem status`: the cohorts' basics survive, the page's members are ignored.
        let back = try DaemonStatus(json: Array(Self.controlRoomStatus().json.description.utf8))
        XCTAssertEqual(back.cohorts.map(\.name), ["pilot", "done"])
    }

    /// Promise: the history keeps one sample per period up to its capacity, and one incident per state change.
    func testHistoryIsBoundedAndNotesEachStateChangeOnce() {
        var h = StatusHistory(every: .seconds(10), capacity: 3, maxIncidents: 2)
        let start = ContinuousClock.now
        var s = fixedStatus(healthy: true)
        for i in 0..<10 { h.observe(s, now: start + .seconds(i * 5)) }  // 50 s: a sample at 0, 10, 20, 30, 40
        XCTAssertEqual(h.samples.count, 3)
        XCTAssertEqual(h.incidents, [])
        s.sinks[1].state = .stopped; s.sinks[1].reason = "the store refused event seq 101"
        h.observe(s, now: start + .seconds(51))
        h.observe(s, now: start + .seconds(52))
        s.sinks[1].state = .running; s.sinks[1].reason = nil
        h.observe(s, now: start + .seconds(53))
        XCTAssertEqual(h.incidents.map(\.text), ["sink pg stopped: the store refused event seq 101", "sink pg running again"])
        s.source.state = .degraded
        h.observe(s, now: start + .seconds(54))
        XCTAssertEqual(h.incidents.count, 2, "bounded")
        XCTAssertEqual(h.incidents.last?.text, "source degraded: no reason given")

        var fresh = StatusHistory()
        s = fixedStatus(healthy: false)
        s.sinks[0].state = .starting
        fresh.observe(s, now: start)  // pg stopped at first sight: an incident; new starting: none
        s.sinks[0].state = .running
        fresh.observe(s, now: start + .seconds(1))  // new running for the first time: none
        XCTAssertEqual(fresh.incidents.map(\.text), ["sink pg stopped: the store refused event seq 101 (insert on customers, key {\"id\":7}): NOT NULL"])
    }

    func testTheOperatorTokenComesFromTheEnvironmentOrAFileAndIsNeverShown() throws {
        let dir = try configDirectory(self)
        let token = "0123456789abcdef-token"
        var c = try DaemonConfig.load(path: write(smallest(http: #"{"listen": "127.0.0.1:0", "operatorToken": "${OPS_TOKEN}"}"#), in: dir),
                                      environment: ["OPS_TOKEN": token])
        XCTAssertEqual(c.http.operatorToken?.matches(token), true)
        XCTAssertEqual(c.http.operatorToken?.matches(token + "x"), false)
        XCTAssertEqual(c.http.operatorToken?.matches(""), false)
        XCTAssertFalse("\(c)".contains(token), "the config's description shows the token")
        try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/token"))
        c = try DaemonConfig.load(path: write(smallest(http: #"{"operatorTokenFile": "token"}"#), in: dir), environment: [:])
        XCTAssertEqual(c.http.operatorToken?.matches(token), true)
        c = try DaemonConfig.load(path: write(smallest(), in: dir), environment: [:])
        XCTAssertNil(c.http.operatorToken)
        for (http, fault) in [(#"{"operatorToken": "short"}"#, "$.http.operatorToken: the operator token must be at least 16 characters"),
                              (#"{"operatorToken": "${NOPE}"}"#, "$.http.operatorToken: environment variable NOPE is not set"),
                              (#"{"operatorToken": "0123456789abcdef0", "operatorTokenFile": "token"}"#,
                               "$.http.operatorTokenFile: give operatorToken or operatorTokenFile, not both")] {
            XCTAssertThrowsError(try DaemonConfig.load(path: write(smallest(http: http), in: dir), environment: [:])) { error in
                XCTAssertTrue("\(error)".contains(fault), "\(error)")
                XCTAssertFalse("\(error)".contains("short"), "a fault quotes the token: \(error)")
            }
        }
    }

    func testThePageIsSelfContainedAndItsButtonsFollowTheToken() {
        let off = ControlRoomPage.response(actions: false), on = ControlRoomPage.response(actions: true)
        let html = String(decoding: off.body, as: UTF8.self)
        XCTAssertEqual(off.contentType, "text/html; charset=utf-8")
        XCTAssertTrue(html.contains(#"<body data-actions="off">"#))
        XCTAssertTrue(String(decoding: on.body, as: UTF8.self).contains(#"<body data-actions="on">"#))
        for external in ["src=\"http", "href=\"http", "//cdn", "@import", "url(http"] {
            XCTAssertFalse(html.contains(external), "an external asset: \(external)")
        }
        XCTAssertFalse(html.contains("innerHTML"), "markup from data")
        XCTAssertTrue(off.headers.contains(HTTPHeader(name: "Content-Security-Policy", value: ControlRoomPage.contentSecurityPolicy)))
        XCTAssertTrue(ControlRoomPage.contentSecurityPolicy.contains("connect-src 'self'"))
    }

    /// Promise: every POST is 403 without a configured token; with one, the checks come in order and nothing
    /// reaches the state file until all pass.
    func testPostsAreRefusedUntilTokenHeaderAndOriginHold() throws {
        func post(_ path: String, _ headers: [(String, String)], token: String?) -> HTTPResponse? {
            var config = try! DaemonConfig.load(path: write(smallest(), in: try! configDirectory(self)), environment: [:])
            config.http.operatorToken = token.map(OperatorToken.init)
            let request = HTTPRequest(method: "POST", path: path, query: nil,
                                      headers: [HTTPHeader(name: "host", value: "127.0.0.1:9187")] + headers.map { HTTPHeader(name: $0.0, value: $0.1) })
            return ControlRoomEndpoints.respond(to: request, config: config, log: nil)
        }
        let token = "0123456789abcdef-token"
        let good = [("authorization", "Bearer \(token)"), ("x-tandem-control", "1")]
        XCTAssertEqual(post("/v1/cohorts/a/advance", good, token: nil)?.status, .forbidden)
        XCTAssertEqual(post("/status", [], token: nil)?.status, .forbidden)
        XCTAssertEqual(post("/v1/cohorts/a/advance", good + [("content-length", "7")], token: nil)?.status, .forbidden)
        XCTAssertEqual(post("/v1/cohorts/a/advance", good + [("content-length", "7")], token: token)?.status, .badRequest)
        XCTAssertEqual(post("/v1/cohorts/a/advance", good + [("transfer-encoding", "chunked")], token: token)?.status, .badRequest)
        XCTAssertEqual(post("/v1/cohorts/a/explode", good, token: token)?.status, .notFound)
        XCTAssertEqual(post("/v1/cohorts/a/advance", [], token: token)?.status, .unauthorized)
        XCTAssertEqual(post("/v1/cohorts/a/advance", [("authorization", "Bearer \(token)x"), ("x-tandem-control", "1")], token: token)?.status, .forbidden)
        XCTAssertEqual(post("/v1/cohorts/a/advance", [("authorization", "Basic \(token)"), ("x-tandem-control", "1")], token: token)?.status, .forbidden)
        XCTAssertEqual(post("/v1/cohorts/a/advance", [good[0]], token: token)?.status, .forbidden)
        XCTAssertEqual(post("/v1/cohorts/a/advance", good + [("origin", "http://127.0.0.1:9188")], token: token)?.status, .forbidden)
        XCTAssertEqual(post("/v1/cohorts/a/advance", good + [("content-type", "application/x-www-form-urlencoded")], token: token)?.status, .forbidden)
        // All checks pass: the smallest config has no migration block, so the action itself says so.
        let r = post("/v1/cohorts/a/advance", good + [("origin", "http://127.0.0.1:9187"), ("sec-fetch-site", "same-origin")], token: token)
        XCTAssertEqual(r?.status, .badRequest)
        XCTAssertTrue(String(decoding: r?.body ?? [], as: UTF8.self).contains("has no \"migration\" block"))
        XCTAssertNil(ControlRoomEndpoints.respond(to: HTTPRequest(method: "GET", path: "/status", query: nil, headers: []),
                                                  config: try DaemonConfig.load(path: write(smallest(), in: configDirectory(self)), environment: [:]), log: nil))
    }

    /// The daemon's server lets POST through to the handler only when asked (which refuses a body).
    func testTheParserAcceptsPostOnlyWhenAsked() {
        let head = Array("POST /v1/cohorts/a/pause HTTP/1.1\r\nHost: x".utf8)[...]
        if case .failure(let r) = HTTPRequestParser.parse(head: head) { XCTAssertEqual(r.status, .methodNotAllowed) } else { XCTFail("POST accepted") }
        if case .success(let r) = HTTPRequestParser.parse(head: head, acceptsPost: true) { XCTAssertEqual(r.method, "POST") } else { XCTFail("POST refused") }
        let get = Array("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 7".utf8)[...]
        if case .failure(let r) = HTTPRequestParser.parse(head: get, acceptsPost: true) {
            XCTAssertEqual(r.status, .badRequest)
        } else { XCTFail("a GET body accepted") }
        let put = Array("PUT / HTTP/1.1\r\nHost: x".utf8)[...]
        if case .failure(let r) = HTTPRequestParser.parse(head: put, acceptsPost: true) {
            XCTAssertEqual(r.headers, [HTTPHeader(name: "Allow", value: "GET, HEAD, POST")])
        } else { XCTFail("PUT accepted") }
    }
}

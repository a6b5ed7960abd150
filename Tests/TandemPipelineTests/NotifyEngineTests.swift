import Foundation
import TandemCore
import TandemSQLite
import TandemSources
import XCTest
@testable import TandemPipeline

/// Issue 15's engine without the CLI: the config's notify block, lead-time durations, the actions a mapping
/// suggests, the one clock, CSV both ways.
final class NotifyEngineTests: XCTestCase {
    static let base = #"{"journal": "j", "source": "sqlite-changelog:l.db", "sinks": [{"name": "new", "into": "sqlite:n.db"}], "notify": "#

    func testTheNotifyBlockLoadsWithTheIssuesKeyNamesAndDefaults() throws {
        let dir = try configDirectory(self)
        var c = try DaemonConfig.load(path: try write(Self.base + #"{"contacts": {"entity": "customers", "tenant": "company", "email": "email","#
            + #" "name": "name", "locale": "lang"}, "leadTime": "P14D", "templates": "templates/", "defaultLocale": "en","#
            + #" "actions": [{"id": "password-reset", "when": "before-cut-over", "why": "new login"}]}}"#, in: dir), environment: [:])
        let n = try XCTUnwrap(c.notify)
        let columns: [String?] = [n.contacts.entity, n.contacts.tenant, n.contacts.email, n.contacts.name, n.contacts.locale]
        XCTAssertEqual(columns, ["customers", "company", "email", "name", "lang"])
        XCTAssertEqual(n.leadTime.seconds, 14 * 86_400)
        XCTAssertEqual(n.templates, dir + "/templates")
        XCTAssertEqual(n.defaultLocale, "en")
        XCTAssertEqual(n.actions, [NotifyAction(id: "password-reset", when: .beforeCutOver, why: "new login", source: "declared")])
        XCTAssertEqual(n.statusPage, "http://127.0.0.1:9187/customers/")
        c = try DaemonConfig.load(path: try write(Self.base + #"{"contacts": {"entity": "c", "tenant": "t", "email": "e"}}}"#, in: dir), environment: [:])
        XCTAssertEqual(c.notify?.leadTime.text, "P14D")
        XCTAssertEqual(c.notify?.templates, dir + "/templates")
    }

    func testNotifyFaultsCarryTheirPaths() throws {
        let dir = try configDirectory(self)
        let path = try write(Self.base + #"{"contacts": {"entity": "c", "tenant": "t"}, "leadTime": "14 days","#
                             + #" "actions": [{"id": "x", "when": "someday", "why": "w"}], "leadtime": 1}}"#, in: dir)
        XCTAssertThrowsError(try DaemonConfig.load(path: path, environment: [:])) { error in
            XCTAssertEqual((error as? DaemonConfigError)?.faults.map(\.description), [
                #"$.notify.leadtime: unknown key; did you mean "leadTime"?"#,
                #"$.notify.contacts: missing required key "email""#,
                "$.notify.leadTime: expected an ISO 8601 duration of weeks, days, hours, minutes, seconds such as \"P14D\" or \"PT36H\"",
                #"$.notify.actions[0].when: expected one of "before-cut-over", "after-cut-over""#,
            ])
        }
    }

    func testDurations() {
        XCTAssertEqual(ISODuration("P14D")?.seconds, 1_209_600)
        XCTAssertEqual(ISODuration("PT36H")?.seconds, 129_600)
        XCTAssertEqual(ISODuration("P1W")?.seconds, 604_800)
        XCTAssertEqual(ISODuration("P2DT3H30M5S")?.seconds, 185_405)  // 2 d + 3 h + 30 min + 5 s
        for bad in ["", "P", "PT", "14D", "P1M", "P1Y", "PT1D", "P1H", "P1DT", "P-1D", "P1.5D"] { XCTAssertNil(ISODuration(bad), bad) }
    }

    func testTheMappingSuggestsAPasswordResetAndReauthorisingIntegrations() throws {
        let mapping = try Mapping.parse(Data(#"""
            {"entities": {"users": {"columns": {"password_hash": {"transforms": ["trim"]}, "api_token": {"drop": true}, "email": {"transforms": ["lower"]}}},
                          "shops": {"unlistedColumns": "drop", "columns": {"id": {}}}}}
            """#.utf8))
        let actions = NotifyActions.all(declared: [NotifyAction(id: "reauthorize-integration", when: .beforeCutOver, why: "ours", source: "declared")],
                                        mapping: mapping, legacyColumns: ["shops": ["id", "Passwd", "webhook_secret"]])
        XCTAssertEqual(actions.map { "\($0.id) \($0.when.rawValue) \($0.source): \($0.why)" }, [
            "reauthorize-integration before-cut-over declared: ours",
            "password-reset before-cut-over suggested: the mapping changes the stored credentials: shops.Passwd (dropped), users.password_hash (transformed)",
        ])
        XCTAssertEqual(NotifyActions.suggested(mapping: mapping, legacyColumns: ["shops": ["webhook_secret"]]).last?.why,
                       "the mapping drops integration tokens: shops.webhook_secret (dropped), users.api_token (dropped)")
        XCTAssertEqual(NotifyActions.suggested(mapping: .passThrough), [])
    }

    func testTheClockIsTANDEM_NOWWhenSet() throws {
        XCTAssertEqual(try TandemClock.now(environment: ["TANDEM_NOW": "2026-12-14T22:00:00+01:00"]).rfc3339Short, "2026-12-14T21:00:00Z")
        XCTAssertThrowsError(try TandemClock.now(environment: ["TANDEM_NOW": "tomorrow"]))
        let before = Quarantine.now().microseconds
        XCTAssertGreaterThanOrEqual(try TandemClock.now(environment: [:]).microseconds, before)
    }

    /// A state file written before windows and notices existed still opens: read-only it has none; opened
    /// for writing it gains the tables.
    func testAStateFileFromBeforeNotifyOpens() throws {
        let dir = try configDirectory(self), file = dir + "/state.db"
        let state = try MigrationStateFile(path: file)
        try state.create(name: "pilot", definition: "--tenants a", tenants: ["a"], who: "t", why: nil, at: Timestamp(microseconds: 0))
        state.close()
        let db = try Database(path: file)
        try db.execute("DROP TABLE cohort_windows; DROP TABLE notices")
        db.close()
        let old = try MigrationStateFile(path: file, readOnly: true)
        XCTAssertNil(try old.window(of: "pilot"))
        XCTAssertEqual(try old.latestNotices(of: "pilot").count, 0)
        old.close()
        let reopened = try MigrationStateFile(path: file)
        defer { reopened.close() }
        let w = try CohortWindow(parsing: "2026-12-14T22:00:00Z..2026-12-15T02:00:00Z")
        try reopened.setWindow(w, cohort: "pilot")
        XCTAssertEqual(try reopened.window(of: "pilot"), w)
        XCTAssertEqual(try reopened.cohort(named: "pilot")?.tenants, ["a"])
    }

    /// A delivery report keeps the time the notice went out; a notice marked sent again (the next attempt after
    /// a rollback) is a new notice with its own time, which the notice gate must see.
    func testADeliveryReportKeepsWhenTheNoticeWentOutButANewNoticeHasItsOwnTime() throws {
        let dir = try configDirectory(self)
        let state = try MigrationStateFile(path: dir + "/state.db")
        defer { state.close() }
        try state.create(name: "pilot", definition: "--tenants a", tenants: ["a"], who: "t", why: nil, at: Timestamp(microseconds: 0))
        func notice(_ status: String, _ at: String) throws -> NoticeRecord {
            NoticeRecord(tenant: "a", email: "a@example.test", kind: "moving", status: status, at: try Timestamp(rfc3339: at), who: "t")
        }
        try state.record([try notice("sent", "2026-12-01T08:00:00Z")], cohort: "pilot")
        try state.record([try notice("delivered", "2026-12-01T09:00:00Z")], cohort: "pilot")
        XCTAssertEqual(try state.latestNotices(of: "pilot")["a@example.test"]?.at.rfc3339Short, "2026-12-01T08:00:00Z")
        try state.record([try notice("sent", "2026-12-20T08:00:00Z")], cohort: "pilot")
        let latest = try XCTUnwrap(try state.latestNotices(of: "pilot")["a@example.test"])
        XCTAssertEqual([latest.status, latest.at.rfc3339Short], ["sent", "2026-12-20T08:00:00Z"])
    }

    func testCSVRoundTripsCommasQuotesAndLineBreaks() throws {
        let fields = ["a,b", "say \"hi\"", "two\nlines", "plain", "ñ"]
        let text = CSVText.line(fields) + CSVText.line(["x"])
        XCTAssertEqual(try CSVText.parse(text).get(), [fields, ["x"]])
        guard case .failure(let f) = CSVText.parse("a\n\"open,\nstill") else { return XCTFail("an unclosed quote parsed") }
        XCTAssertEqual(f.line, 2)
    }
}

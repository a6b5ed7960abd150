import Foundation
import TandemCore
import TandemSinks
import TandemSources
import XCTest
@testable import TandemPipeline

/// Cohorts in `/status` (schema-valid, read back) and `/metrics`, read from a real state file.
final class CohortStatusTests: XCTestCase {
    func testCohortsAreReadFromTheStateFileIntoStatusAndMetrics() throws {
        let f = try MigrationFixture(self)
        let control = try CohortControl(config: f.config)
        let now = Quarantine.now()
        _ = try control.create(name: "pilot", selection: .tenants(["acme", "bolt"]), who: "x", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        try f.recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .cutOver, who: "x", why: nil, now: now)
        control.state.close()

        var status = fixedStatus()
        status.cohorts = CohortStatus.read(f.config)
        XCTAssertEqual(status.cohorts.map { "\($0.name) \($0.phase.rawValue) \($0.tenants) \($0.version)" }, ["pilot cut-over 2 4"])
        let pause = try XCTUnwrap(status.cohorts.first?.lastPauseMs)

        let doc = try JSONValue.parse(Array(status.json.description.utf8))
        XCTAssertEqual(SchemaCheck(root: try JSONValue.parse([UInt8](Data(contentsOf: StatusSchemaTests.schemaURL)))).faults(doc), [])
        XCTAssertEqual(try DaemonStatus(json: Array(status.json.description.utf8)).cohorts, status.cohorts)

        let page = DaemonEndpoints.metrics(status, process: nil).text
        XCTAssertTrue(page.contains("tandem_cohort_phase{cohort=\"pilot\",phase=\"cut-over\"} 1\n"), page)
        XCTAssertTrue(page.contains("tandem_cohort_phase{cohort=\"pilot\",phase=\"reads-new\"} 0\n"), page)
        XCTAssertTrue(page.contains("tandem_cohort_tenants{cohort=\"pilot\"} 2\n"), page)
        XCTAssertTrue(page.contains("tandem_cohort_last_cutover_pause_seconds{cohort=\"pilot\"} \(MetricsText.format(pause / 1000))\n"), page)
        var offline = DaemonStatus.offline(config: f.config).cohorts
        XCTAssertEqual(offline.first?.refused.map(\.count), [.notCountable(RefusalCount.sqliteReason), .notCountable(RefusalCount.sqliteReason)])
        offline[0].refused = []
        XCTAssertEqual(offline, status.cohorts)
    }

    /// Two SQLite stores: the cohort's refusals are shown as not countable, with the reason, in `/status`
    /// (schema-valid, read back) — never as 0 — and `/metrics` has no series for them.
    func testSQLiteStoresShowRefusalsAsNotCountable() throws {
        let f = try MigrationFixture(self)
        let control = try CohortControl(config: f.config)
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: Quarantine.now())
        control.state.close()
        var status = fixedStatus()
        status.cohorts = CohortStatus.read(f.config)
        status.cohorts[0].refused = try XCTUnwrap(CohortStatus.refusals(config: f.config, cohorts: ["pilot"])["pilot"])
        XCTAssertEqual(CohortStatus.text(status.cohorts[0].refused),
                       "new store n/a (SQLite cannot record a refused write; count it in the application); "
                       + "legacy store n/a (SQLite cannot record a refused write; count it in the application)")
        let doc = try JSONValue.parse(Array(status.json.description.utf8))
        XCTAssertEqual(SchemaCheck(root: try JSONValue.parse([UInt8](Data(contentsOf: StatusSchemaTests.schemaURL)))).faults(doc), [])
        let member = try XCTUnwrap(doc["cohorts"]?[0]?["fencedWritesRefused"]?["new"])
        XCTAssertEqual(member["count"], .null)
        XCTAssertEqual(member["countable"], .bool(false))
        XCTAssertEqual(try DaemonStatus(json: Array(status.json.description.utf8)).cohorts, status.cohorts)
        let page = DaemonEndpoints.metrics(status, process: nil).text
        XCTAssertFalse(page.contains("tandem_cohort_fenced_writes_refused_total"), page)
    }
}

import Foundation
import TandemCore
import TandemSinks
import TandemSQLite
import TandemSources
import XCTest
@testable import TandemPipeline

/// Cohorts, phases, the state file, selection and the forward-lag gate (issue 13), on real files.
final class CohortControlTests: XCTestCase {
    /// The clock of each test, read when it starts (XCTest makes every case's object before the first runs, so a
    /// value taken at init is as old as the run before it; the fixture's event ages are from the real clock).
    private(set) var now = Timestamp(microseconds: 0)

    override func setUp() {
        super.setUp()
        now = Quarantine.now()
    }

    func testPhasesAreRecordedWithTheirTimelineAndSurviveReopening() throws {
        let f = try MigrationFixture(self)
        XCTAssertEqual(f.config.migration?.state, f.dir + "/tandem-migration.db")
        var control = try CohortControl(config: f.config)
        let c = try control.create(name: "pilot", selection: .tenants(["acme", "bolt"]), who: "anna", why: "first cohort", now: now)
        XCTAssertEqual(c.phase, .planned)
        XCTAssertEqual(c.tenants, ["acme", "bolt"])
        try f.recordCleanVerify(control, cohort: "pilot")
        try f.recordPassingDrill(control, cohort: "pilot")
        XCTAssertEqual(try control.advance(name: "pilot", to: .readsNew, who: "ben", why: nil, now: now).map(\.phase), [.shadow, .readsNew])
        control.state.close()

        control = try CohortControl(config: f.config, create: false)
        defer { control.state.close() }
        let reopened = try control.cohort("pilot")
        XCTAssertEqual(reopened.phase, .readsNew)
        XCTAssertEqual(try control.state.timeline(of: "pilot").map { "\($0.action) \($0.from?.rawValue ?? "-")→\($0.to.rawValue) \($0.who) \($0.why ?? "")" },
                       ["create -→planned anna first cohort", "advance planned→shadow ben ", "advance shadow→reads-new ben "])
        XCTAssertEqual(try Database(path: f.config.migration!.state).scalar("PRAGMA synchronous"), .int(2), "FULL is 2")

        // Pause holds it; rollback sends it back to legacy; advance from rolled-back goes to shadow.
        _ = try control.pause(name: "pilot", paused: true, who: "ben", why: "incident", now: now)
        XCTAssertThrowsError(try control.advance(name: "pilot", to: nil, who: "ben", why: nil, now: now)) {
            XCTAssertEqual("\($0)", "cohort pilot: it is paused (tandem cohort resume pilot to go on)")
        }
        XCTAssertEqual(try control.rollback(name: "pilot", who: "ben", why: nil, now: now).phase, .rolledBack)
        _ = try control.pause(name: "pilot", paused: false, who: "ben", why: nil, now: now)
        XCTAssertEqual(try control.advance(name: "pilot", to: nil, who: "ben", why: nil, now: now).map(\.phase), [.shadow])
        XCTAssertThrowsError(try control.advance(name: "pilot", to: .planned, who: "ben", why: nil, now: now)) {
            XCTAssertEqual("\($0)", "cohort pilot: planned is not ahead of shadow")
        }
    }

    func testATenantBelongsToAtMostOneCohort() throws {
        let f = try MigrationFixture(self)
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        _ = try control.create(name: "a", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        XCTAssertThrowsError(try control.create(name: "b", selection: .tenants(["bolt", "acme"]), who: "x", why: nil, now: now)) {
            XCTAssertEqual("\($0)", #"tenant acme is already in cohort "a" (a tenant belongs to at most one cohort)"#)
        }
        XCTAssertThrowsError(try control.create(name: "a", selection: .tenants(["t1"]), who: "x", why: nil, now: now)) {
            XCTAssertEqual("\($0)", #"a cohort named "a" exists already; choose another name"#)
        }
        // --percent 100 takes every tenant of the legacy store but the taken one.
        XCTAssertEqual(try control.create(name: "all", selection: .percent(100, seed: ""), who: "x", why: nil, now: now).tenants,
                       ["bolt", "t1", "t2", "t3"])
    }

    /// The hash is FNV-1a 64 of SEED:TENANT mod 10000 (values computed independently, in Python).
    func testPercentSelectionUsesTheDocumentedStableHash() throws {
        XCTAssertEqual(["acme", "bolt", "t1", "t2", "t3"].map { TenantHash.bucket($0) }, [6423, 9870, 9070, 859, 2648])
        XCTAssertEqual(["acme", "bolt", "t1", "t2", "t3"].map { TenantHash.bucket($0, seed: "s1") }, [6787, 194, 3762, 5551, 7340])
        let f = try MigrationFixture(self)
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        XCTAssertEqual(try control.create(name: "p", selection: .percent(30, seed: ""), who: "x", why: nil, now: now).tenants, ["t2", "t3"])
        XCTAssertEqual(try control.create(name: "q", selection: .percent(40, seed: "s1"), who: "x", why: nil, now: now).tenants,
                       ["bolt", "t1"])
        XCTAssertThrowsError(try control.create(name: "r", selection: .percent(1, seed: ""), who: "x", why: nil, now: now)) {
            XCTAssertEqual("\($0)", "--percent 1 selects no tenant (4 tenants are already in cohorts)")
        }
    }

    func testLowestRiskTakesTheAuditRankingInOrder() throws {
        let f = try MigrationFixture(self)
        try FileManager.default.createDirectory(atPath: f.dir + "/audit", withIntermediateDirectories: true)
        try write(#"{"version": 1, "tenants": [{"tenant": "t3", "risk": 1.5}, {"tenant": "acme", "risk": 2}, {"tenant": "bolt", "risk": 40}, {"tenant": "t1", "risk": 90}]}"#,
                  "report.json", in: f.dir + "/audit")
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        XCTAssertEqual(try control.create(name: "low", selection: .lowestRisk(50, audit: f.dir + "/audit"), who: "x", why: nil, now: now).tenants,
                       ["acme", "t3"])
        XCTAssertEqual(try control.create(name: "next", selection: .lowestRisk(25, audit: f.dir + "/audit"), who: "x", why: nil, now: now).tenants,
                       ["bolt"])
        XCTAssertThrowsError(try control.create(name: "none", selection: .lowestRisk(5, audit: f.dir + "/nowhere"), who: "x", why: nil, now: now)) {
            XCTAssertEqual("\($0)", "audit report \(f.dir)/nowhere: cannot be read (run tandem audit --out DIR first)")
        }
    }

    func testForwardLagGateHoldsReadsNewUntilTheNewStoreHasTheTenantsChanges() throws {
        let f = try MigrationFixture(self, extra: #", "maxForwardLagSeconds": 5"#)
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        try f.recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .readsNew, who: "x", why: nil, now: now)
        let other = try f.journal("bolt", ids: [1], age: 600)
        let acme = try f.journal("acme", ids: [2, 3], age: 60)
        try f.applyToNew(other)  // another tenant's changes applied: acme's are still pending
        XCTAssertThrowsError(try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: now)) { error in
            XCTAssertTrue("\(error)".hasPrefix("cohort pilot stays in reads-new: gate forward-lag for reads-new → cut-over does not hold:"
                                               + " sink new at seq 1 has 2 event(s) of the cohort's tenants to apply, the oldest "), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix(" s old (limit 5 s)"), "\(error)")
            // The oldest is ~60 s old: the fixture dates it from the real clock a moment after the test's `now`.
            let age = "\(error)".components(separatedBy: "the oldest ").last?.components(separatedBy: " s old").first
            XCTAssertEqual(Double(age ?? "") ?? 0, 60, accuracy: 2, "\(error)")
        }
        XCTAssertEqual(try control.cohort("pilot").phase, .readsNew)
        XCTAssertEqual(try control.state.gateResults(of: "pilot").map { "\($0.gate) \($0.passed)" }, ["drill true", "forward-lag false", "notice true", "verify true"])  // notice: no notify block, holds

        try f.applyToNew(acme)
        XCTAssertEqual(try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: now).map(\.phase), [.cutOver])
        let gate = try XCTUnwrap(control.state.gateResults(of: "pilot").first { $0.gate == "forward-lag" })
        XCTAssertEqual([gate.gate, "\(gate.passed)", gate.detail],
                       ["forward-lag", "true", "sink new at seq 3 has applied every event of the cohort's tenants"])
    }

    /// The cut-over moment fences legacy, waits for the new store, and gives up (lifting the fence) when it does not catch up.
    func testCutOverWaitsForTheNewStoreAndLiftsTheLegacyFenceWhenItDoesNotCatchUp() throws {
        let f = try MigrationFixture(self, extra: #", "maxForwardLagSeconds": 3600"#)
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        control.drainTimeout = .milliseconds(300)
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        try f.recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .readsNew, who: "x", why: nil, now: now)
        let pending = try f.journal("acme", ids: [1], age: 1)
        XCTAssertThrowsError(try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: now)) {
            XCTAssertTrue("\($0)".hasPrefix("cohort pilot: the new store did not catch up within 0.3 seconds of the legacy fence"
                                            + " (1 event(s) of its tenants not yet applied by sink new); the fence is lifted"), "\($0)")
        }
        XCTAssertEqual(try control.cohort("pilot").phase, .readsNew)
        XCTAssertEqual(try control.state.moments(), [], "a moment given up is ended: nothing for recovery")
        let legacy = try Database(path: f.legacyPath)
        defer { legacy.close() }
        XCTAssertEqual(try legacy.scalar("SELECT writes FROM _tandem_routing WHERE tenant = 'acme'"), .string("legacy"))
        try legacy.execute("INSERT INTO bestellungen VALUES (20, 'acme', 1)")  // not fenced any more

        try f.applyToNew(pending)
        XCTAssertEqual(try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: now).map(\.phase), [.cutOver])
        let pause = try XCTUnwrap(control.state.timeline(of: "pilot").last?.pauseMs)
        XCTAssertGreaterThan(pause, 0)
        XCTAssertLessThan(pause, 5000)
        XCTAssertEqual(try legacy.scalar("SELECT writes FROM _tandem_routing WHERE tenant = 'acme'"), .string("new"))
    }

    /// Each recorded phase is published to both stores' `_tandem_routing`, and their fences follow it.
    func testRoutingAndFencesFollowThePhaseInBothStores() throws {
        let f = try MigrationFixture(self)
        try f.applyToNew(try f.journal("acme", ids: [1], age: 0))  // the new store has its orders table
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        let legacy = try Database(path: f.legacyPath), new = try Database(path: f.newPath)
        defer { legacy.close(); new.close() }
        func route(_ db: Database) throws -> String {
            let s = try db.prepare("SELECT phase, reads, writes, version FROM _tandem_routing WHERE tenant = 'acme'")
            XCTAssertTrue(try s.step())
            return "\(s.text(0)) \(s.text(1)) \(s.text(2)) \(s.int64(3))"
        }
        XCTAssertEqual(try [route(legacy), route(new)], ["planned legacy legacy 1", "planned legacy legacy 1"])
        try legacy.execute("INSERT INTO bestellungen VALUES (10, 'acme', 1)")
        XCTAssertThrowsError(try new.execute("INSERT INTO orders (id, tenant) VALUES (10, 'acme')")) {
            XCTAssertTrue(($0 as? SQLiteError)?.message.hasPrefix("tandem: tenant acme writes to the legacy store since ") == true, "\($0)")
        }
        try f.recordCleanVerify(control, cohort: "pilot")
        try f.recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .cutOver, who: "x", why: nil, now: now)
        XCTAssertEqual(try [route(legacy), route(new)], ["cut-over new new 4", "cut-over new new 4"])
        XCTAssertThrowsError(try legacy.execute("INSERT INTO bestellungen VALUES (11, 'acme', 1)")) {
            XCTAssertEqual(($0 as? SQLiteError)?.message, "tandem: tenant acme writes to the new store since \(self.now.rfc3339)")
        }
        try new.execute("INSERT INTO orders (id, tenant) VALUES (11, 'acme')")
        try legacy.execute("INSERT INTO bestellungen VALUES (12, 'bolt', 1)")  // bolt is in no cohort
        _ = try control.rollback(name: "pilot", who: "x", why: nil, now: now)
        XCTAssertEqual(try [route(legacy), route(new)], ["rolled-back legacy legacy 5", "rolled-back legacy legacy 5"])
        try legacy.execute("INSERT INTO bestellungen VALUES (13, 'acme', 1)")
    }
}

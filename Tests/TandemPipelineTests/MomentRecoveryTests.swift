import Foundation
import TandemCore
import TandemSQLite
import TandemSources
import XCTest
@testable import TandemPipeline

/// Recovery of a cut-over or rollback whose process ended in the middle (`MomentRecovery`), on real files: the
/// state file's moment records as a killed process leaves them (CohortCrashTests kill real processes).
final class MomentRecoveryTests: XCTestCase {
    func writes(_ path: String, _ tenant: String) throws -> [String] {
        let db = try Database(path: path)
        defer { db.close() }
        let s = try db.prepare("SELECT phase, writes FROM _tandem_routing WHERE tenant = ?")
        try s.bind(tenant, at: 1)
        XCTAssertTrue(try s.step())
        return [s.text(0), s.text(1)]
    }

    func testAMomentRecordedIsFinishedAndOneNotRecordedIsUndone() throws {
        let f = try MigrationFixture(self)
        try f.applyToNew(try f.journal("acme", ids: [1], age: 0))  // the new store has its orders table
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        let now = Quarantine.now()
        for (name, tenant) in [("pilot", "acme"), ("second", "bolt")] {
            _ = try control.create(name: name, selection: .tenants([tenant]), who: "x", why: nil, now: now)
            try f.recordCleanVerify(control, cohort: name)
            _ = try control.advance(name: name, to: .readsNew, who: "x", why: nil, now: now)
        }
        // What two killed processes leave: both cohorts fenced `moving` in both stores; pilot's cut-over recorded
        // (killed before the lift), second's not (killed while waiting for the drain).
        for name in ["pilot", "second"] {
            try control.state.beginMoment(MomentRecord(cohort: name, action: "advance", from: .readsNew, to: .cutOver, step: "fencing",
                                                       startedAt: now, who: "anna", pid: 4242))
        }
        try control.publish(moving: ["pilot", "second"], since: now)
        try control.state.recordMoment(TimelineEntry(at: now, action: "advance", from: .readsNew, to: .cutOver, who: "anna", why: nil), cohort: "pilot")
        XCTAssertEqual(try control.state.moments().map { "\($0.cohort) \($0.step)" }, ["pilot recorded", "second fencing"])
        XCTAssertEqual(try writes(f.legacyPath, "bolt"), ["reads-new", "moving"])

        let lines = try CohortControl.recoverLeftBehind(config: f.config)
        XCTAssertEqual(lines, [
            "cohort pilot: the cut-over begun at \(now.rfc3339) by anna (process 4242) was recorded but its process ended before lifting"
                + " the fence; fences published for cut-over (writes new); nothing more to do",
            "cohort second: the cut-over begun at \(now.rfc3339) by anna (process 4242) ended before it was recorded; fences set back"
                + " to reads-new (writes legacy again); run tandem cohort advance second --to cut-over to try again",
        ])
        for path in [f.legacyPath, f.newPath] {
            XCTAssertEqual(try writes(path, "acme"), ["cut-over", "new"])
            XCTAssertEqual(try writes(path, "bolt"), ["reads-new", "legacy"])
        }
        XCTAssertEqual(try control.state.moments(), [])
        XCTAssertEqual(try control.cohort("second").phase, .readsNew)
        let last = try XCTUnwrap(control.state.timeline(of: "second").last)
        XCTAssertEqual([last.action, last.from?.rawValue, last.to.rawValue, last.who], ["interrupted", "reads-new", "reads-new", "tandem"])
        XCTAssertEqual(try CohortControl.recoverLeftBehind(config: f.config), [], "nothing left to recover")
    }

    /// While the process of a moment holds the migration lock, the daemon leaves its moment alone and another
    /// command waits, then refuses naming it (exit 75).
    func testAMomentInHandIsLeftAloneAndAnotherCommandRefusesNamingIt() throws {
        let f = try MigrationFixture(self)
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        let now = Quarantine.now()
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        _ = try control.create(name: "other", selection: .tenants(["bolt"]), who: "x", why: nil, now: now)
        let held = try XCTUnwrap(MigrationLock.acquire(state: control.state.path, wait: .zero))
        try control.state.beginMoment(MomentRecord(cohort: "pilot", action: "rollback", from: .cutOver, to: .rolledBack, step: "fencing",
                                                   startedAt: now, who: "anna", pid: 4242))
        XCTAssertEqual(try CohortControl.recoverLeftBehind(config: f.config), [])
        XCTAssertEqual(try control.state.moments().count, 1)
        control.lockWait = .milliseconds(50)
        XCTAssertThrowsError(try control.advance(name: "other", to: nil, who: "x", why: nil, now: now)) {
            XCTAssertEqual("\($0)", "cohort pilot is moving (rollback cut-over → rolled-back since \(now.rfc3339), process 4242); try again when it ends")
            XCTAssertEqual(($0 as? MigrationError)?.category, .tryAgain)
        }
        held.release()
        XCTAssertEqual(try control.advance(name: "other", to: nil, who: "x", why: nil, now: now).map(\.phase), [.shadow])
        XCTAssertEqual(try control.state.moments(), [], "the command recovered the moment first")
    }
}

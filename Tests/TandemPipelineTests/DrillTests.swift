import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSQLite
import TandemSources
import XCTest
@testable import TandemPipeline

/// `tandem drill` (issue 14): a cohort's cut-over and rollback rehearsed on copies of real SQLite stores; the
/// result is recorded and gates the move into cut-over; the live stores, journal and state are not touched.
final class DrillTests: XCTestCase {
    private(set) var now = Timestamp(microseconds: 0)

    override func setUp() {
        super.setUp()
        now = Quarantine.now()
    }

    /// The fixture's migration, replicated for real: legacy's change table → journal (through the mapping) → the
    /// new store; cohort `pilot` (acme, bolt) in reads-new with its fences published. `mapping` replaces the
    /// fixture's mapping file.
    func liveMigration(mapping: String? = nil) throws -> (MigrationFixture, CohortControl) {
        let f = try MigrationFixture(self)
        if let mapping { try write(mapping, "mapping.json", in: f.dir) }
        let legacy = try Database(path: f.legacyPath)
        try legacy.execute("DELETE FROM bestellungen")
        try ChangeTableTriggers.install(db: legacy, tables: ["bestellungen"])
        for (i, t) in ["acme", "bolt", "t1", "acme"].enumerated() { try legacy.execute("INSERT INTO bestellungen VALUES (\(i + 1), '\(t)', 0)") }
        legacy.close()
        try forward(f)
        let control = try CohortControl(config: f.config)
        _ = try control.create(name: "pilot", selection: .tenants(["acme", "bolt"]), who: "ops", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .readsNew, who: "ops", why: nil, now: now)
        return (f, control)
    }

    /// What the daemon does, once: legacy's changes into the journal, the journal into the new store.
    func forward(_ f: MigrationFixture) throws {
        let writer = try JournalWriter(directory: f.journal)
        let source = f.config.source.makeSource(log: { _ in })
        let mapping = try Mapping.load(path: f.config.mapping!)
        _ = try Ingestor(source: source, journal: writer, quarantine: try Quarantine(journal: f.journal), mapping: mapping).run(once: true)
        source.close(); writer.close()
        let sink = try XCTUnwrap(f.config.sink(named: "new")).spec.open()
        defer { sink.close() }
        try Replayer(journal: f.journal, sink: sink).run()
    }

    /// Every row and schema object of a SQLite file, as text.
    func dump(_ path: String) throws -> [String] {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        var out: [String] = []
        let tables = try db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        var names: [String] = []
        while try tables.step() {
            out.append("\(tables.text(0)) \(tables.text(1)): \(tables.isNull(2) ? "" : tables.text(2))")
            if tables.text(0) == "table" { names.append(tables.text(1)) }
        }
        for n in names {
            let s = try db.prepare("SELECT * FROM \(SQL.quote(n)) ORDER BY 1")
            while try s.step() { out.append(n + ": " + (0..<s.columnCount).map { "\(s.value(at: $0))" }.joined(separator: "|")) }
        }
        return out
    }

    func testADrillPassesOnAHealthySetupAndTouchesNothingLive() throws {
        let (f, control) = try liveMigration()
        defer { control.state.close() }
        let legacyBefore = try dump(f.legacyPath), newBefore = try dump(f.newPath)
        let manifestBefore = try Data(contentsOf: URL(fileURLWithPath: f.journal + "/manifest.json"))
        let timelineBefore = try control.state.timeline(of: "pilot")

        let outcome = try Drill(config: f.config).run(cohort: "pilot", now: now)
        XCTAssertTrue(outcome.record.passed, outcome.record.reason)
        XCTAssertEqual([outcome.legacyWrites, outcome.newWrites], [2, 2], "acme and bolt: one row each way")
        XCTAssertEqual(outcome.drained, 4, "two inserts and two deletes went back")
        XCTAssertTrue(outcome.record.reason.hasPrefix("cut-over and rollback rehearsed for 2 tenant(s): 2 write(s) to legacy, 2 to the new store,"),
                      outcome.record.reason)
        XCTAssertNotNil(outcome.record.cutOverPauseMs)
        XCTAssertEqual(outcome.rollbackParts.map(\.name), ["fence", "drain", "flip+lift"])
        XCTAssertEqual(outcome.record.mappingVersion, try Verifier.mappingVersion(f.config.mapping))

        // Recorded in the live state file; nothing else live changed, and the copies are gone.
        let recorded = try XCTUnwrap(try control.state.lastDrill(cohort: "pilot"))
        XCTAssertTrue(recorded.passed)
        XCTAssertEqual(recorded.rollbackMs, outcome.record.rollbackMs)
        XCTAssertEqual(try dump(f.legacyPath), legacyBefore)
        XCTAssertEqual(try dump(f.newPath), newBefore)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: f.journal + "/manifest.json")), manifestBefore)
        XCTAssertEqual(try control.state.timeline(of: "pilot"), timelineBefore)
        XCTAssertEqual(try control.cohort("pilot").phase, .readsNew)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.dir).filter { $0.hasPrefix(".tandem-drill") }, [])

        // The drill gate holds: the cohort enters cut-over.
        XCTAssertEqual(try control.advance(name: "pilot", to: .cutOver, who: "ops", why: nil, now: now).map(\.phase), [.cutOver])
    }

    func testABrokenReverseMappingFailsTheDrillAndBlocksTheCutOver() throws {
        // n goes forward 0 → "zero" and back "zero" → 7: the explicit reverse rule is wrong.
        let (f, control) = try liveMigration(mapping: #"""
            {"entities": {"bestellungen": {"target": "orders", "tenant": "mandant", "columns": {"mandant": {"rename": "tenant"},
              "n": {"transforms": [{"map": {"0": "zero"}}], "reverse": {"map": {"zero": 7}}}}}}}
            """#)
        defer { control.state.close() }
        let outcome = try Drill(config: f.config).run(cohort: "pilot", now: now)
        XCTAssertFalse(outcome.record.passed)
        XCTAssertTrue(outcome.record.reason.hasPrefix("the copies differ after the rollback: "), outcome.record.reason)
        XCTAssertThrowsError(try control.advance(name: "pilot", to: .cutOver, who: "ops", why: nil, now: now)) {
            guard case .gateFailed(_, _, _, let gate, let detail)? = $0 as? MigrationError else { return XCTFail("\($0)") }
            XCTAssertEqual(gate, "drill")
            XCTAssertTrue(detail.hasPrefix("the last drill ("), detail)
            XCTAssertTrue(detail.contains(") failed: the copies differ after the rollback: "), detail)
        }
        XCTAssertEqual(try control.cohort("pilot").phase, .readsNew)
    }

    func testAColumnWithoutAReverseRuleFailsTheDrill() throws {
        // A map that is not one-to-one does not invert: n has no way back (mapping check --reverse refuses it).
        let (f, control) = try liveMigration(mapping: #"""
            {"entities": {"bestellungen": {"target": "orders", "tenant": "mandant", "columns": {"mandant": {"rename": "tenant"},
              "n": {"transforms": [{"map": {"0": "zero", "1": "zero"}}]}}}}}
            """#)
        defer { control.state.close() }
        let outcome = try Drill(config: f.config).run(cohort: "pilot", now: now)
        XCTAssertFalse(outcome.record.passed)
        XCTAssertTrue(outcome.record.reason.hasPrefix("the reverse mapping cannot take the cohort's writes back: "), outcome.record.reason)
    }

    func testAMissingFenceFailsTheDrillAndBlocksTheCutOver() throws {
        let (f, control) = try liveMigration()
        defer { control.state.close() }
        let legacy = try Database(path: f.legacyPath)
        try legacy.execute("DROP TRIGGER _tandem_fence_bestellungen_insert")
        legacy.close()
        let outcome = try Drill(config: f.config).run(cohort: "pilot", now: now)
        XCTAssertFalse(outcome.record.passed)
        XCTAssertEqual(outcome.record.reason, "a write fence is missing in the legacy store: _tandem_fence_bestellungen_insert (tandem fence status; tandem fence publish)")
        XCTAssertThrowsError(try control.advance(name: "pilot", to: .cutOver, who: "ops", why: nil, now: now)) {
            guard case .gateFailed(_, _, _, let gate, _)? = $0 as? MigrationError else { return XCTFail("\($0)") }
            XCTAssertEqual(gate, "drill")
        }
        // The live store is as it was: the drill did not publish its fences again.
        let check = try Database(path: f.legacyPath, mode: .readOnly)
        defer { check.close() }
        XCTAssertNil(try check.scalar("SELECT 1 FROM sqlite_master WHERE name = '_tandem_fence_bestellungen_insert'"))
    }

    func testACohortInShadowIsRehearsedFromReadsNewOnTheCopiesOnly() throws {
        let (f, control) = try liveMigration()
        defer { control.state.close() }
        _ = try control.create(name: "early", selection: .tenants(["t1"]), who: "ops", why: nil, now: now)
        _ = try control.advance(name: "early", to: .shadow, who: "ops", why: nil, now: now)
        let outcome = try Drill(config: f.config).run(cohort: "early", now: now)
        XCTAssertTrue(outcome.record.passed, outcome.record.reason)
        XCTAssertEqual(try control.cohort("early").phase, .shadow)
        XCTAssertEqual(try control.state.timeline(of: "early").map(\.action), ["create", "advance"])
        XCTAssertEqual(try RoutingStore(spec: f.config.migration!.legacy, role: .legacy).routes().first { $0.tenant == "t1" }?.phase, "shadow")
        XCTAssertThrowsError(try Drill(config: f.config).run(cohort: "nope", now: now)) { XCTAssertTrue("\($0)".hasPrefix("no cohort named \"nope\""), "\($0)") }
    }

    func testAChangedMappingNeedsANewDrill() throws {
        let (f, control) = try liveMigration()
        defer { control.state.close() }
        XCTAssertTrue(try Drill(config: f.config).run(cohort: "pilot", now: now).record.passed)
        let text = try String(contentsOfFile: f.config.mapping!, encoding: .utf8)
        try write(text + "\n", "mapping.json", in: f.dir)
        XCTAssertThrowsError(try control.advance(name: "pilot", to: .cutOver, who: "ops", why: nil, now: now)) {
            guard case .gateFailed(_, _, _, let gate, let detail)? = $0 as? MigrationError else { return XCTFail("\($0)") }
            XCTAssertEqual(gate, "drill")
            XCTAssertTrue(detail.contains("rehearsed mapping "), detail)
        }
    }

    func testADrillOfARolledBackCohortDoesNotCarryItsOldNewStoreWritesBackAgain() throws {
        let (f, control) = try liveMigration()
        defer { control.state.close() }
        try f.recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .cutOver, who: "ops", why: nil, now: now)
        let new = try Database(path: f.newPath)
        try new.execute("UPDATE orders SET n = 5 WHERE id = 1")  // acme's write in the new store, captured there
        new.close()
        _ = try control.rollback(name: "pilot", who: "ops", why: nil, now: now)  // carried back to legacy
        let legacy = try Database(path: f.legacyPath)
        try legacy.execute("UPDATE bestellungen SET n = 9 WHERE id = 1")  // acme writes legacy again
        legacy.close()
        try forward(f)

        let outcome = try Drill(config: f.config).run(cohort: "pilot", now: now)
        XCTAssertTrue(outcome.record.passed, outcome.record.reason)
        XCTAssertEqual(outcome.drained, 4, "the rehearsal's writes, not the write carried back before")
    }
}

import Foundation
import Synchronization
import TandemCore
import TandemJournal
import TandemPostgres
import TandemSinks
import TandemSQLite
import TandemSources
import TandemTesting
import XCTest
@testable import TandemPipeline

/// `tandem verify`'s engine (issue 14) on real SQLite files, the new store filled by ingest and replay.
final class VerifyTests: XCTestCase {
    /// A legacy store with change triggers (`bestellungen`: 30 rows of tenants acme and bolt), the mapping to
    /// `orders` (mandant → tenant, email must have an @), a journal, the new store, the config.
    struct Setup {
        let dir: String
        let config: DaemonConfig
        var legacyPath: String { dir + "/legacy.db" }
        var newPath: String { dir + "/new.db" }
        var journal: String { dir + "/journal" }

        /// Journals what the legacy change table holds and applies it to the new store.
        func forward() throws {
            let w = try JournalWriter(directory: journal)
            defer { w.close() }
            let source = try SourceSpec.parse("sqlite-changelog:\(legacyPath)").makeSource()
            defer { source.close() }
            let mapping = try Mapping.load(path: dir + "/mapping.json")
            try Ingestor(source: source, journal: w, quarantine: Quarantine(journal: journal), mapping: mapping).run(once: true)
            let sink = try XCTUnwrap(config.sink(named: "new")).spec.open()
            defer { sink.close() }
            try Replayer(journal: journal, sink: sink).run()
        }
    }

    func makeSetup(rows: Int = 30, newInto: String = "sqlite:new.db") throws -> Setup {
        let dir = try configDirectory(self)
        let legacy = try Database(path: dir + "/legacy.db")
        defer { legacy.close() }
        try legacy.execute("CREATE TABLE bestellungen (id INTEGER PRIMARY KEY, mandant TEXT NOT NULL, n INTEGER, email TEXT)")
        try ChangeTableTriggers.install(db: legacy, tables: ["bestellungen"])
        for i in 1...rows {
            try legacy.execute("INSERT INTO bestellungen VALUES (\(i), '\(i % 2 == 0 ? "acme" : "bolt")', \(i * 10), 'u\(i)@example.org')")
        }
        _ = try write(#"{"entities": {"bestellungen": {"target": "orders", "tenant": "mandant", "columns": {"mandant": {"rename": "tenant"}, "email": {"validate": {"regex": "@"}}}}}}"#,
                      "mapping.json", in: dir)
        _ = try Journal.create(at: dir + "/journal")
        let path = try write("""
            {"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json",
             "sinks": [{"name": "new", "into": "\(newInto)"}], "http": {"listen": "127.0.0.1:0"},
             "migration": {"new": "new", "legacy": "sqlite:legacy.db"}}
            """, in: dir)
        let s = Setup(dir: dir, config: try DaemonConfig.load(path: path, environment: [:]))
        try s.forward()
        return s
    }

    func verify(_ s: Setup, _ scope: VerifyScope = VerifyScope(), settle: Double = 0.05) throws -> VerifyResult {
        var options = Verifier.Options()
        options.chunkRows = 7  // several chunks for 30 rows: differences land in different chunks, the last one open-ended
        options.settleSeconds = settle
        let v = try Verifier(config: s.config, scope: scope, options: options)
        defer { v.close() }
        return try v.run()
    }

    /// Each difference as one line: kind, entity, key, tenant, differing columns.
    func lines(_ r: VerifyResult) -> [String] {
        r.differences.map { "\($0.kind.rawValue) \($0.entity) \(KeyText.of($0.key)) \($0.tenant ?? "-") \($0.columns.joined(separator: ","))" }
    }

    func testACleanPairIsClean() throws {
        let s = try makeSetup()
        let r = try verify(s)
        XCTAssertTrue(r.clean, r.summary)
        XCTAssertEqual(r.rows, 30)
        XCTAssertEqual(r.chunks, 5, "7, 7, 7, 7 and the last 2 rows (open-ended)")
        XCTAssertEqual(r.differingChunks, 0)
        XCTAssertEqual(r.consistentAtSeq, try Journal.stats(at: s.journal).lastSeq)
        XCTAssertEqual(r.tenants["acme"]?.rows, 15)
        XCTAssertEqual(r.tenants["bolt"]?.rows, 15)
    }

    func testPlantedDifferencesAreFoundByKeyAndNothingElse() throws {
        let s = try makeSetup()
        let new = try Database(path: s.newPath)
        try new.execute("UPDATE orders SET n = 999 WHERE id = 3")                    // changed behind Tandem's back
        try new.execute("DELETE FROM orders WHERE id = 12")                          // deleted there
        try new.execute("INSERT INTO orders (id, tenant, n, email) VALUES (100, 'acme', 1, 'x@y.z')")  // extra, past the last legacy key
        try new.execute("INSERT INTO orders (id, tenant, n, email) VALUES (0, 'bolt', 1, 'x@y.z')")    // extra, before the first
        try new.execute("UPDATE orders SET n = CAST(n AS TEXT) || ' units' WHERE id = 20")  // a column whose type drifted
        try new.execute("UPDATE orders SET tenant = 'bolt' WHERE id = 26")          // an acme row moved to bolt
        new.close()

        let all = try verify(s)
        XCTAssertFalse(all.clean)
        XCTAssertEqual(lines(all), [
            #"extra orders {"id":0} bolt "#,
            #"extra orders {"id":100} acme "#,
            #"missing orders {"id":12} acme "#,
            #"different orders {"id":20} acme n"#,
            #"different orders {"id":26} acme tenant"#,
            #"different orders {"id":3} bolt n"#,
        ])
        let d = try XCTUnwrap(all.differences.first { $0.key == ["id": .int(20)] })
        XCTAssertEqual(d.legacyValues, ["n": .int(200)])
        XCTAssertEqual(d.newValues, ["n": .string("200 units")])
        XCTAssertEqual(all.tenants["acme"]?.missing, 1)
        XCTAssertEqual(all.tenants["acme"]?.different, 2)

        // Seen from one tenant, the moved row is missing in acme and extra in bolt.
        XCTAssertEqual(lines(try verify(s, VerifyScope(tenants: ["acme"]))), [
            #"extra orders {"id":100} acme "#,
            #"missing orders {"id":12} acme "#,
            #"different orders {"id":20} acme n"#,
            #"missing orders {"id":26} acme "#,
        ])
        XCTAssertEqual(lines(try verify(s, VerifyScope(tenants: ["bolt"]))), [
            #"extra orders {"id":0} bolt "#,
            #"extra orders {"id":26} bolt "#,
            #"different orders {"id":3} bolt n"#,
        ])
    }

    func testQuarantinedRowsAreReportedApartNotAsMissing() throws {
        let s = try makeSetup()
        let legacy = try Database(path: s.legacyPath)
        try legacy.execute("INSERT INTO bestellungen VALUES (31, 'acme', 1, 'no-at-sign'), (32, 'acme', 2, 'nope'), (33, 'bolt', 3, 'fine@x.org')")
        legacy.close()
        try s.forward()
        let r = try verify(s)
        XCTAssertEqual(r.differences.count, 0, lines(r).joined(separator: "\n"))
        XCTAssertFalse(r.clean, "rows held in quarantine: not clean")
        XCTAssertEqual(r.quarantined.count, 1)
        XCTAssertEqual(r.quarantined.first?.entity, "bestellungen")
        XCTAssertEqual(r.quarantined.first?.keys, [["id": .int(31)], ["id": .int(32)]])
        XCTAssertTrue(r.quarantined.first?.reason.contains("regex on email") == true, r.quarantined.first?.reason ?? "")
        XCTAssertEqual(r.tenants["acme"]?.quarantined, 2)
        XCTAssertTrue(VerifyOutput.text(r, showValues: false).contains("2 rows of bestellungen held in quarantine: regex on email"),
                      VerifyOutput.text(r, showValues: false))
        // bolt has none in quarantine: its verify is clean.
        XCTAssertTrue(try verify(s, VerifyScope(tenants: ["bolt"])).clean)
    }

    /// A writer changes the legacy store the whole time while ingest and replay follow it: no round reports
    /// a difference (each in-flight change lands and is re-checked).
    func testACleanPairStaysCleanWhileAWriterChangesLegacy() throws {
        let s = try makeSetup(rows: 60)
        let stop = StopSignal()
        let failures = Failures()
        let legacyPath = s.legacyPath
        let writer = Thread {
            do {
                let db = try Database(path: legacyPath)
                defer { db.close() }
                var i: Int64 = 0
                while !stop.isFired {
                    i += 1
                    try db.execute("UPDATE bestellungen SET n = n + 1 WHERE id = \(i % 60 + 1)")
                    if i % 10 == 0 { try db.execute("INSERT INTO bestellungen VALUES (\(1000 + i), 'acme', \(i), 'w\(i)@x.org')") }
                    if i % 25 == 0 { try db.execute("DELETE FROM bestellungen WHERE id = \(1000 + i - 20)") }
                    Thread.sleep(forTimeInterval: 0.002)
                }
            } catch { failures.add("writer: \(error)") }
        }
        let pump = Thread {
            while !stop.isFired {
                // The writer holding the legacy lock past the busy timeout: try again, as the daemon does.
                do { try s.forward() } catch let e as CategorizedError where e.category == .tryAgain {} catch { failures.add("pump: \(error)") }
            }
        }
        writer.start(); pump.start()
        defer { stop.fire() }
        var settled = 0
        // scripts/soak verify runs more rounds.
        for round in 1...(Int(ProcessInfo.processInfo.environment["TANDEM_SOAK_VERIFY_ROUNDS"] ?? "") ?? 3) {
            let r = try verify(s, settle: 0.5)
            XCTAssertEqual(lines(r), [], "round \(round): \(r.summary)")
            XCTAssertGreaterThanOrEqual(r.rows, 60)
            settled += r.settled
        }
        XCTAssertGreaterThan(settled, 0, "the writer's changes were caught in flight and settled on a re-check")
        stop.fire()
        XCTAssertTrue(eventually(within: .seconds(10)) { writer.isFinished && pump.isFinished }, "the writer and the pump stop")
        XCTAssertEqual(failures.all, [])
    }

    /// A verify stopped after any chunk (here: its progress save fails, as a kill would end it) goes on from
    /// its last saved chunk and finds exactly what an uninterrupted one finds.
    func testAnInterruptedVerifyGoesOnFromItsLastChunkWithTheSameResult() throws {
        let s = try makeSetup()
        let legacy = try Database(path: s.legacyPath)
        try legacy.execute("INSERT INTO bestellungen VALUES (31, 'acme', 1, 'no-at-sign')")
        legacy.close()
        try s.forward()
        let new = try Database(path: s.newPath)
        try new.execute("UPDATE orders SET n = 999 WHERE id = 3")
        try new.execute("DELETE FROM orders WHERE id = 12")
        try new.execute("INSERT INTO orders (id, tenant, n, email) VALUES (100, 'acme', 1, 'x@y.z')")
        new.close()
        let whole = try verify(s)
        XCTAssertEqual(lines(whole).count, 3)

        struct Killed: Error {}
        final class Saved { var text: String?; var saves = 0 }
        for stopAt in 1...4 {
            let saved = Saved()
            func verifier(failingAt: Int?) throws -> Verifier {
                var options = Verifier.Options()
                options.chunkRows = 7
                options.settleSeconds = 0.05
                let v = try Verifier(config: s.config, scope: VerifyScope(), options: options)
                v.progressStore = VerifyProgressStore(load: { saved.text }, save: { text in
                    saved.text = text
                    saved.saves += 1
                    if saved.saves == failingAt { throw Killed() }
                }, clear: { saved.text = nil })
                return v
            }
            let first = try verifier(failingAt: stopAt)
            XCTAssertThrowsError(try first.run(), "stopped after chunk \(stopAt)") { XCTAssertTrue($0 is Killed) }
            first.close()
            XCTAssertNotNil(saved.text)
            let second = try verifier(failingAt: nil)
            defer { second.close() }
            let r = try second.run()
            XCTAssertEqual(lines(r), lines(whole), "stopped after chunk \(stopAt)")
            XCTAssertEqual([r.rows, r.chunks], [whole.rows, whole.chunks], "stopped after chunk \(stopAt)")
            XCTAssertEqual(r.quarantined, whole.quarantined)
            XCTAssertEqual(r.tenants, whole.tenants)
            XCTAssertNil(saved.text, "a finished verify forgets its progress")
        }
    }

    /// The new store on PostgreSQL (its own database on the test cluster): the same planted differences found.
    func testAPostgresNewStore() throws {
        guard let base = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let admin = try PostgresConnection(conninfo: base, redactor: PostgresRedactor(conninfo: base))
        let name = "verify_" + UUID().uuidString.prefix(8).lowercased()
        try admin.query("CREATE DATABASE \(name)")
        addTeardownBlock { _ = try? admin.query("DROP DATABASE \(name) WITH (FORCE)"); admin.close() }
        var url = try XCTUnwrap(URLComponents(string: base))
        url.path = "/" + name
        let conninfo = try XCTUnwrap(url.string)
        let s = try makeSetup(newInto: conninfo)
        let clean = try verify(s)
        XCTAssertTrue(clean.clean, clean.summary + " " + lines(clean).joined(separator: "; "))
        XCTAssertEqual(clean.rows, 30)

        let app = try PostgresConnection(conninfo: conninfo, redactor: PostgresRedactor(conninfo: conninfo))
        defer { app.close() }
        try app.query("UPDATE orders SET n = 999 WHERE id = 3")
        try app.query("DELETE FROM orders WHERE id = 12")
        try app.query("INSERT INTO orders (id, tenant, n, email) VALUES (100, 'acme', 1, 'x@y.z')")
        try app.query("UPDATE orders SET tenant = 'bolt' WHERE id = 26")
        let r = try verify(s)
        XCTAssertEqual(lines(r), [
            #"extra orders {"id":100} acme "#,
            #"missing orders {"id":12} acme "#,
            #"different orders {"id":26} acme tenant"#,
            #"different orders {"id":3} bolt n"#,
        ])
        XCTAssertEqual(r.differences.last?.newValues, ["n": .int(999)])
    }

    /// Runs `sql` as Tandem's applying transaction does (marked: the write fences let it pass).
    func passingTheFence(_ db: Database, _ sql: String) throws {
        try db.transaction {
            try db.execute(ApplyingMarker.sqliteCreate)
            try db.execute(ApplyingMarker.sqliteMark)
            try db.execute(sql)
            try db.execute(ApplyingMarker.sqliteUnmark)
        }
    }

    /// A cohort leaves shadow only after a clean verify of it made in shadow, with the mapping as it is.
    func testACohortLeavesShadowOnlyAfterACleanVerify() throws {
        let s = try makeSetup()
        let control = try CohortControl(config: s.config)
        defer { control.state.close() }
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: Quarantine.now())
        _ = try control.advance(name: "pilot", to: .shadow, who: "x", why: nil, now: Quarantine.now())
        XCTAssertThrowsError(try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: Quarantine.now())) {
            XCTAssertEqual("\($0)", "cohort pilot stays in shadow: gate verify for shadow → reads-new does not hold: no verify of the cohort yet;"
                           + " run tandem verify --config \(s.config.file) --cohort pilot")
        }
        let cohort = VerifyScope(tenants: ["acme"], cohort: "pilot")
        // A dirty verify of the cohort holds it.
        let new = try Database(path: s.newPath)
        try passingTheFence(new, "DELETE FROM orders WHERE id = 4")
        var r = try verify(s, cohort)
        XCTAssertEqual(lines(r), [#"missing orders {"id":4} acme "#])
        try control.state.save(r)
        XCTAssertThrowsError(try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: Quarantine.now())) {
            XCTAssertTrue("\($0)".contains("gate verify for shadow → reads-new does not hold: last verify at "), "\($0)")
            XCTAssertTrue("\($0)".contains(": NOT clean: 15 rows, 1 missing (cohort pilot, consistent at seq 30, mapping "), "\($0)")
        }
        // Repaired, a clean verify lets it go.
        try passingTheFence(new, "INSERT INTO orders (id, tenant, n, email) VALUES (4, 'acme', 40, 'u4@example.org')")
        new.close()
        r = try verify(s, cohort)
        XCTAssertTrue(r.clean, r.summary)
        try control.state.save(r)
        XCTAssertEqual(try control.state.lastVerify(cohort: "pilot")?.clean, true)
        XCTAssertEqual(try control.advance(name: "pilot", to: nil, who: "x", why: nil, now: Quarantine.now()).map(\.phase), [.readsNew])
        XCTAssertEqual(try control.state.gateResults(of: "pilot").first { $0.gate == "verify" }?.passed, true)

        // A changed mapping makes the verify stale for the next cohort.
        _ = try control.create(name: "next", selection: .tenants(["bolt"]), who: "x", why: nil, now: Quarantine.now())
        _ = try control.advance(name: "next", to: .shadow, who: "x", why: nil, now: Quarantine.now())
        try control.state.save(try verify(s, VerifyScope(tenants: ["bolt"], cohort: "next")))
        _ = try write(#"{"entities": {"bestellungen": {"target": "orders", "tenant": "mandant", "columns": {"mandant": {"rename": "tenant"}}}}}"#,
                      "mapping.json", in: s.dir)
        XCTAssertThrowsError(try control.advance(name: "next", to: nil, who: "x", why: nil, now: Quarantine.now())) {
            XCTAssertTrue("\($0)".contains("the last verify compared with mapping "), "\($0)")
        }
    }
}

/// Errors seen on the test's threads.
final class Failures: Sendable {
    private let items = Mutex<[String]>([])
    func add(_ s: String) { items.withLock { $0.append(s) } }
    var all: [String] { items.withLock { $0 } }
}

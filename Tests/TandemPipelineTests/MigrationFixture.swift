import Foundation
import TandemCore
import TandemJournal
import TandemPostgres
import TandemSinks
import TandemSQLite
import TandemSources
import XCTest
@testable import TandemPipeline

/// A migration on disk: a legacy SQLite store whose `bestellungen` rows carry a `mandant` (the tenant), a
/// mapping renaming them to `orders.tenant`, a journal, the new store as sink `new`, and the config.
struct MigrationFixture {
    let dir: String
    let config: DaemonConfig

    var legacyPath: String { dir + "/legacy.db" }
    var newPath: String { dir + "/new.db" }
    var journal: String { dir + "/journal" }

    /// The new store's sink spec as the config writes it (default: SQLite `new.db`).
    let newInto: String

    init(_ test: XCTestCase, tenants: [String] = ["acme", "bolt", "t1", "t2", "t3"], extra: String = "", newInto: String = "sqlite:new.db") throws {
        self.newInto = newInto
        dir = try configDirectory(test)
        let legacy = try Database(path: dir + "/legacy.db")
        try legacy.execute("CREATE TABLE bestellungen (id INTEGER PRIMARY KEY, mandant TEXT, n INTEGER)")
        for (i, t) in tenants.enumerated() { try legacy.execute("INSERT INTO bestellungen VALUES (\(i + 1), '\(t)', 0)") }
        legacy.close()
        try write(#"{"entities": {"bestellungen": {"target": "orders", "tenant": "mandant", "columns": {"mandant": {"rename": "tenant"}}}}}"#,
                  "mapping.json", in: dir)
        _ = try Journal.create(at: dir + "/journal")
        let path = try write("""
            {"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json",
             "sinks": [{"name": "new", "into": "\(newInto)"}], "http": {"listen": "127.0.0.1:0"},
             "migration": {"new": "new", "legacy": "sqlite:legacy.db"\(extra)}}
            """, in: dir)
        config = try DaemonConfig.load(path: path, environment: [:])
    }

    /// Appends events of `tenant` to the journal, committed `age` seconds ago; returns the events with seqs.
    func journal(_ tenant: String, ids: [Int64], age: Double) throws -> [Event] {
        let w = try JournalWriter(directory: journal)
        defer { w.close() }
        let at = Timestamp(microseconds: Quarantine.now().microseconds - Int64(age * 1_000_000))
        var out: [Event] = []
        for id in ids {
            let e = Event(txn: "t\(id)", committedAt: at, entity: "orders", key: ["id": .int(id)], op: .insert,
                          after: ["id": .int(id), "tenant": .string(tenant)], tenant: tenant)
            try w.append([e])
            out.append(contentsOf: [e])
        }
        let last = try Journal.lastSeq(at: journal)
        return out.enumerated().map { var e = $0.element; e.seq = last - UInt64(out.count - 1 - $0.offset); return e }
    }

    /// Applies `events` to the new store as sink `new`.
    func applyToNew(_ events: [Event]) throws {
        let sink = try XCTUnwrap(config.sink(named: "new")).spec.open()
        defer { sink.close() }
        try sink.apply(events, journalID: Journal.manifest(at: journal).journalID.uuidString)
    }

    /// Cohort `pilot` (tenant acme, one row of it in the new store) moved to `cut-over` with a recorded clean
    /// verify and passing drill; the caller closes the control's state file.
    func pilotInCutOver(now: Timestamp) throws -> CohortControl {
        try applyToNew(try journal("acme", ids: [1], age: 0))
        let control = try CohortControl(config: config)
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        try recordCleanVerify(control, cohort: "pilot")
        try recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .cutOver, who: "x", why: nil, now: now)
        return control
    }

    /// Records a clean verify of the cohort, as `tandem verify --cohort NAME` does: the tests of other gates and
    /// phases pass the verify gate with it (VerifyTests compare real stores and test the gate).
    func recordCleanVerify(_ control: CohortControl, cohort: String) throws {
        let now = Quarantine.now()
        try control.state.save(VerifyResult(scope: VerifyScope(cohort: cohort), startedAt: now, finishedAt: now, consistentAtSeq: 0,
                                            mappingVersion: try Verifier.mappingVersion(config.mapping)))
    }

    /// Records a passing drill of the cohort, as `tandem drill --cohort NAME` does: the tests of other gates and
    /// phases pass the drill gate with it (DrillTests run real drills and test the gate).
    func recordPassingDrill(_ control: CohortControl, cohort: String) throws {
        try control.state.save(DrillRecord(cohort: cohort, at: Quarantine.now(), passed: true, reason: "recorded by the test", cutOverPauseMs: nil,
                                           rollbackMs: nil, mappingVersion: try Verifier.mappingVersion(config.mapping)))
    }
}

extension XCTestCase {
    /// A fresh database in the test cluster (`TANDEM_TEST_POSTGRES`), dropped after the test, as a URI; skips
    /// without a cluster (fails under CI).
    func postgresDatabase(prefix: String) throws -> String {
        guard let base = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let admin = try PostgresConnection(conninfo: base, redactor: PostgresRedactor(conninfo: base))
        let name = prefix + "_" + UUID().uuidString.prefix(8).lowercased()
        try admin.query("CREATE DATABASE \(name)")
        addTeardownBlock { _ = try? admin.query("DROP DATABASE \(name) WITH (FORCE)"); admin.close() }
        var url = try XCTUnwrap(URLComponents(string: base))
        url.path = "/" + name
        return try XCTUnwrap(url.string)
    }
}

import Foundation
import TandemCore
import TandemPostgres
import TandemSinks
import TandemSources
import XCTest
@testable import TandemPipeline

/// The fences' refusal counters: a PostgreSQL store counts each refused application write on its cohort's
/// sequence (which survives the refused transaction's rollback); a SQLite store says it cannot count.
final class FenceRefusalCountTests: XCTestCase {
    /// The fixture with its new store in a fresh PostgreSQL database holding one row of acme, cohort `pilot`
    /// (acme) created, and an application's connection to that database.
    private func pilot() throws -> (MigrationFixture, CohortControl, PostgresConnection, Timestamp) {
        let uri = try postgresDatabase(prefix: "refused")
        let f = try MigrationFixture(self, newInto: uri)
        try f.applyToNew(try f.journal("acme", ids: [1], age: 0))
        let control = try CohortControl(config: f.config)
        addTeardownBlock { control.state.close() }
        let now = Quarantine.now()
        _ = try control.create(name: "pilot", selection: .tenants(["acme"]), who: "x", why: nil, now: now)
        let app = try PostgresConnection(conninfo: uri, redactor: PostgresRedactor(conninfo: uri))
        addTeardownBlock { app.close() }
        return (f, control, app, now)
    }

    private func counts(_ f: MigrationFixture, _ cohort: String) -> [String] {
        (CohortStatus.refusals(config: f.config, cohorts: [cohort])[cohort] ?? []).map { "\($0.role.rawValue) \($0.count.text)" }
    }

    func testAPostgresStoreCountsEachRefusedWriteAndTandemsOwnWritesPassUncounted() throws {
        let (f, control, app, now) = try pilot()
        try f.recordCleanVerify(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .readsNew, who: "x", why: nil, now: now)
        let sqlite = "legacy n/a (SQLite cannot record a refused write; count it in the application)"
        XCTAssertEqual(counts(f, "pilot"), ["new 0", sqlite])

        for n in 1...2 {
            XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (\(10 + n), 'acme')")) {
                XCTAssertTrue("\($0)".contains("tandem: tenant acme writes to the legacy store since \(now.rfc3339)"), "\($0)")
            }
            XCTAssertEqual(app.lastSQLState, "P0001")  // raise_exception: the fence's own, not a counter's error
            XCTAssertEqual(counts(f, "pilot"), ["new \(n)", sqlite])
        }
        // Inside an explicit transaction the refusal rolls everything back, the count stays.
        try app.query("BEGIN")
        XCTAssertThrowsError(try app.query("UPDATE orders SET tenant = 'acme' WHERE id = 1"))
        try app.query("ROLLBACK")
        XCTAssertEqual(counts(f, "pilot"), ["new 3", sqlite])
        // Tandem's own replicated write passes the fence and is not counted; a tenant in no cohort is not fenced.
        try f.applyToNew(try f.journal("acme", ids: [2], age: 0))
        try app.query("INSERT INTO orders (id, tenant) VALUES (20, 'nobody')")
        XCTAssertEqual(try app.query("SELECT count(*) FROM orders")[0, 0], "3")
        XCTAssertEqual(counts(f, "pilot"), ["new 3", sqlite])
        // The JSON says which store cannot count (null, never 0) and the metrics give only the counted one.
        var status = CohortStatus(name: "pilot", phase: .readsNew, paused: false, tenants: 1, version: 3, since: now, lastPauseMs: nil)
        status.refused = CohortStatus.refusals(config: f.config, cohorts: ["pilot"])["pilot"] ?? []
        XCTAssertEqual(CohortStatus.json(status.refused).description,
                       #"{"new":{"count":3,"countable":true,"reason":null},"legacy":{"count":null,"countable":false,"reason":"\#(RefusalCount.sqliteReason)"}}"#)
        XCTAssertEqual(CohortStatus(json: status.json)?.refused, status.refused)
        var page = MetricsText()
        CohortStatus.append([status], to: &page)
        XCTAssertTrue(page.text.contains("tandem_cohort_fenced_writes_refused_total{cohort=\"pilot\",store=\"new\"} 3\n"), page.text)
        XCTAssertFalse(page.text.contains("store=\"legacy\""), page.text)
    }

    /// An installation from before the counters (the old fence function, no sequence): the cohort shows no
    /// count (not a 0) until the installer runs again; then the fence counts.
    func testUpgradingAnInstallationWithoutCountersInstallsThem() throws {
        let (f, control, app, _) = try pilot()
        // Back to what the previous version installed: its fence function, no counter.
        try app.query("""
            CREATE OR REPLACE FUNCTION _tandem_fence() RETURNS trigger LANGUAGE plpgsql AS $f$
            DECLARE t text; r record;
            BEGIN
              t := to_jsonb(NEW) ->> TG_ARGV[0];
              SELECT * INTO r FROM _tandem_routing WHERE tenant = t AND writes <> TG_ARGV[1];
              IF FOUND THEN RAISE EXCEPTION 'tandem: tenant % writes to the % store since %', t, r.writes, r.since; END IF;
              RETURN NEW;
            END $f$
            """)
        try app.query("DROP SEQUENCE _tandem_refused_pilot")
        try app.query("DROP FUNCTION _tandem_refusal_counter(text)")
        XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (5, 'acme')"))
        XCTAssertEqual(counts(f, "pilot").first, "new unknown (no counter in this store yet (tandem fence publish installs it))")

        try control.publishRecorded()  // `tandem fence publish`, or any cohort command
        XCTAssertEqual(counts(f, "pilot").first, "new 0")
        XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (5, 'acme')"))
        XCTAssertEqual(app.lastSQLState, "P0001")
        XCTAssertEqual(counts(f, "pilot").first, "new 1")
    }

    /// A cohort name too long for a PostgreSQL name with the prefix gets a shortened counter of its own.
    func testALongCohortNameGetsItsOwnShortenedCounter() throws {
        let (f, control, app, now) = try pilot()
        let long = String(repeating: "b", count: 40) + "-" + String(repeating: "c", count: 23)  // 64 bytes
        _ = try control.create(name: long, selection: .tenants(["bolt"]), who: "x", why: nil, now: now)
        let counters = try app.query("SELECT sequencename FROM pg_sequences WHERE sequencename LIKE '\\_tandem\\_refused\\_%' ORDER BY 1")
        let names = (0..<counters.count).compactMap { counters[$0, 0] }
        XCTAssertEqual(names.count, 2, "\(names)")
        XCTAssertTrue(names.allSatisfy { $0.utf8.count <= 63 }, "\(names)")
        XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (7, 'bolt')"))
        XCTAssertEqual(counts(f, long).first, "new 1")
        XCTAssertEqual(counts(f, "pilot").first, "new 0")
    }

    /// The daemon's reader keeps its connection between reads and opens a new one after it broke.
    func testTheReaderReconnectsAfterItsConnectionBroke() throws {
        let (f, _, app, _) = try pilot()
        let reader = RefusalReader()
        let store = try XCTUnwrap(CohortControl.stores(config: f.config, migration: try XCTUnwrap(f.config.migration)).first)
        XCTAssertEqual(reader.read(store, cohorts: ["pilot"])["pilot"], .counted(0))
        try app.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (5, 'acme')"))
        let once = reader.read(store, cohorts: ["pilot"])["pilot"]
        if case .unknown(let why)? = once { XCTAssertTrue(why.hasPrefix("the store did not answer: "), why) } else { XCTAssertEqual(once, .counted(1)) }
        XCTAssertEqual(reader.read(store, cohorts: ["pilot"])["pilot"], .counted(1))
    }

    /// A counter the application's role may not use (or one dropped) never hides the fence's message.
    func testAMissingCounterStillRefusesWithTheFencesMessage() throws {
        let (f, _, app, _) = try pilot()
        try app.query("DROP SEQUENCE _tandem_refused_pilot")
        XCTAssertThrowsError(try app.query("INSERT INTO orders (id, tenant) VALUES (5, 'acme')")) {
            XCTAssertTrue("\($0)".contains("tandem: tenant acme writes to the legacy store since "), "\($0)")
        }
        XCTAssertEqual(app.lastSQLState, "P0001")
        XCTAssertEqual(counts(f, "pilot").first, "new unknown (no counter in this store yet (tandem fence publish installs it))")
    }
}

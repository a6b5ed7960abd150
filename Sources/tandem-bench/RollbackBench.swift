import Foundation
import TandemCore
import TandemJournal
import TandemPipeline
import TandemSinks
import TandemSources
import TandemSQLite

/// `tandem-bench rollback` (issue 14): rolling back a cohort of TANDEM_BENCH_ROLLBACK_TENANTS (10,000) tenants
/// owning TANDEM_BENCH_ROLLBACK_ROWS (1,000,000) rows, with one reverse event a tenant pending (writes made in
/// the new store after the cut-over, captured by its change table).
///
/// Two measurements on two identical copies of that setup:
/// - `rollback_cli`: `tandem cohort rollback` (the release binary, a real process) end to end, wall clock.
/// - the rollback's parts in-process, as the mirror of the cut-over runs them: `fence` (both stores refuse the
///   cohort's writes: `moving`), `drain` (`ReverseFlow.runOnce`: the new store's changes journaled and applied to
///   legacy), `flip` (the phase recorded in the state file), `lift` (the routing published, legacy's fence lifted);
///   `rollback_parts` is their sum. Goal for both: < 60 s.
enum RollbackBench {
    static let env = ProcessInfo.processInfo.environment
    static let tenants = Int(env["TANDEM_BENCH_ROLLBACK_TENANTS"] ?? "") ?? 10_000
    static let rows = Int(env["TANDEM_BENCH_ROLLBACK_ROWS"] ?? "") ?? 1_000_000

    static func run() throws {
        let scratch = env["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let root = scratch + "/rollback-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = Report()
        report.header("rollback (\(tenants) tenants, \(rows) rows, \(tenants) reverse events pending)")
        let cli = root + "/cli", parts = root + "/parts"
        let pending = try setUp(cli)
        try FileManager.default.createDirectory(atPath: parts, withIntermediateDirectories: true)
        for name in ["legacy.db", "new.db", "state.db"] {
            let db = try Database(path: cli + "/" + name, mode: .readOnly)
            try db.backup(to: parts + "/" + name)
            db.close()
        }
        for name in ["mapping.json", "tandem.json"] { try FileManager.default.copyItem(atPath: cli + "/" + name, toPath: parts + "/" + name) }
        _ = try Journal.create(at: parts + "/journal")

        // The CLI, end to end.
        let start = now()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TandemProcess.binary())
        p.arguments = ["cohort", "rollback", "big", "--config", cli + "/tandem.json", "--why", "bench"]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let cliSeconds = now() - start
        guard p.terminationStatus == 0 else {
            throw RawDisk.Failure(description: "tandem cohort rollback exited \(p.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        report.add(Figure(bench: "rollback", figure: "rollback_cli", value: cliSeconds, unit: "s", ceiling: 60, lowerIsBetter: true))
        let legacyCLI = try Database(path: cli + "/legacy.db", mode: .readOnly)
        guard case .int(let drainedByCLI)? = try legacyCLI.scalar("SELECT count(*) FROM orders WHERE amount = 1") else { throw RawDisk.Failure(description: "no count") }
        legacyCLI.close()

        // The parts, in-process, on the copy.
        let config = try DaemonConfig.load(path: parts + "/tandem.json", environment: [:])
        let control = try CohortControl(config: config, create: false)
        defer { control.state.close() }
        let mapping = control.mapping
        let at = Quarantine.now()
        let t0 = now()
        try control.publish(moving: ["big"], since: at)
        let t1 = now()
        var settings = ReverseFlow.Settings(source: try SourceSpec.parse("sqlite-changelog:\(parts)/new.db"), journal: parts + "/reverse-journal",
                                            legacy: control.migration.legacy, tenants: Set(try control.cohort("big").tenants))
        let legacy = try Database(path: parts + "/legacy.db", mode: .readOnly)
        settings.legacySchemas = try SQLiteChangeLogSource.declaredSchemas(legacy, tables: ["orders"])
        legacy.close()
        let pass = try ReverseFlow(mapping: mapping, settings: settings).runOnce()
        let t2 = now()
        guard pass.applied == pending, pass.quarantined == 0 else {
            throw RawDisk.Failure(description: "the drain applied \(pass.applied) of \(pending) reverse events (\(pass.quarantined) quarantined)")
        }
        _ = try control.state.record(TimelineEntry(at: at, action: "rollback", from: .cutOver, to: .rolledBack, who: "bench", why: nil), cohort: "big")
        let t3 = now()
        try control.publish()
        let t4 = now()
        for (name, value) in [("fence", t1 - t0), ("drain", t2 - t1), ("flip", t3 - t2), ("lift", t4 - t3)] {
            report.add(Figure(bench: "rollback", figure: name, value: value, unit: "s", ceiling: nil, lowerIsBetter: true))
        }
        report.add(Figure(bench: "rollback", figure: "drain_rate", value: Double(pass.applied) / max(t2 - t1, 1e-9), unit: "events/s", ceiling: nil))
        report.add(Figure(bench: "rollback", figure: "rollback_parts", value: t4 - t0, unit: "s", ceiling: 60, lowerIsBetter: true))
        report.note("ceiling of rollback_cli and rollback_parts: the goal, 60 s (ratio > 1: within it)")
        report.note("rollback_cli drained \(drainedByCLI) of \(pending) pending reverse events into legacy"
                    + " (a rollback without the reverse drain leaves them; the parts run drains them: \(pass.applied) applied)")
        report.finish()
    }

    /// Legacy and new SQLite stores with `rows` orders of `tenants` tenants, cohort `big` of every tenant in
    /// cut-over with its routing published, and one write a tenant in the new store; returns the writes.
    static func setUp(_ dir: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let legacy = try Database(path: dir + "/legacy.db")
        try legacy.execute("PRAGMA journal_mode = WAL")
        try legacy.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, amount INTEGER NOT NULL, note TEXT)")
        try legacy.execute("""
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < \(rows))
            INSERT INTO orders SELECT x, printf('t%05d', (x - 1) % \(tenants)), 0, 'order ' || x FROM n
            """)
        try legacy.backup(to: dir + "/new.db")
        legacy.close()
        try Data(#"{"entities": {"orders": {"tenant": "tenant"}}}"#.utf8).write(to: URL(fileURLWithPath: dir + "/mapping.json"))
        try Data(#"""
            {"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json",
             "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:0"},
             "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db"}}
            """#.utf8).write(to: URL(fileURLWithPath: dir + "/tandem.json"))
        _ = try Journal.create(at: dir + "/journal")
        let config = try DaemonConfig.load(path: dir + "/tandem.json", environment: [:])
        let control = try CohortControl(config: config)
        defer { control.state.close() }
        let names = (0..<tenants).map { String(format: "t%05d", $0) }
        let at = Quarantine.now()
        _ = try control.create(name: "big", selection: .tenants(names), who: "bench", why: nil, now: at)
        // The bench rolls back; how the cohort got to cut-over is not measured (its gates are not consulted).
        for (from, to) in [(MigrationPhase.planned, MigrationPhase.shadow), (.shadow, .readsNew), (.readsNew, .cutOver)] {
            _ = try control.state.record(TimelineEntry(at: at, action: "advance", from: from, to: to, who: "bench", why: nil), cohort: "big")
        }
        try control.publish()
        let new = try Database(path: dir + "/new.db")
        defer { new.close() }
        try ChangeTableTriggers.install(db: new, tables: ["orders"])
        // The application in cut-over: one write a tenant in the new store (its fence lets them through).
        try new.execute("UPDATE orders SET amount = 1 WHERE id <= \(tenants)")
        return Int(new.changes)
    }
}

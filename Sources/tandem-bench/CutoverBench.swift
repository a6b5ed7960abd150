import Foundation
import TandemCore
import TandemSQLite
import TandemSources

/// `tandem-bench cutover`: TANDEM_BENCH_TENANTS (10,000) tenants, one legacy row each, in 5 cohorts, each moved
/// planned → shadow (a clean `tandem verify`) → reads-new (a passing `tandem drill`) → cut-over → rolled-back with the release `tandem`
/// binary (`tandem run` a real process; every cohort command one too), while `RoutedWriter` offers
/// TANDEM_BENCH_RATE (2,000) changes/s across all tenants, honouring the routing (`_tandem_routing`) and retrying
/// a write a fence refused every 2 ms, as the application contract (ops/ROUTING.md) says.
///
/// Figures: `pause_p50/p99/max` — per tenant, from its first write refused during a cut-over to its first write
/// accepted after (what an application sees; goal p99 < 250 ms); `rollback_max` — the slowest `cohort rollback`
/// process, start to exit (goal < 5 s); `cutover_pause_max` — the longest fence-to-lift pause the cut-overs
/// recorded in the timeline; `offered_rate`.
enum CutoverBench {
    static let env = ProcessInfo.processInfo.environment
    static let tenants = Int(env["TANDEM_BENCH_TENANTS"] ?? "") ?? 10_000
    static let rate = Double(env["TANDEM_BENCH_RATE"] ?? "") ?? 2_000
    static let cohorts = 5

    static func run() throws {
        let scratch = env["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let dir = scratch + "/cutover-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let report = Report()
        report.header("cutover: \(tenants) tenants in \(cohorts) cohorts through every phase, \(Int(rate)) changes/s offered, routed")

        try setUp(dir)
        let daemon = try TandemProcess(["run", "--config", dir + "/tandem.json"], logPath: dir + "/run.log")
        defer { _ = daemon.terminate() }
        try daemon.waitForLog("ready:")
        try waitFor("the new store to hold the \(tenants) legacy rows", timeout: 120) {
            (try? count(dir + "/new.db", "SELECT count(*) FROM items")) == tenants
        }
        let writer = try RoutedWriter(legacy: dir + "/legacy.db", new: dir + "/new.db", tenants: tenants, rate: rate)
        writer.start()

        var rollbacks: [(cohort: String, seconds: Double, steps: String)] = []
        var cutovers: [(cohort: String, seconds: Double)] = []
        let per = tenants / cohorts
        for k in 0..<cohorts {
            let name = "c\(k + 1)"
            let list = (k * per..<(k + 1) * per).map(tenant).joined(separator: ",")
            try tandem(dir, ["cohort", "create", name, "--tenants", list])
            try tandem(dir, ["cohort", "advance", name, "--to", "shadow"])
            writer.hold(true)  // verify under load is `scripts/bench verify`'s matter; here the gate must pass
            try tandem(dir, ["verify", "--cohort", name, "--settle", "1"], attempts: 3)
            writer.hold(false)
            try tandem(dir, ["cohort", "advance", name, "--to", "reads-new"])
            try tandem(dir, ["drill", "--cohort", name])  // the gate into cut-over: a rehearsal on copies
            writer.window(true)
            let cut = try tandem(dir, ["cohort", "advance", name, "--to", "cut-over"])
            writer.window(false)
            cutovers.append((name, cut.seconds))
            usleep(500_000)  // writes in the new store for the cohort's tenants before it goes back
            let back = try tandem(dir, ["cohort", "rollback", name])
            rollbacks.append((name, back.seconds, back.stdout.split(separator: "\n").dropFirst().first.map(String.init) ?? ""))
        }
        let w = writer.stop()
        let pauses = try timelinePauses(dir + "/state.db")

        report.add(Figure(bench: "cutover", figure: "offered_rate", value: w.offered, unit: "changes/s", ceiling: rate))
        let p99 = percentile(w.pauses, 0.99) * 1000
        report.add(Figure(bench: "cutover", figure: "pause_p50", value: percentile(w.pauses, 0.5) * 1000, unit: "ms", ceiling: nil, lowerIsBetter: true))
        report.add(Figure(bench: "cutover", figure: "pause_p99", value: p99, unit: "ms", ceiling: 250, lowerIsBetter: true))
        report.add(Figure(bench: "cutover", figure: "pause_max", value: percentile(w.pauses, 1) * 1000, unit: "ms", ceiling: nil, lowerIsBetter: true))
        report.add(Figure(bench: "cutover", figure: "cutover_pause_max", value: pauses.cutover.max() ?? 0, unit: "ms", ceiling: 250, lowerIsBetter: true))
        let slowest = rollbacks.map(\.seconds).max() ?? 0
        report.add(Figure(bench: "cutover", figure: "rollback_max", value: slowest, unit: "s", ceiling: 5, lowerIsBetter: true))
        for (i, r) in rollbacks.enumerated() {
            report.add(Figure(bench: "cutover", figure: "rollback_\(r.cohort)", value: r.seconds, unit: "s", ceiling: 5, lowerIsBetter: true))
            report.note(String(format: "cohort %@: cut-over command %.2f s (timeline pause %.0f ms); rollback command %.2f s, %@", r.cohort,
                               cutovers[i].seconds, i < pauses.cutover.count ? pauses.cutover[i] : -1, r.seconds, r.steps.trimmingCharacters(in: .whitespaces)))
        }
        report.note("the writer holds its changes while each cohort's verify runs (the verify gate must pass; verify under load: scripts/bench verify)")
        report.note("pause_*: per tenant, first write refused by a fence during a cut-over → first write accepted after (retries every 2 ms); \(w.pauses.count) tenants sampled")
        report.note(String(format: "writer: %d changes in %.1f s, %d refused attempts, slowest single write %.0f ms; %d cohorts of %d tenants",
                           w.changes, w.seconds, w.refusals, w.slowestWrite * 1000, cohorts, per))
        report.note("rollback_*: the `tandem cohort rollback` process, start to exit (fence, reverse drain of what the writer wrote in the new store meanwhile, flip, lift)")
        report.note("load average while running: " + ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines))
        report.note("goal p99 pause < 250 ms: \(p99 < 250 ? "met" : "NOT met"); goal rollback < 5 s: \(slowest < 5 ? "met" : "NOT met")")
        report.finish()
    }

    static func tenant(_ i: Int) -> String { String(format: "t%05d", i) }

    /// Legacy store (one row a tenant, capture triggers), mapping and config with a migration block.
    static func setUp(_ dir: String) throws {
        let db = try Database(path: dir + "/legacy.db")
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, qty INTEGER NOT NULL)")
        try db.transaction {
            let s = try db.prepare("INSERT INTO items VALUES (?, ?, 0)")
            for i in 0..<tenants { try s.bind(Int64(i), at: 1); try s.bind(tenant(i), at: 2); try s.execute() }
        }
        try ChangeTableTriggers.install(db: db, tables: ["items"])
        db.close()
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: dir + "/mapping.json", atomically: true, encoding: .utf8)
        let config = #"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db", "maxForwardLagSeconds": 30}}"#
        try config.write(toFile: dir + "/tandem.json", atomically: true, encoding: .utf8)
    }

    /// Runs `tandem ARGS --config` to its end (up to `attempts` times while it fails); throws on the last failure.
    @discardableResult
    static func tandem(_ dir: String, _ args: [String], attempts: Int = 1) throws -> (stdout: String, seconds: Double) {
        var last = ""
        for _ in 0..<attempts {
            let out = Pipe()
            let start = now()
            let p = try TandemProcess(args + ["--config", dir + "/tandem.json"], logPath: dir + "/cli.log", stdout: out)
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.process.waitUntilExit()
            let took = now() - start
            if p.process.terminationStatus == 0 { return (String(decoding: data, as: UTF8.self), took) }
            last = "tandem \(args.prefix(3).joined(separator: " ")) exited \(p.process.terminationStatus): \(p.logTail)\n"
                + String(decoding: data, as: UTF8.self).split(separator: "\n").prefix(8).joined(separator: "\n")
            FileHandle.standardError.write(Data("cutover: \(last)\n".utf8))
        }
        throw RawDisk.Failure(description: last)
    }

    static func count(_ path: String, _ sql: String) throws -> Int {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        guard case .int(let n)? = try db.scalar(sql) else { return 0 }
        return Int(n)
    }

    static func waitFor(_ what: String, timeout: Double, _ ok: () -> Bool) throws {
        let deadline = now() + timeout
        while !ok() {
            guard now() < deadline else { throw RawDisk.Failure(description: "timed out waiting for \(what)") }
            usleep(20_000)
        }
    }

    /// The write pauses the cut-overs recorded in the timeline, in order.
    static func timelinePauses(_ state: String) throws -> (cutover: [Double], rollback: [Double]) {
        let db = try Database(path: state, mode: .readOnly)
        defer { db.close() }
        let s = try db.prepare("SELECT action, pause_ms FROM timeline WHERE pause_ms IS NOT NULL ORDER BY id")
        var c: [Double] = [], r: [Double] = []
        while try s.step() { if s.text(0) == "advance" { c.append(s.double(1)) } else { r.append(s.double(1)) } }
        return (c, r)
    }

    /// The `q` quantile of `xs` (0 when empty).
    static func percentile(_ xs: [Double], _ q: Double) -> Double { PipelineBench.percentile(xs.sorted(), q) }
}

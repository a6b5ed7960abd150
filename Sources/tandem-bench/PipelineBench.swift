import Foundation
import TandemJournal
import TandemSQLite

/// `tandem-bench pipeline`: the daemon end to end — a legacy SQLite application (`PipelineLegacy`, triggers
/// feeding the change table) → `tandem run` (the release binary, a real process) → SQLite stores.
///
/// Runs, each with a fresh legacy database, journal and stores:
/// 1. saturated, one sink: the legacy writer keeps at most `window` changes ahead of the store (so the
///    pipeline is never idle), arriving steadily (`maxRate`), until TANDEM_BENCH_CHANGES (200,000) are applied. `pipeline_events` is the
///    store's checkpoint rate past the first 10 %; its ceiling is `tandem replay` of the same run's journal into
///    a fresh SQLite file, rated the same way (goal ratio >= 0.8).
/// 2. saturated, two sinks: the same workload; `pipeline_events_2sinks`, and the daemon's CPU seconds against
///    run 1's (`cpu_two_sinks`; goal < 1.3x the CPU of one).
/// 1b. backlog, one sink: the writer commits all the changes first (the change table holds them, as after an
///    outage or at a first start), then `tandem run` starts and catches up: `pipeline_backlog`, rated the same way
///    from the daemon's start. On a machine with few cores this is the pipeline's own rate: in run 1 the legacy
///    writer (its SQLite work and the capture triggers) shares the same cores, and `cpu_bound` says how fast any
///    pipeline could go there: the cores divided by the CPU a change costs the writer and the daemon together.
/// 3. paced: TANDEM_BENCH_RATE (10,000) changes/s for TANDEM_BENCH_SECONDS (10) in transactions of
///    TANDEM_BENCH_TXN (10) on an exact schedule; lag of each change = the time the bench first sees the store's
///    checkpoint at or past it minus the time its legacy COMMIT returned (one monotonic clock; the store is
///    polled every 0.5 ms). `lag_p50`, `lag_p99` (goal < 100 ms), `lag_max`, weighted per change.
/// `rss_peak`: the daemon's VmHWM over all runs, read before each stop, and VmRSS sampled every 50 ms (goal < 100 MiB).
enum PipelineBench {
    static let env = ProcessInfo.processInfo.environment
    static let changes = Int(env["TANDEM_BENCH_CHANGES"] ?? "") ?? 200_000
    static let rate = Double(env["TANDEM_BENCH_RATE"] ?? "") ?? 10_000
    static let seconds = Double(env["TANDEM_BENCH_SECONDS"] ?? "") ?? 10
    static let txn = Int(env["TANDEM_BENCH_TXN"] ?? "") ?? 10
    /// Saturated runs: changes a legacy transaction, and how far the writer may run ahead of the store.
    /// TANDEM_BENCH_WINDOW (20,000): a wider window lets the writer outrun ingest, and the source reads a change-table
    /// range as one source transaction, which each sink holds whole (at 50,000 the daemon's RSS passed 100 MiB).
    static let saturatedTxn = 100, window = Int(env["TANDEM_BENCH_WINDOW"] ?? "") ?? 20_000
    /// The saturated writer's top speed (TANDEM_BENCH_MAX_RATE, changes/s): above what the pipeline takes, so the
    /// window, not this, holds it back; see `PipelineLegacy.closedLoop`.
    static let maxRate = Double(env["TANDEM_BENCH_MAX_RATE"] ?? "") ?? 100_000

    /// What one daemon run measured.
    struct Measured {
        var history: [(seq: Int, at: Double)] = []
        /// When the writer started (seq 0).
        var start = 0.0
        var cpu = 0.0, hwm = 0.0, maxRSS = 0.0, stopSeconds = 0.0
        /// CPU seconds the bench process (the legacy writer and the store watcher) used during the run.
        var writerCPU = 0.0
        /// Backlog run: changes a second the legacy writer committed alone (no daemon running).
        var writerAlone = 0.0
    }

    static func run() throws {
        let scratch = env["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let root = scratch + "/pipeline-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = Report()
        report.header("pipeline: sqlite-changelog → tandem run → SQLite; \(changes) changes saturated, then \(Int(rate))/s for \(Int(seconds)) s")
        var verdicts: [String] = []
        func goal(_ text: String, _ met: Bool) { verdicts.append("goal \(text): \(met ? "met" : "NOT met")") }

        let one = try saturated(root + "/one", sinks: 1)
        let replay = try replayCeiling(journal: root + "/one/journal", into: root + "/one/replay.db")
        let rate1 = sustained(one.history, since: one.start)
        report.add(Figure(bench: "pipeline", figure: "pipeline_events", value: rate1, unit: "events/s", ceiling: replay))
        goal(String(format: "end-to-end >= 0.8 of replay (%.2f)", rate1 / replay), rate1 >= 0.8 * replay)
        // The most any pipeline could take on this machine with the writer on it: every core busy, each change
        // costing what the writer and the daemon spent on it in run 1.
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        let bound = cores / ((one.writerCPU + one.cpu) / Double(changes))
        report.add(Figure(bench: "pipeline", figure: "cpu_bound", value: bound, unit: "events/s", ceiling: replay))
        report.add(Figure(bench: "pipeline", figure: "cpu_writer", value: one.writerCPU / Double(changes) * 1e6, unit: "us/event", ceiling: nil, lowerIsBetter: true))
        let backlog = try backlogRun(root + "/backlog")
        let rateB = sustained(backlog.history, since: backlog.start)
        report.add(Figure(bench: "pipeline", figure: "writer_alone", value: backlog.writerAlone, unit: "changes/s", ceiling: replay))
        report.add(Figure(bench: "pipeline", figure: "pipeline_backlog", value: rateB, unit: "events/s", ceiling: replay))
        goal(String(format: "catch-up from a backlog >= 0.8 of replay (%.2f)", rateB / replay), rateB >= 0.8 * replay)

        let two = try saturated(root + "/two", sinks: 2)
        let rate2 = sustained(two.history, since: two.start)
        report.add(Figure(bench: "pipeline", figure: "pipeline_2sinks", value: rate2, unit: "events/s", ceiling: replay))
        let perEvent1 = one.cpu / Double(changes) * 1e6, perEvent2 = two.cpu / Double(changes) * 1e6
        report.add(Figure(bench: "pipeline", figure: "cpu_one_sink", value: perEvent1, unit: "us/event", ceiling: nil, lowerIsBetter: true))
        report.add(Figure(bench: "pipeline", figure: "cpu_two_sinks", value: perEvent2, unit: "us/event", ceiling: perEvent1, lowerIsBetter: true))
        goal(String(format: "two sinks < 1.3x the CPU of one (%.2fx)", two.cpu / one.cpu), two.cpu < 1.3 * one.cpu)

        let (lag, paced) = try pacedRun(root + "/lag")
        report.add(Figure(bench: "pipeline", figure: "offered_rate", value: paced.offered, unit: "changes/s", ceiling: rate))
        report.add(Figure(bench: "pipeline", figure: "lag_p50", value: percentile(paced.lags, 0.50) * 1000, unit: "ms", ceiling: nil, lowerIsBetter: true))
        let p99 = percentile(paced.lags, 0.99) * 1000
        report.add(Figure(bench: "pipeline", figure: "lag_p99", value: p99, unit: "ms", ceiling: nil, lowerIsBetter: true))
        report.add(Figure(bench: "pipeline", figure: "lag_max", value: percentile(paced.lags, 1) * 1000, unit: "ms", ceiling: nil, lowerIsBetter: true))
        // Met only at the full offered rate: a writer starved of CPU offers less (and in bursts).
        goal(String(format: "p99 lag < 100 ms at %d changes/s (%.1f ms at %.0f changes/s offered)", Int(rate), p99, paced.offered),
             p99 < 100 && paced.offered >= 0.95 * rate)

        let runs = [one, backlog, two, lag]
        let peak = runs.map { max($0.hwm, $0.maxRSS) }.max() ?? 0
        report.add(Figure(bench: "pipeline", figure: "rss_peak", value: peak, unit: "MiB", ceiling: nil, lowerIsBetter: true))
        goal(String(format: "RSS < 100 MiB throughout (%.1f MiB)", peak), peak < 100)

        report.note("pipeline_events*: the stores' checkpoint rate past the first 10 % of \(changes) changes, the legacy writer (transactions of \(saturatedTxn), WAL) at most \(window) changes ahead, at most \(Int(maxRate))/s")
        report.note("ceiling: `tandem replay` of run 1's journal into a fresh SQLite file, a process alone, rated the same way")
        report.note(String(format: "cpu_bound: %.0f cores / (%.1f us the writer (SQLite, capture triggers, store watcher) + %.1f us the daemon) a change; run 1 cannot pass it: %@",
                           cores, one.writerCPU / Double(changes) * 1e6, one.cpu / Double(changes) * 1e6,
                           bound < 0.8 * replay ? String(format: "below 0.8 of replay (%.2f), the writer on the same cores leaves the pipeline too little CPU", bound / replay) : "above 0.8 of replay"))
        report.note("pipeline_backlog: all \(changes) changes committed before `tandem run` starts; the daemon's checkpoint rate past the first 10 %, from its start")
        report.note(String(format: "writer_alone: the legacy writer with the capture triggers and no daemon, filling the backlog run's change table; run 1 cannot pass it either%@",
                           backlog.writerAlone < 0.8 * replay ? String(format: " and it is %.2f of replay: no pipeline fed by this writer can reach 0.8", backlog.writerAlone / replay) : ""))
        report.note(String(format: "cpu_*: the daemon's user+system CPU (/proc/PID/stat) until every store held all changes: %.2f s one sink, %.2f s two; %.2f s for the paced run", one.cpu, two.cpu, lag.cpu))
        report.note(String(format: "lag: legacy COMMIT returned → store checkpoint seen (polled every 0.5 ms), per change over %d changes in %d transactions; writer at worst %.1f ms late", paced.lags.count, paced.commits, paced.worstLate * 1000))
        report.note(String(format: "rss: VmHWM before each stop %.1f / %.1f / %.1f MiB (one sink, two, paced); SIGTERM exits took %.2f / %.2f / %.2f s",
                           one.hwm, two.hwm, lag.hwm, one.stopSeconds, two.stopSeconds, lag.stopSeconds))
        report.note("load average while running: " + ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines))
        for v in verdicts { report.note(v) }
        report.finish()
    }

    // MARK: runs

    /// A fresh legacy database, config and ready `tandem run` in `dir` with `sinks` SQLite sinks (s1.db, s2.db…).
    /// `before` runs on the legacy database before the daemon starts.
    static func start(_ dir: String, sinks: Int, before: (PipelineLegacy) throws -> Void = { _ in })
        throws -> (PipelineLegacy, TandemProcess, [(path: String, sink: String)]) {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let legacy = try PipelineLegacy(path: dir + "/legacy.db")
        try before(legacy)
        let stores = (1...sinks).map { (path: dir + "/s\($0).db", sink: "s\($0)") }
        let list = stores.map { #"{"name": "\#($0.sink)", "into": "sqlite:\#($0.sink).db"}"# }.joined(separator: ", ")
        // No start-up snapshot: the table starts empty, and a copy of rows the writer inserted before the
        // snapshot's first read would add journal events, breaking "change k is seq k" that the waits and the
        // lags rely on (the stores would be waited for at seq `changes` with the last changes still unapplied).
        let config = #"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "snapshot": false, "sinks": [\#(list)], "http": {"listen": "127.0.0.1:0"}}"#
        try config.write(toFile: dir + "/tandem.json", atomically: true, encoding: .utf8)
        let daemon = try TandemProcess(["run", "--config", dir + "/tandem.json"], logPath: dir + "/run.log")
        try daemon.waitForLog("ready:")
        return (legacy, daemon, stores)
    }

    /// Reads CPU and memory, stops the daemon (exit 0 required) and checks every store holds the legacy rows.
    static func finish(_ legacy: PipelineLegacy, _ daemon: TandemProcess, _ watcher: StoreWatcher,
                       _ stores: [(path: String, sink: String)]) throws -> Measured {
        var m = Measured()
        m.cpu = daemon.cpuSeconds()
        m.hwm = TandemProcess.memory(daemon.pid).hwm
        watcher.stop()
        m.history = watcher.history
        m.maxRSS = watcher.maxRSS
        let (status, took) = daemon.terminate()
        m.stopSeconds = took
        guard status == 0 else { throw RawDisk.Failure(description: "tandem run exited \(status) on SIGTERM:\n\(daemon.logTail)") }
        // Every figure counts seqs as changes: a journal holding other events (snapshot rows) is named as such.
        let journal = URL(fileURLWithPath: stores[0].path).deletingLastPathComponent().appendingPathComponent("journal").path
        let head = try Journal.stats(at: journal).lastSeq
        guard head == UInt64(legacy.changes) else {
            throw RawDisk.Failure(description: "\(journal) holds \(head) events for \(legacy.changes) legacy changes (seq k must be change k):\n\(daemon.logTail)")
        }
        for s in stores {
            let db = try Database(path: s.path, mode: .readOnly)
            defer { db.close() }
            guard case .int(let n)? = try db.scalar("SELECT count(*) FROM orders"), n == legacy.rowCount else {
                throw RawDisk.Failure(description: "\(s.path) does not hold the \(legacy.rowCount) legacy rows")
            }
        }
        legacy.close()
        return m
    }

    /// Run 1 or 2: `changes` changes as fast as the pipeline takes them.
    static func saturated(_ dir: String, sinks: Int) throws -> Measured {
        let (legacy, daemon, stores) = try start(dir, sinks: sinks)
        let watcher = StoreWatcher(stores: stores, pid: daemon.pid)
        let start = now(), cpu0 = cpuSeconds()
        try legacy.closedLoop(total: changes, txn: saturatedTxn, window: window, maxRate: maxRate) { watcher.seq }
        try watcher.wait(for: changes, daemon: daemon)
        let writerCPU = cpuSeconds() - cpu0
        var m = try finish(legacy, daemon, watcher, stores)
        m.start = start
        m.writerCPU = writerCPU
        return m
    }

    /// Run 1b: every change committed first, then the daemon started; rated from its start.
    static func backlogRun(_ dir: String) throws -> Measured {
        var began = 0.0, filled = 0.0
        let (legacy, daemon, stores) = try start(dir, sinks: 1) { legacy in
            let t0 = now()
            try legacy.closedLoop(total: changes, txn: saturatedTxn, window: .max, maxRate: .infinity) { 0 }
            began = now()
            filled = Double(changes) / (began - t0)
        }
        let watcher = StoreWatcher(stores: stores, pid: daemon.pid)
        try watcher.wait(for: changes, daemon: daemon)
        var m = try finish(legacy, daemon, watcher, stores)
        m.start = began
        m.writerAlone = filled
        return m
    }

    /// The ceiling: `tandem replay` of `journal` into a fresh SQLite file, rated like the daemon's stores.
    static func replayCeiling(journal: String, into path: String) throws -> Double {
        let start = now()
        let replay = try TandemProcess(["replay", "--journal", journal, "--into", "sqlite:" + path],
                                       logPath: path + ".log")
        let watcher = StoreWatcher(stores: [(path, "default")], pid: nil)
        replay.process.waitUntilExit()
        watcher.stop()
        guard replay.process.terminationStatus == 0, watcher.seq == changes else {
            throw RawDisk.Failure(description: "tandem replay exited \(replay.process.terminationStatus) at seq \(watcher.seq):\n\(replay.logTail)")
        }
        return sustained(watcher.history, since: start)
    }

    /// Run 3: the paced writer; the lag of every change.
    static func pacedRun(_ dir: String) throws -> (Measured, (lags: [Double], commits: Int, offered: Double, worstLate: Double)) {
        let (legacy, daemon, stores) = try start(dir, sinks: 1)
        let watcher = StoreWatcher(stores: stores, pid: daemon.pid)
        let total = Int(rate * seconds)
        let w = try legacy.paced(total: total, rate: rate, txn: txn)
        try watcher.wait(for: total, daemon: daemon)
        let m = try finish(legacy, daemon, watcher, stores)
        // Both lists are in seq order: one sweep finds, for each commit, the first sighting at or past it.
        var lags: [Double] = []
        lags.reserveCapacity(total)
        var k = 0, before = 0
        for c in w.commits {
            while m.history[k].seq < c.changes { k += 1 }
            let lag = max(0, m.history[k].at - c.at)
            lags.append(contentsOf: repeatElement(lag, count: c.changes - before))
            before = c.changes
        }
        lags.sort()
        return (m, (lags, w.commits.count, Double(total) / w.seconds, w.worstLate))
    }

    // MARK: figures

    /// Events a second between the first sighting past 10 % of the changes and the last one (from the one
    /// before the last, or from `start` at seq 0, when the store moved in a few big steps).
    static func sustained(_ history: [(seq: Int, at: Double)], since start: Double) -> Double {
        let points = [(seq: 0, at: start)] + history
        guard let last = points.last, last.seq > 0 else { return 0 }
        var i = points.firstIndex { $0.seq >= changes / 10 } ?? 0
        if i == points.count - 1 { i -= 1 }
        let first = points[i]
        guard last.at > first.at else { return 0 }
        return Double(last.seq - first.seq) / (last.at - first.at)
    }

    /// The `p` quantile of sorted `values` (0 when empty).
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let rank = Int((Double(values.count) * p).rounded(.up)) - 1
        return values[min(values.count - 1, max(0, rank))]
    }
}

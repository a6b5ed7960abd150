import Foundation
import TandemPipeline
import TandemSQLite

/// `tandem-bench verify`: rows/s compared by `tandem verify` (legacy through a mapping against the new store,
/// chunk checksums) against two plain full scans of the same tables, one per store, in the same run (the raw
/// C API stepping every column; goal ratio >= 0.5), and the verify's peak RSS on 100 k rows and on
/// TANDEM_BENCH_VERIFY_ROWS rows (default 1,000,000), each in its own process (goal: flat, within 20 MiB).
enum VerifyBench {
    static func run() throws {
        let large = Int(ProcessInfo.processInfo.environment["TANDEM_BENCH_VERIFY_ROWS"] ?? "") ?? 1_000_000
        let small = Swift.min(100_000, large)
        let scratch = ProcessInfo.processInfo.environment["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let root = scratch + "/verify-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = Report()
        report.header("verify (\(small) and \(large) rows a store, 7 columns, mapping with a tenant)")
        var rss: [Double] = []
        for rows in small == large ? [small] : [small, large] {
            let dir = root + "/\(rows)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try AuditBench.fill(dir + "/legacy.db", rows: rows)
            try FileManager.default.copyItem(atPath: dir + "/legacy.db", toPath: dir + "/new.db")
            try #"{"entities": {"customers": {"tenant": "tenant"}}}"#.write(toFile: dir + "/mapping.json", atomically: true, encoding: .utf8)
            try (#"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
                + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db"}}"#)
                .write(toFile: dir + "/tandem.json", atomically: true, encoding: .utf8)
            // Warm both files into the page cache, then the ceiling: one plain scan of each store.
            _ = try SnapshotBench.rawScan(dir + "/legacy.db"); _ = try SnapshotBench.rawScan(dir + "/new.db")
            let cpuBefore = cpuSeconds()
            let scans = try SnapshotBench.rawScan(dir + "/legacy.db") + (try SnapshotBench.rawScan(dir + "/new.db"))
            let scansCPU = cpuSeconds() - cpuBefore
            let child = try JournalBench.child(["verify-child", dir + "/tandem.json"])
            guard let seconds = child["seconds"], let compared = child["rows"], Int(compared) == rows, child["clean"] == 1 else {
                throw RawDisk.Failure(description: "verify child: expected \(rows) rows compared clean, got \(child)")
            }
            rss.append(child["rss"] ?? 0)
            report.add(Figure(bench: "verify", figure: "verify_rows_\(rows)", value: Double(rows) / seconds, unit: "rows/s",
                              ceiling: Double(rows) / scans))
            // On a shared machine the wall clock counts the other processes' turns too: the same comparison in
            // CPU seconds of each process (the scans run in one thread; the verify reads legacy on a second thread, so its
            // wall-clock ratio can pass its CPU ratio when both cores are free).
            if let cpu = child["cpu"], cpu > 0, scansCPU > 0 {
                report.add(Figure(bench: "verify", figure: "verify_cpu_rows_\(rows)", value: Double(rows) / cpu, unit: "rows/cpu-s",
                                  ceiling: Double(rows) / scansCPU))
            }
            report.add(Figure(bench: "verify", figure: "verify_rss_\(rows)", value: child["rss"] ?? 0, unit: "MiB", ceiling: nil))
        }
        report.add(Figure(bench: "verify", figure: "verify_rss_growth", value: Swift.max((rss.last ?? 0) - rss[0], 0.01), unit: "MiB",
                          ceiling: 20, lowerIsBetter: true))
        report.note("ceiling of verify_rows: SELECT * of the legacy table then of the new one, stepping every column (raw C API)")
        report.note("verify_cpu_rows: the same in CPU seconds of each process (the machine may be shared: wall time counts others' turns)")
        report.note("verify_rss_growth: peak RSS on the large table minus on the small one; goal within 20 MiB (flat in table size)")
        report.finish()
    }

    /// The child: verifies the config's pair (every tenant); prints rows, seconds, whether clean, and peak RSS.
    static func child(_ args: [String]) throws {
        let config = try DaemonConfig.load(path: args[0])
        let verifier = try Verifier(config: config, scope: VerifyScope())
        defer { verifier.close() }
        let (start, cpu) = (now(), cpuSeconds())
        let r = try verifier.run()
        let t = now() - start
        print("rows=\(r.rows)\nseconds=\(t)\ncpu=\(cpuSeconds() - cpu)\nclean=\(r.clean ? 1 : 0)\nrss=\(peakRSSMiB())")
    }
}

import Foundation
import TandemAudit
import TandemSQLite

/// `tandem-bench audit`: rows/s profiled by `tandem audit` against a plain full scan of the same table in the
/// same run (the raw C API stepping every column; goal ratio >= 0.5), and the audit's peak RSS on 100 k rows
/// and on TANDEM_BENCH_AUDIT_ROWS rows (default 2,000,000), each in its own process (goal: within 20 MiB).
enum AuditBench {
    static func run() throws {
        let large = Int(ProcessInfo.processInfo.environment["TANDEM_BENCH_AUDIT_ROWS"] ?? "") ?? 2_000_000
        let small = Swift.min(100_000, large)
        let scratch = ProcessInfo.processInfo.environment["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let root = scratch + "/audit-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = Report()
        report.header("audit (\(small) and \(large) legacy rows, 7 columns)")
        var rss: [Double] = []
        for rows in small == large ? [small] : [small, large] {
            let path = root + "/legacy-\(rows).db"
            try fill(path, rows: rows)
            let scan = Double(rows) / (try SnapshotBench.rawScan(path))  // rawScan gives seconds
            let child = try JournalBench.child(["audit-child", path])
            guard let seconds = child["seconds"], let profiled = child["rows"], Int(profiled) == rows else {
                throw RawDisk.Failure(description: "audit child: expected \(rows) rows, got \(child)")
            }
            rss.append(child["rss"] ?? 0)
            if rows == large {
                report.add(Figure(bench: "audit", figure: "audit_rows", value: Double(rows) / seconds, unit: "rows/s", ceiling: scan))
            }
            report.add(Figure(bench: "audit", figure: "audit_rss_\(rows)", value: child["rss"] ?? 0, unit: "MiB", ceiling: nil))
        }
        report.add(Figure(bench: "audit", figure: "audit_rss_growth", value: Swift.max((rss.last ?? 0) - rss[0], 0.01), unit: "MiB",
                          ceiling: 20, lowerIsBetter: true))
        report.note("ceiling of audit_rows: SELECT * stepping every column (raw C API); audit_rss_growth: goal within 20 MiB")
        report.finish()
    }

    static func fill(_ path: String, rows: Int) throws {
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("""
            CREATE TABLE customers (id INTEGER PRIMARY KEY, tenant TEXT, email TEXT NOT NULL, name TEXT, score REAL, avatar BLOB, created_at TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows))
            INSERT INTO customers SELECT i, 't' || (i % 500), 'user' || i || '@example.com', 'Customer number ' || i, i * 0.37,
              randomblob(16), strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (i % 1000) || ' minutes') FROM n;
            """)
    }

    /// The child: audits the file, prints rows, seconds and peak RSS.
    static func child(_ args: [String]) throws {
        var options = AuditOptions()
        options.tenantColumn = "tenant"
        let start = now()
        let r = try Auditor(store: try SQLiteAuditStore(path: args[0]), options: options).run()
        let t = now() - start
        print("rows=\(r.entities.reduce(0) { $0 + $1.rows })\nseconds=\(t)\nrss=\(peakRSSMiB())\nfindings=\(r.findings.count)")
    }
}

import CSQLite
import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSQLite
import TandemSources
import TandemPipeline

/// `tandem-bench snapshot`: catch-up of a legacy SQLite table into a journal while a legacy writer keeps
/// updating it, in rollback-journal mode (where a reader can make the writer wait) and in WAL mode.
///
/// Figures per mode: `snapshot_rows_MODE` (rows/s into the journal; ceiling: a raw C API `SELECT *` stepping
/// every column of the same table in the same run; goal ratio >= 0.5), `writer_wait_MODE` (the longest
/// single write of the legacy writer during the snapshot, ms; ceiling: its longest alone; goal < 50 ms),
/// `snapshot_peak_rss` and `replay_peak_rss` (MiB, each in its own process; goal < 100 MiB), `replay_rows`.
/// TANDEM_BENCH_ROWS sets the table's rows (default 200,000).
enum SnapshotBench {
    static func run() throws {
        let n = Int(ProcessInfo.processInfo.environment["TANDEM_BENCH_ROWS"] ?? "") ?? 200_000
        let scratch = ProcessInfo.processInfo.environment["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let root = scratch + "/snapshot-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let report = Report()
        report.header("snapshot (\(n) legacy rows, a writer updating throughout)")
        var journal = "", peak = 0.0
        // Rollback-journal mode is where a reader can make the writer wait; WAL mode is where it never does.
        for mode in ["rollback", "wal"] {
            let legacy = root + "/legacy-\(mode).db"
            journal = root + "/journal-\(mode)"
            try fill(legacy, rows: n, wal: mode == "wal")
            let alone = try WriterLoop.measure(legacy, seconds: 1, rows: n)
            let scan = try rawScan(legacy)
            let writer = try WriterLoop(legacy, rows: n)
            let child = try JournalBench.child(["snapshot-child", legacy, journal])
            let during = writer.stop()
            guard let rows = child["rows"], Int(rows) == n, let seconds = child["seconds"] else {
                throw RawDisk.Failure(description: "snapshot child: expected \(n) rows, got \(child)")
            }
            report.add(Figure(bench: "snapshot", figure: "snapshot_rows_\(mode)", value: Double(n) / seconds, unit: "rows/s",
                              ceiling: Double(n) / scan))
            report.add(Figure(bench: "snapshot", figure: "writer_wait_\(mode)", value: during.worst * 1000, unit: "ms",
                              ceiling: alone.worst * 1000, lowerIsBetter: true))
            report.note("\(mode): raw SELECT * \(String(format: "%.3f", scan)) s; \(during.writes) writer UPDATEs during the snapshot (\(alone.writes) alone in 1 s before); longest chunk read \(String(format: "%.1f", child["chunkMs"] ?? 0)) ms")
            peak = max(peak, child["rss"] ?? 0)
        }
        report.add(Figure(bench: "snapshot", figure: "snapshot_peak_rss", value: peak, unit: "MiB", ceiling: nil, lowerIsBetter: true))
        let target = root + "/new.db"
        let replay = try JournalBench.child(["snapshot-replay", journal, target])
        report.add(Figure(bench: "snapshot", figure: "replay_rows", value: (replay["events"] ?? 0) / (replay["seconds"] ?? 1),
                          unit: "events/s", ceiling: nil))
        report.add(Figure(bench: "snapshot", figure: "replay_peak_rss", value: replay["rss"] ?? 0, unit: "MiB", ceiling: nil, lowerIsBetter: true))
        report.note("ceiling of snapshot_rows_*: a raw C API SELECT * of the same table, every column read, same run; goal ratio >= 0.5")
        report.note("ceiling of writer_wait_*: the writer's worst single UPDATE alone (fsync); goal < 50 ms during the snapshot")
        report.note("goal: snapshot and replay peak RSS < 100 MiB each (each measured in its own process)")
        report.finish()
    }

    /// A legacy table of `rows` rows (integer key, text, REAL, BLOB) with Tandem triggers.
    static func fill(_ path: String, rows: Int, wal: Bool) throws {
        let db = try Database(path: path)
        defer { db.close() }
        if wal { try db.execute("PRAGMA journal_mode=WAL") }
        try db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, score REAL, avatar BLOB, created_at TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        try db.execute("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows))
            INSERT INTO customers SELECT i, 'user' || i || '@example.com', 'Customer number ' || i, i * 0.37,
              randomblob(16), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n;
            DELETE FROM _tandem_changes;
            """)
    }

    /// Seconds for a raw C API `SELECT *` reading every column by its type.
    static func rawScan(_ path: String) throws -> Double {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw RawDisk.Failure(description: "cannot open \(path)")
        }
        defer { sqlite3_close_v2(db) }
        var st: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT * FROM customers", -1, &st, nil) == SQLITE_OK, let st else {
            throw RawDisk.Failure(description: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(st) }
        var sum = 0
        let start = now()
        let width = sqlite3_column_count(st)
        while sqlite3_step(st) == SQLITE_ROW {
            for i in 0..<width {
                switch sqlite3_column_type(st, i) {
                case SQLITE_INTEGER: sum &+= Int(truncatingIfNeeded: sqlite3_column_int64(st, i))
                case SQLITE_FLOAT: sum &+= Int(sqlite3_column_double(st, i))
                case SQLITE_TEXT: sum &+= Int(sqlite3_column_bytes(st, i)) &+ Int(sqlite3_column_text(st, i)?.pointee ?? 0)
                case SQLITE_BLOB: sum &+= Int(sqlite3_column_bytes(st, i)) &+ Int(bitPattern: sqlite3_column_blob(st, i))
                default: break
                }
            }
        }
        let t = now() - start
        if sum == 42 { print("") }  // keep the reads
        return t
    }

    /// Child: the snapshot of LEGACY into JOURNAL; prints rows, seconds, peak RSS (MiB), longest chunk read (ms).
    static func child(_ args: [String]) throws {
        try Journal.create(at: args[1], options: IngestBench.options())
        let w = try JournalWriter(directory: args[1], options: IngestBench.options())
        defer { w.close() }
        var settings = SQLiteSnapshotSource.Settings(path: args[0], journal: args[1])
        settings.log = { _ in }
        let source = SQLiteSnapshotSource(settings)
        defer { source.close() }
        let ingestor = Ingestor(source: source, journal: w, quarantine: try Quarantine(journal: args[1]))
        let start = now()
        _ = try ingestor.run(once: true)
        let t = now() - start
        print("rows=\(source.progress.rows)\nseconds=\(t)\nrss=\(peakRSSMiB())\nchunkMs=\(source.progress.longestChunkRead * 1000)")
    }

    /// Child: replays JOURNAL into a fresh SQLite file TARGET; prints events, seconds, peak RSS (MiB).
    static func replayChild(_ args: [String]) throws {
        let sink = try SinkSpec.parse("sqlite:\(args[1])").open()
        let start = now()
        let p = try Replayer(journal: args[0], sink: sink, journalOptions: IngestBench.options()).run()
        let t = now() - start
        sink.close()
        print("events=\(p.applied)\nseconds=\(t)\nrss=\(peakRSSMiB())")
    }
}

/// The legacy application during the bench: single-row UPDATEs in autocommit, each timed (its wait for the
/// lock included), on its own connection and thread.
final class WriterLoop: @unchecked Sendable {
    // @unchecked Sendable: `stopping`, `worst` and `writes` are only touched under `lock`; the connection
    // only by the writer thread.
    private let lock = NSLock()
    private var stopping = false
    private var worst = 0.0
    private var writes = 0
    private let done = DispatchSemaphore(value: 0)

    /// Starts writing to `path` at once.
    init(_ path: String, rows: Int) throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK, let db else {
            throw RawDisk.Failure(description: "cannot open \(path)")
        }
        sqlite3_busy_timeout(db, 60_000)
        let h = UInt(bitPattern: db)
        Thread { [self] in
            let db = OpaquePointer(bitPattern: h)!
            var rng = SplitMix64(seed: 3)
            while !lock.withLock({ stopping }) {
                let id = 1 + Int(rng.next() % UInt64(rows))
                let t0 = now()
                sqlite3_exec(db, "UPDATE customers SET score = score + 1 WHERE id = \(id)", nil, nil, nil)
                let t = now() - t0
                lock.withLock { worst = max(worst, t); writes += 1 }
                usleep(2_000)
            }
            sqlite3_close_v2(db)
            done.signal()
        }.start()
    }

    /// Stops the writer; its worst single write in seconds and its count.
    func stop() -> (worst: Double, writes: Int) {
        lock.withLock { stopping = true }
        done.wait()
        return lock.withLock { (worst, writes) }
    }

    /// The writer alone for `seconds`.
    static func measure(_ path: String, seconds: Double, rows: Int) throws -> (worst: Double, writes: Int) {
        let w = try WriterLoop(path, rows: rows)
        usleep(UInt32(seconds * 1_000_000))
        return w.stop()
    }
}

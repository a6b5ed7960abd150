import CPostgres
import CSQLite
import Foundation
import TandemCore
import TandemSinks

/// `tandem-bench replay`: 1 M mixed events (70 % upserts of new keys, 20 % updates and 10 % deletes of
/// existing keys, 8 columns) into tables already holding 1 M rows, through the SQLite and PostgreSQL
/// sinks, beside ceilings from the same run: a plain prepared-statement upsert/delete loop through the
/// SQLite C API with the same transaction sizes, and PostgreSQL COPY of the same rows into an empty table.
/// Sizes: TANDEM_BENCH_EVENTS, TANDEM_BENCH_ROWS (default 1 000 000 each); batch TANDEM_BENCH_BATCH (10 000);
/// TANDEM_BENCH_ONLY=sqlite|postgres runs one half.
enum ReplayBench {
    static let env = ProcessInfo.processInfo.environment
    static let events = Int(env["TANDEM_BENCH_EVENTS"] ?? "") ?? 1_000_000
    static let rows = Int(env["TANDEM_BENCH_ROWS"] ?? "") ?? 1_000_000
    static let batch = Int(env["TANDEM_BENCH_BATCH"] ?? "") ?? 10_000
    static let columns = ["id", "tenant", "email", "name", "balance", "score", "active", "updated_at"]

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run() throws {
        let dir = env["TANDEM_BENCH_DIR"] ?? NSTemporaryDirectory()
        let report = Report()
        report.header("replay: \(events) mixed events into tables of \(rows) rows, \(batch) events a transaction")
        let only = env["TANDEM_BENCH_ONLY"]  // "sqlite" or "postgres" while tuning one of them
        if only != "postgres" { try sqlite(dir, report) }
        if only != "sqlite" { try postgres(report) }
        report.finish()
    }

    static func sqlite(_ dir: String, _ report: Report) throws {
        // One preloaded file, copied so both runs start from the same bytes.
        let seedDB = dir + "/replay-seed.db"
        try preloadSQLite(seedDB)
        let sinkDB = dir + "/replay-sink.db", loopDB = dir + "/replay-loop.db"
        for p in [sinkDB, loopDB] { try? FileManager.default.removeItem(atPath: p); try FileManager.default.copyItem(atPath: seedDB, toPath: p) }
        let loopRate = try naiveSQLiteLoop(loopDB)
        let sinkRate = try sinkRun(try SQLiteSink(path: sinkDB))
        report.add(Figure(bench: "replay", figure: "replay_sqlite", value: sinkRate, unit: "events/s", ceiling: loopRate))
        report.note("replay_sqlite ceiling: prepared-statement upsert/delete loop through the SQLite C API, same batches, WAL, synchronous=NORMAL")
        for p in [seedDB, sinkDB, loopDB] { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: p + s) } }
    }

    static func postgres(_ report: Report) throws {
        if let base = env["TANDEM_TEST_POSTGRES"], !base.isEmpty {
            let pg = try PG(base)
            try pg.exec("DROP TABLE IF EXISTS customers, copy_ceiling, _tandem_checkpoint")
            try pg.exec(createTable("customers"))
            try pg.copy(table: "customers", (0..<rows).map { row(Int64($0), generation: 0) })
            try pg.exec("VACUUM ANALYZE customers")
            try pg.exec(createTable("copy_ceiling"))
            let (copyRate, copiedRows) = try copyCeiling(pg)
            let sinkPG = try sinkRun(try PostgresSink(conninfo: base))
            report.add(Figure(bench: "replay", figure: "replay_postgres", value: sinkPG, unit: "events/s", ceiling: copyRate))
            report.note("replay_postgres ceiling: COPY (text) of the same rows (\(copiedRows) distinct keys, rows/s) into an empty table with the same primary key")
            try pg.exec("DROP TABLE IF EXISTS customers, copy_ceiling, _tandem_checkpoint")
        } else {
            report.note("replay_postgres skipped: TANDEM_TEST_POSTGRES is not set (scripts/bench starts a cluster)")
        }
    }

    // MARK: the workload

    static func createTable(_ name: String) -> String {
        "CREATE TABLE \(name) (id bigint PRIMARY KEY, tenant text, email text, name text, balance numeric, score double precision, active boolean, updated_at timestamptz)"
    }

    /// The row image of key `id` in its `generation`-th version.
    static func row(_ id: Int64, generation: Int64) -> Row {
        var r = Row()
        r.reserveCapacity(8)
        r.appendUnchecked("id", .int(id))
        r.appendUnchecked("tenant", .string("tenant-\(id % 100)"))
        r.appendUnchecked("email", .string("user\(id)-\(generation)@example.com"))
        r.appendUnchecked("name", .string("Customer \(id)"))
        r.appendUnchecked("balance", .decimal("\(id % 100_000).\(generation % 100 < 10 ? "0" : "")\(generation % 100)"))
        r.appendUnchecked("score", .double(Double(id % 1000) / 8))
        r.appendUnchecked("active", .bool((id + generation) & 1 == 0))
        r.appendUnchecked("updated_at", .timestamp(Timestamp(microseconds: 1_795_000_000_000_000 + id * 1000 + generation)))
        return r
    }

    /// Batch `b` of the workload (deterministic: every run sees the same events).
    static func batch(_ b: Int) -> [Event] {
        // A start far from every other batch's (not a multiple of SplitMix's step): streams do not overlap.
        var rng = SplitMix64(seed: (UInt64(b) &+ 1) &* 0xD1B5_4A32_D192_ED03)
        func next() -> UInt64 { rng.next() }
        let start = b * batch
        let count = min(batch, events - start)
        var out: [Event] = []
        out.reserveCapacity(count)
        for i in start..<(start + count) {
            let r = next()
            let dice = r % 100
            let seq = UInt64(i + 1)
            var e: Event
            if dice < 70 {
                let id = Int64(rows + i)
                e = Event(entity: "customers", key: ["id": .int(id)], op: .insert, after: row(id, generation: 1))
            } else {
                let id = Int64((r >> 8) % UInt64(rows))
                e = dice < 90
                    ? Event(entity: "customers", key: ["id": .int(id)], op: .update, after: row(id, generation: Int64(i)))
                    : Event(entity: "customers", key: ["id": .int(id)], op: .delete)
            }
            e.seq = seq
            e.txn = "t-\(i / 4)"
            out.append(e)
        }
        return out
    }

    static var batchCount: Int { (events + batch - 1) / batch }

    // MARK: runs

    static func sinkRun(_ sink: any EventSink) throws -> Double {
        defer { sink.close() }
        var spent = 0.0
        for b in 0..<batchCount {
            let events = batch(b)
            let t0 = now()
            try sink.apply(events, journalID: "bench")
            spent += now() - t0
        }
        return Double(events) / spent
    }

    static func preloadSQLite(_ path: String) throws {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        let db = try SQLiteC(path)
        defer { db.close() }
        try db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, tenant TEXT, email TEXT, name TEXT, balance TEXT, score REAL, active INTEGER, updated_at TEXT)")
        try db.exec("BEGIN")
        let s = try db.prepare("INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        for id in 0..<rows {
            try db.run(s, row(Int64(id), generation: 0).values)
        }
        sqlite3_finalize(s)
        try db.exec("COMMIT")
        try db.exec("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// The ceiling: what a plain loop over the same events does with the SQLite C API.
    static func naiveSQLiteLoop(_ path: String) throws -> Double {
        let db = try SQLiteC(path)
        defer { db.close() }
        let upsert = try db.prepare("""
            INSERT INTO customers (id, tenant, email, name, balance, score, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, email = excluded.email, name = excluded.name,
            balance = excluded.balance, score = excluded.score, active = excluded.active, updated_at = excluded.updated_at
            """)
        let delete = try db.prepare("DELETE FROM customers WHERE id = ?")
        defer { sqlite3_finalize(upsert); sqlite3_finalize(delete) }
        var spent = 0.0
        for b in 0..<batchCount {
            let events = batch(b)
            let t0 = now()
            try db.exec("BEGIN")
            for e in events {
                if e.op == .delete { try db.run(delete, e.key.values) } else { try db.run(upsert, e.after!.values) }
            }
            try db.exec("COMMIT")
            spent += now() - t0
        }
        return Double(events) / spent
    }

    /// The ceiling: COPY of the same rows (after-images; a delete's current row) into an empty table.
    static func copyCeiling(_ pg: PG) throws -> (rate: Double, rows: Int) {
        var spent = 0.0
        var copied = Set<Int64>()
        for b in 0..<batchCount {
            // One row per key in the table, as the target must hold: later versions of a key are skipped.
            let rowsOfBatch: [Row] = batch(b).compactMap { e in
                guard case .int(let id) = e.key.values[0], copied.insert(id).inserted else { return nil }
                return e.after ?? row(id, generation: 0)
            }
            let t0 = now()
            try pg.copy(table: "copy_ceiling", rowsOfBatch)
            spent += now() - t0
        }
        return (Double(copied.count) / spent, copied.count)
    }
}

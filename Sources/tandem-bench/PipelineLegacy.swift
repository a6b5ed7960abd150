import Foundation
import TandemCore
import TandemSQLite
import TandemSources

/// The legacy application of `tandem-bench pipeline`: one table `orders` with Tandem's change-capture triggers
/// (WAL, synchronous=NORMAL, as a busy application runs), written through the SQLite C API (`TandemSQLite`).
/// Every statement records exactly one change — an insert of a new id, an update or a delete of a live id — so
/// the k-th change committed is journal seq k, and a sink's checkpoint seq counts the changes it holds.
final class PipelineLegacy {
    static let schema = """
        CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, customer TEXT, amount REAL,
          qty INTEGER, status TEXT, updated_at TEXT)
        """
    static let statuses = ["new", "paid", "shipped", "returned"]

    private let db: Database
    private let insert: Statement, update: Statement, delete: Statement
    private var rng = SplitMix64(seed: 11)
    /// Ids of the rows that exist, for updates and deletes (swap-removed on delete).
    private var live: [Int64] = []
    private var nextID: Int64 = 1
    /// Changes committed so far.
    private(set) var changes = 0

    /// Creates a fresh legacy database at `path` with the triggers installed.
    init(path: String) throws {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        db = try Database(path: path)
        try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
        try db.execute(Self.schema)
        try ChangeTableTriggers.install(db: db, tables: ["orders"])
        insert = try db.prepare("INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", persistent: true)
        update = try db.prepare("UPDATE orders SET qty = qty + 1, amount = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
                                persistent: true)
        delete = try db.prepare("DELETE FROM orders WHERE id = ?1", persistent: true)
        live.reserveCapacity(1 << 20)
    }

    /// Commits one transaction of `n` changes (60 % inserts, 30 % updates, 10 % deletes once 1,000 rows exist).
    func write(_ n: Int) throws {
        try db.execute("BEGIN IMMEDIATE")
        for _ in 0..<n { try change() }
        try db.execute("COMMIT")
        changes += n
    }

    private func change() throws {
        let dice = rng.below(100)
        let stamp = "2026-11-30T08:\(String(changes / 60_000 % 60))Z#\(changes)"
        if live.count < 1_000 || dice < 60 {
            let id = nextID
            nextID += 1
            try insert.bind(id, at: 1)
            try insert.bind("tenant-\(id % 50)", at: 2)
            try insert.bind("customer \(id % 7919)", at: 3)
            try insert.bind(.double(Double(id % 100_000) / 8), at: 4)
            try insert.bind(Int64(1 + id % 9), at: 5)
            try insert.bind(Self.statuses[0], at: 6)
            try insert.bind(stamp, at: 7)
            try insert.execute()
            live.append(id)
        } else if dice < 90 {
            let id = live[rng.below(live.count)]
            try update.bind(id, at: 1)
            try update.bind(.double(Double(rng.below(1_000_000)) / 100), at: 2)
            try update.bind(Self.statuses[rng.below(Self.statuses.count)], at: 3)
            try update.bind(stamp, at: 4)
            try update.execute()
        } else {
            let i = rng.below(live.count)
            try delete.bind(live[i], at: 1)
            try delete.execute()
            live.swapAt(i, live.count - 1)
            live.removeLast()
        }
    }

    /// The rows the legacy table holds now.
    var rowCount: Int { live.count }

    func close() { db.close() }

    /// Writes `total` changes at `rate` a second on an exact schedule (change i is due at t0 + i / rate), in
    /// transactions of `txn` changes (more when it runs late, to catch up). Returns each transaction's
    /// cumulative change count and commit time (monotonic clock, taken as COMMIT returns) and the worst lateness.
    func paced(total: Int, rate: Double, txn: Int) throws -> (commits: [(changes: Int, at: Double)], worstLate: Double, seconds: Double) {
        var commits: [(changes: Int, at: Double)] = []
        commits.reserveCapacity(total / txn + 1)
        let t0 = now()
        var worst = 0.0
        while changes < total {
            sleepUntil(t0 + Double(min(total, changes + txn)) / rate)
            let due = min(total, Int((now() - t0) * rate))
            let n = min(max(due - changes, min(txn, total - changes)), txn * 10)
            try write(n)
            let at = now()
            commits.append((changes, at))
            worst = max(worst, at - (t0 + Double(changes) / rate))
        }
        return (commits, worst, now() - t0)
    }

    /// Writes `total` changes in transactions of `txn` as fast as the pipeline takes them: never more than
    /// `window` changes ahead of `applied()` (the pipeline stays busy) and never faster than `maxRate` a second,
    /// so that changes arrive steadily and the source reads small ranges (a burst of the whole window would be
    /// one range, journaled whole before a sink could start on it: the stages would take turns).
    func closedLoop(total: Int, txn: Int, window: Int, maxRate: Double, applied: () -> Int) throws {
        let t0 = now()
        while changes < total {
            if changes - applied() >= window { usleep(200); continue }
            let n = min(txn, total - changes)
            sleepUntil(t0 + Double(changes + n) / maxRate)
            try write(n)
        }
    }
}

/// Sleeps until `t` on the monotonic clock (`now()`'s).
func sleepUntil(_ t: Double) {
    var ts = timespec(tv_sec: Int(t), tv_nsec: Int((t - t.rounded(.down)) * 1e9))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
}

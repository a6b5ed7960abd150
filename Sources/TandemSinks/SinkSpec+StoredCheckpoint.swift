import Foundation
import TandemPostgres
import TandemSQLite

extension SinkSpec {
    /// The sink's row of the store's `_tandem_checkpoint` table, read without creating or changing anything
    /// (`tandem status` with no daemon running): nil when the store, the table or the row does not exist yet.
    /// A SQLite store is opened without creating it and with `query_only` (a reader never blocks a daemon
    /// writing in WAL mode); not `SQLITE_OPEN_READONLY`, which would leave `-wal`/`-shm` files behind.
    /// - Throws: `SinkError` when the store cannot be opened or read (never quoting a password).
    public func storedCheckpoint() throws -> SinkCheckpoint? {
        switch kind {
        case .sqlite(let path, _):
            let target = "sqlite:\(path)"
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            do {
                let db = try Database(path: path, mode: .readWrite, busyTimeoutMilliseconds: 2000)
                try db.execute("PRAGMA query_only = ON")
                defer { db.close() }
                let table = try db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_tandem_checkpoint'")
                guard table != .int(0) else { return nil }
                let s = try db.prepare("SELECT journal_id, seq FROM _tandem_checkpoint WHERE sink = ?")
                try s.bind(name, at: 1)
                defer { try? s.reset() }
                guard try s.step() else { return nil }
                return SinkCheckpoint(journalID: s.text(0), seq: UInt64(s.int64(1)))
            } catch let e as SQLiteError {
                throw SinkError.sqlite(e, target: target, entity: nil)
            }
        case .postgres(let conninfo):
            let redactor = try PostgresRedactor(sinkConninfo: conninfo)
            let c = try SinkError.postgres { () throws(PostgresError) in try PostgresConnection(conninfo: conninfo, redactor: redactor) }
            defer { c.close() }
            let exists = try c.run("SELECT to_regclass('_tandem_checkpoint') IS NOT NULL")
            guard exists.count > 0, exists[0, 0] == "t" else { return nil }
            let rows = try c.run("SELECT journal_id, seq FROM _tandem_checkpoint WHERE sink = $1", [name])
            guard rows.count > 0, let j = rows[0, 0], let s = rows[0, 1].flatMap({ UInt64($0) }) else { return nil }
            return SinkCheckpoint(journalID: j, seq: s)
        }
    }
}

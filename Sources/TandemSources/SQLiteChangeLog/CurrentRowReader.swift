import TandemCore
import TandemSQLite

/// Reads a legacy table's current row by key, decoded exactly as the triggers' images are (the same image
/// SQL, so a REAL keeps every bit and a BLOB stays bytes): `quarantine retry` journals it in place of an old
/// change that a newer journaled change of its key supersedes.
public final class CurrentRowReader {
    /// The legacy database file.
    public let path: String
    private let db: Database

    /// Opens the legacy database read-only.
    /// - Throws: `SourceError.missing` when it cannot be opened, `.config` when it has no change table.
    public init(path: String) throws {
        self.path = path
        db = try SourceError.wrapping(path) { try Database(path: path, mode: .readOnly) }
        let hasTable = try SourceError.wrapping(path) {
            try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(ChangeTableTriggers.table)'") != nil
        }
        guard hasTable else {
            db.close()
            throw SourceError.config("\(path): no change table \(ChangeTableTriggers.table): not the legacy database of a sqlite-changelog source")
        }
    }

    /// The row of `table` whose key columns hold exactly `key`'s values (nil when it is gone), and the newest
    /// change id at the time of the read: both from one read transaction, so the row is the state after that id.
    /// - Throws: `SourceError` (e.g. `.busy` while the legacy application holds a lock, `.storage` for a table or
    ///   key column that no longer exists).
    public func current(table: String, key: Row) throws -> (row: Row?, changeID: Int64) {
        try SourceError.wrapping(path) {
            // DEFERRED, not `transaction` (BEGIN IMMEDIATE): a read must never take the legacy writer's lock.
            try db.execute("BEGIN")
            defer { if !db.isAutocommit { try? db.execute("COMMIT") } }
            var changeID: Int64 = 0
            if case .int(let id)? = try db.scalar("SELECT max(id) FROM \(ChangeTableTriggers.table)") { changeID = id }
            let names = try ChangeTableTriggers.columns(db: db, table: table).map(\.name)
            guard !names.isEmpty else {
                throw SourceError.storage(path: path, message: "no table \"\(table)\" to re-read the current row from")
            }
            // Exact key match, as the triggers tell keys apart: same bytes (no NOCASE) and same storage type.
            let match = key.names.enumerated().map { i, n in
                let c = ChangeTableTriggers.quote(n)
                return "\(c) = ?\(i + 1) COLLATE BINARY AND typeof(\(c)) = typeof(?\(i + 1))"
            }.joined(separator: " AND ")
            let st = try db.prepare("SELECT \(ChangeTableTriggers.image("t", names)) FROM \(ChangeTableTriggers.quote(table)) AS t WHERE \(match)")
            for (i, v) in key.values.enumerated() { try st.bind(v, at: Int32(i + 1)) }
            defer { try? st.reset() }
            guard try st.step() else { return (nil, changeID) }
            do throws(Reason) {
                return (try ChangeRowDecoder.row(st.text(0), "current row"), changeID)
            } catch {
                throw SourceError.storage(path: path, message: "\(table): \(error.text)")
            }
        }
    }

    /// Closes the database; idempotent.
    public func close() { db.close() }
}

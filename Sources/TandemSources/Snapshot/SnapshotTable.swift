import TandemCore
import TandemSQLite

/// One legacy table as the snapshot reads it: its columns, its primary key, and the chunk query.
///
/// Chunks follow the primary key (`WHERE (k1, k2) > (?, ?) ORDER BY k1, k2 LIMIT n`), which SQLite answers
/// from the key's index for rowid tables, WITHOUT ROWID tables, composite and text keys alike, comparing
/// with each key column's own collation, so resuming after the last key never skips or repeats a row.
struct SnapshotTable {
    /// The table's name.
    let name: String
    /// Every column, in table order (what the triggers record as the after-image).
    let columns: [String]
    /// Where each primary-key column is in `columns`, in primary-key order.
    let keyIndexes: [Int]

    /// The primary-key column names, in key order.
    var keyColumns: [String] { keyIndexes.map { columns[$0] } }

    /// Reads the table's layout.
    /// - Throws: `SourceError.config` for a missing table or one without a primary key.
    static func load(db: Database, table: String) throws -> SnapshotTable {
        let cols = try SourceError.wrapping(db.path) { try ChangeTableTriggers.columns(db: db, table: table) }
        guard !cols.isEmpty else {
            throw SourceError.config("snapshot: table \"\(table)\" does not exist in \(db.path); hint: check --entities")
        }
        let key = cols.enumerated().filter { $0.element.pk > 0 }.sorted { $0.element.pk < $1.element.pk }.map(\.offset)
        guard !key.isEmpty else {
            // Without a key a row cannot be named: neither a chunk boundary nor a later change could find it.
            throw SourceError.config("snapshot: table \"\(table)\" has no primary key, so its rows cannot be told apart in the new store; hint: give it a PRIMARY KEY, or leave it out with --entities")
        }
        return SnapshotTable(name: table, columns: cols.map(\.name), keyIndexes: key)
    }

    /// `SELECT every column FROM t [WHERE key > (?, …)] ORDER BY key LIMIT ?`.
    func chunkSQL(after: Bool) -> String {
        let q = ChangeTableTriggers.quote
        let keys = keyColumns.map(q).joined(separator: ", ")
        var sql = "SELECT \(columns.map(q).joined(separator: ", ")) FROM \(q(name))"
        if after { sql += " WHERE (\(keys)) > (\(keyIndexes.map { _ in "?" }.joined(separator: ", ")))" }
        return sql + " ORDER BY \(keys) LIMIT ?"
    }

    /// The key of the `step`-th row after `lastKey` (all rows when nil), or, when there are fewer, their
    /// count: `SELECT key… LIMIT 1 OFFSET step-1` and `SELECT count(*) FROM (… LIMIT step)`. The progress
    /// estimate counts in such steps, each its own short read, so counting never holds the lock long.
    func countStepSQL(after: Bool, keys: Bool) -> String {
        let q = ChangeTableTriggers.quote
        let k = keyColumns.map(q).joined(separator: ", ")
        var inner = "SELECT \(keys ? k : "1") FROM \(q(name))"
        if after { inner += " WHERE (\(k)) > (\(keyIndexes.map { _ in "?" }.joined(separator: ", ")))" }
        return keys ? inner + " ORDER BY \(k) LIMIT 1 OFFSET ?" : "SELECT count(*) FROM (\(inner) ORDER BY \(k) LIMIT ?)"
    }
}

import TandemCore
import TandemSinks
import TandemSources
import TandemSQLite

/// One side of a verify: a store whose tables are read in primary-key order, a key range at a time.
protocol VerifyStore: AnyObject {
    /// The store, for messages (no secret).
    var label: String { get }
    /// The table's columns and its primary-key columns (in key order); nil when there is no such table.
    func layout(of table: String) throws -> (columns: [String], key: [String])?
    /// The rows of `table` with `after < key ≤ through` (an open end when nil), in key order, at most `limit`
    /// (nil: no limit), read in one read transaction.
    func rows(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?) throws -> [Row]
    /// Steps the rows `rows` would return and adds each to `hasher` in place (no `Row` is built); false when
    /// the store reads rows only or the hasher cannot take the table's columns (then the caller reads rows).
    func scan(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?, into hasher: ChunkHasher) throws -> Bool
    /// The same store on a connection of its own (for a reader on another thread); nil when it has none.
    func reopened() throws -> (any VerifyStore)?
    /// The row of `table` whose key is exactly `key`, or nil.
    func row(_ table: String, key: Row) throws -> Row?
    /// The store's user tables (not Tandem's own, not SQLite's).
    func tables() throws -> [String]
    /// The newest change id in the store's change table (`_tandem_changes`, the sqlite-changelog source's),
    /// nil when it has none: what the journal must hold before a re-check can trust the new store.
    func changeHead() throws -> Int64?
    /// Closes it.
    func close()
}

extension VerifyStore {
    func scan(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?, into hasher: ChunkHasher) throws -> Bool { false }
    func reopened() throws -> (any VerifyStore)? { nil }
}

/// A SQLite file as one side of a verify, read only (a reader never takes a writer's lock).
final class SQLiteVerifyStore: VerifyStore {
    let label: String
    private let path: String
    private let db: Database

    init(path: String) throws {
        self.path = path
        label = "sqlite:\(path)"
        // Read-write with query_only, as stored checkpoints are read: a read-only open of a WAL file fails
        // when its -shm is gone.
        do {
            db = try Database(path: path, mode: .readWrite)
            try db.execute("PRAGMA query_only = ON")
        } catch {
            throw VerifyError.store(label, "cannot be opened: \(error)")
        }
    }

    func close() { db.close() }

    func reopened() throws -> (any VerifyStore)? { try SQLiteVerifyStore(path: path) }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as VerifyError { throw e } catch { throw VerifyError.store(label, "\(error)") }
    }

    func changeHead() throws -> Int64? {
        try wrap {
            guard try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(ChangeTableTriggers.table)'") != nil else { return nil }
            guard case .int(let id)? = try db.scalar("SELECT max(id) FROM \(ChangeTableTriggers.table)") else { return nil }
            return id
        }
    }

    func tables() throws -> [String] {
        try wrap {
            let s = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_tandem%' ESCAPE '\\' ORDER BY name")
            var out: [String] = []
            while try s.step() { out.append(s.text(0)) }
            return out
        }
    }

    func layout(of table: String) throws -> (columns: [String], key: [String])? {
        try wrap {
            let s = try db.prepare("SELECT name, pk FROM pragma_table_info(?)")
            try s.bind(table, at: 1)
            var cols: [(String, Int64)] = []
            while try s.step() { cols.append((s.text(0), s.int64(1))) }
            guard !cols.isEmpty else { return nil }
            return (cols.map(\.0), cols.filter { $0.1 > 0 }.sorted { $0.1 < $1.1 }.map(\.0))
        }
    }

    func rows(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?) throws -> [Row] {
        try wrap {
            let s = try range(table, key: key, after: after, through: through, limit: limit)
            defer { try? s.reset() }
            return try readAll(s)
        }
    }

    func scan(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?, into hasher: ChunkHasher) throws -> Bool {
        try wrap {
            let s = try range(table, key: key, after: after, through: through, limit: limit)
            defer { try? s.reset() }
            guard hasher.prepare(columnNames(s)) else { return false }
            try hasher.add(rowsOf: s) { try s.step() }
            return true
        }
    }

    /// The (cached) statement of a key range, bound.
    private func range(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?) throws -> Statement {
        let k = "(" + key.map(SQL.quote).joined(separator: ", ") + ")"
        let marks = "(" + key.map { _ in "?" }.joined(separator: ", ") + ")"
        var conditions: [String] = []
        if after != nil { conditions.append("\(k) > \(marks)") }
        if through != nil { conditions.append("\(k) <= \(marks)") }
        var sql = "SELECT * FROM \(SQL.quote(table))"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY " + key.map(SQL.quote).joined(separator: ", ")
        if let limit { sql += " LIMIT \(limit)" }
        let s = try db.cachedStatement(sql)
        do {
            var n: Int32 = 1
            for v in (after ?? []) + (through ?? []) { try s.bind(v, at: n); n += 1 }
        } catch {
            try? s.reset()  // the cached statement is taken again by the next range
            throw error
        }
        return s
    }

    private func columnNames(_ s: Statement) -> [String] { (0..<s.columnCount).map { s.columnName($0) } }

    func row(_ table: String, key: Row) throws -> Row? {
        try wrap {
            let match = key.names.map { "\(SQL.quote($0)) = ?" }.joined(separator: " AND ")
            let s = try db.cachedStatement("SELECT * FROM \(SQL.quote(table)) WHERE \(match)")
            defer { try? s.reset() }
            for (i, v) in key.values.enumerated() { try s.bind(VerifyValues.stored(v), at: Int32(i + 1)) }
            return try readAll(s).first
        }
    }

    private func readAll(_ s: Statement) throws -> [Row] {
        let names = columnNames(s)
        var out: [Row] = []
        while try s.step() {
            out.append(Row(uncheckedNames: names, values: (0..<s.columnCount).map { s.value(at: $0) }))
        }
        return out
    }
}

/// A PostgreSQL database as one side of a verify.
final class PostgresVerifyStore: VerifyStore {
    private let reader: PostgresRowReader
    var label: String { reader.target }

    init(conninfo: String) throws {
        do { reader = try PostgresRowReader(conninfo: conninfo) } catch { throw VerifyError.store("postgres", "\(error)") }
    }

    func close() { reader.close() }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as VerifyError { throw e } catch { throw VerifyError.store(label, "\(error)") }
    }

    func tables() throws -> [String] { try wrap { try reader.tables() } }
    func changeHead() throws -> Int64? { nil }  // a PostgreSQL legacy store: the re-checks wait on the sink only
    func layout(of table: String) throws -> (columns: [String], key: [String])? { try wrap { try reader.layout(of: table) } }
    func rows(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?) throws -> [Row] {
        try wrap { try reader.rows(table, key: key, after: after, through: through, limit: limit) }
    }
    func row(_ table: String, key: Row) throws -> Row? { try wrap { try reader.row(table, key: key) } }
}

import Foundation
import TandemCore
import TandemPostgres
import TandemSinks
import TandemSQLite
import TandemSources

/// One of the drill's copies as its synthetic application (`DrillWriter`) and its checks reach it: the few
/// statements they run, with the store's placeholders and catalog (SQLite or PostgreSQL).
protocol DrillStore: AnyObject {
    /// The placeholder of the `i`-th statement parameter (1-based).
    func parameter(_ i: Int) -> String
    /// The first column of the statement's first row as text (nil: no row, or NULL).
    func scalar(_ sql: String, _ params: [String]) throws -> String?
    /// Runs one statement (a fence's refusal is thrown, its message holding "tandem:"); returns the rows it changed.
    @discardableResult func execute(_ sql: String) throws -> Int
    /// What an `INSERT … SELECT` says to write a key column as given (an identity column's, in PostgreSQL).
    var overriding: String { get }
    /// The table's single integer primary key column, or nil.
    func integerKey(_ table: String) throws -> String?
    /// The columns a copy of a row writes, in order (PostgreSQL's generated columns left out).
    func columns(_ table: String) throws -> [String]
    /// Whether the table exists.
    func hasTable(_ table: String) throws -> Bool
    /// Deletes every row of the table, when it exists.
    func empty(_ table: String) throws
    /// The fence triggers missing on those of `tables` that exist, by name.
    func missingFences(_ tables: [FencedTable]) throws -> [String]
    /// Installs the change table and capture triggers on those of `tables` that have none.
    func installCapture(_ tables: [String]) throws
    /// The tables' declared columns (the types reverse replication coerces back to; empty when unknown).
    func declaredSchemas(_ tables: [String]) throws -> [EntitySchema]
    func close()
}

/// A SQLite copy (a file in the drill's directory).
final class SQLiteDrillStore: DrillStore {
    let db: Database

    init(path: String) throws { db = try Database(path: path, mode: .readWrite) }

    func parameter(_ i: Int) -> String { "?" }
    var overriding: String { "" }

    func scalar(_ sql: String, _ params: [String]) throws -> String? {
        let s = try db.prepare(sql)
        for (i, p) in params.enumerated() { try s.bind(p, at: Int32(i + 1)) }
        guard try s.step() else { return nil }
        switch s.value(at: 0) {
        case .null: return nil
        case .int(let i): return String(i)
        case .string(let t): return t
        case let v: return "\(v)"
        }
    }

    func execute(_ sql: String) throws -> Int {
        try db.execute(sql)
        return Int(db.changes)
    }

    func integerKey(_ table: String) throws -> String? {
        let s = try db.prepare("SELECT name, type, pk FROM pragma_table_info(?) WHERE pk > 0")
        try s.bind(table, at: 1)
        var keys: [(String, String)] = []
        while try s.step() { keys.append((s.text(0), s.text(1))) }
        guard keys.count == 1, keys[0].1.uppercased().contains("INT") else { return nil }
        return keys[0].0
    }

    func columns(_ table: String) throws -> [String] {
        let s = try db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid")
        try s.bind(table, at: 1)
        var out: [String] = []
        while try s.step() { out.append(s.text(0)) }
        return out
    }

    func hasTable(_ table: String) throws -> Bool {
        try scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]) != nil
    }

    func empty(_ table: String) throws {
        if try hasTable(table) { try db.execute("DELETE FROM \(SQL.quote(table))") }
    }

    /// `_tandem_fence_TABLE_insert|update|delete`.
    func missingFences(_ tables: [FencedTable]) throws -> [String] {
        var out: [String] = []
        for t in tables where try hasTable(t.table) {
            for op in ["insert", "update", "delete"] {
                let name = "_tandem_fence_\(t.table)_\(op)"
                if try scalar("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]) == nil { out.append(name) }
            }
        }
        return out
    }

    func installCapture(_ tables: [String]) throws {
        // Not `installedTables`: the fences' triggers (`_tandem_fence_…`) would count as capture there.
        let hasTable = try self.hasTable(ChangeTableTriggers.table)
        let s = try db.prepare("""
            SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE '\\_tandem\\_%' ESCAPE '\\'
                AND name NOT LIKE '\\_tandem\\_fence\\_%' ESCAPE '\\'
            """)
        let missing = try tables.filter { t in
            try s.reset(); try s.bind(t, at: 1)
            return try !hasTable || !s.step()
        }
        if !missing.isEmpty { try ChangeTableTriggers.install(db: db, tables: missing) }
    }

    func declaredSchemas(_ tables: [String]) throws -> [EntitySchema] { try SQLiteChangeLogSource.declaredSchemas(db, tables: tables) }

    func close() { db.close() }
}

/// A PostgreSQL copy (a scratch database on the live store's server, `PostgresDrillCopy`).
final class PostgresDrillStore: DrillStore {
    let c: PostgresConnection

    init(conninfo: String) throws {
        c = try PostgresChangeTableTriggers.connect(conninfo).connection
        try c.query("SET client_min_messages = warning")  // libpq prints notices on stderr ("trigger … does not exist, skipping")
    }

    func parameter(_ i: Int) -> String { "$\(i)" }
    var overriding: String { " OVERRIDING SYSTEM VALUE" }

    func scalar(_ sql: String, _ params: [String]) throws -> String? {
        let r = try c.query(sql, params)
        return r.count > 0 ? r[0, 0] : nil
    }

    func execute(_ sql: String) throws -> Int {
        // The command tag's count is not kept by `query`: a RETURNING list counts the rows instead.
        guard sql.hasPrefix("DELETE") || sql.hasPrefix("UPDATE") || sql.hasPrefix("INSERT") else { try c.query(sql); return 0 }
        return try c.query(sql + " RETURNING 1").count
    }

    func integerKey(_ table: String) throws -> String? {
        let r = try c.query("""
            SELECT a.attname, t.typname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            JOIN pg_type t ON t.oid = a.atttypid WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisprimary
            """, [table])
        guard r.count == 1, let name = r[0, 0], ["int2", "int4", "int8"].contains(r[0, 1] ?? "") else { return nil }
        return name
    }

    func columns(_ table: String) throws -> [String] {
        let r = try c.query("""
            SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(quote_ident($1)) AND attnum > 0 AND NOT attisdropped
                AND attgenerated = '' ORDER BY attnum
            """, [table])
        return (0..<r.count).compactMap { r[$0, 0] }
    }

    func hasTable(_ table: String) throws -> Bool { try scalar("SELECT to_regclass(quote_ident($1)) IS NOT NULL", [table]) == "t" }

    func empty(_ table: String) throws {
        if try hasTable(table) { try c.query("TRUNCATE \(SQL.quote(table))") }
    }

    /// `_tandem_fence on TABLE` (one trigger a table, see `RoutingStore`).
    func missingFences(_ tables: [FencedTable]) throws -> [String] {
        try tables.filter { t in
            try hasTable(t.table) && scalar("SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(quote_ident($1)) AND tgname = '_tandem_fence'",
                                            [t.table]) == nil
        }.map { "_tandem_fence on \($0.table)" }
    }

    func installCapture(_ tables: [String]) throws {
        let installed = Set(try PostgresChangeTableTriggers.installedTables(c))
        let missing = try tables.filter { try !installed.contains($0) && hasTable($0) }
        if !missing.isEmpty { try PostgresChangeTableTriggers.install(c, tables: missing) }
    }

    /// Unknown (as `ReverseSetup.legacySchemas` for a PostgreSQL legacy store): values go back as the mapping gives them.
    func declaredSchemas(_ tables: [String]) throws -> [EntitySchema] { [] }

    func close() { c.close() }
}

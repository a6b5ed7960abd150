import TandemCore
import TandemSQLite

/// Installs, removes or prints the change table and AFTER INSERT/UPDATE/DELETE triggers that feed the
/// `sqlite-changelog` source: every change of a listed table is recorded in `_tandem_changes` with its
/// table, op, key, before and after images (JSON, via SQLite's `json_object`), time and an increasing id.
///
/// The triggers only insert into the change table, so the legacy application's own writes work unchanged
/// (a BLOB is recorded as `{"bytes_hex": "…"}` because JSON cannot hold one).
public enum ChangeTableTriggers {
    /// The change table's name.
    public static let table = "_tandem_changes"

    /// The SQL that creates the change table and the triggers for `tables` (read with PRAGMA table_info).
    /// - Throws: `SourceError.config` for a table that does not exist or is Tandem's or SQLite's own;
    ///   `SourceError.storage` when SQLite fails.
    public static func installSQL(db: Database, tables: [String]) throws -> String {
        // Triggers on the change table would record its own inserts (a feedback loop that doubles every
        // ingest); SQLite refuses triggers on its tables with an unhelpful message. Names are case-insensitive.
        if let own = tables.first(where: { isReserved($0) }) {
            throw SourceError.config("source install-triggers: \"\(own)\" is \(own.lowercased().hasPrefix("sqlite_") ? "an SQLite internal table" : "a Tandem table"); capturing it would record Tandem's own writes; hint: list only the application's tables in --tables")
        }
        var sql = """
            CREATE TABLE IF NOT EXISTS \(table) (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              "table" TEXT NOT NULL,
              op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
              key TEXT NOT NULL,
              before TEXT,
              after TEXT,
              time TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));

            """
        for t in tables {
            let cols = try SourceError.wrapping(db.path) { try columns(db: db, table: t) }
            guard !cols.isEmpty else {
                throw SourceError.config("table \"\(t)\" does not exist in \(db.path); hint: check --tables")
            }
            var key = cols.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map(\.name)
            let useRowid = key.isEmpty
            if useRowid { key = ["rowid"] }
            func image(_ row: String, _ names: [String]) -> String {
                "json_object(" + names.map { n in
                    let ref = n == "rowid" && useRowid ? "\(row).rowid" : "\(row).\(quote(n))"
                    return "\(literal(n)), CASE typeof(\(ref)) WHEN 'blob' THEN json_object('bytes_hex', hex(\(ref))) ELSE \(ref) END"
                }.joined(separator: ", ") + ")"
            }
            let all = cols.map(\.name)
            let ins = "INSERT INTO \(table) (\"table\", op, key, before, after) VALUES (\(literal(t))"
            sql += """
                CREATE TRIGGER IF NOT EXISTS \(quote(trigger(t, "insert"))) AFTER INSERT ON \(quote(t)) BEGIN
                  \(ins), 'insert', \(image("NEW", key)), NULL, \(image("NEW", all)));
                END;
                CREATE TRIGGER IF NOT EXISTS \(quote(trigger(t, "update"))) AFTER UPDATE ON \(quote(t)) BEGIN
                  \(ins), 'update', \(image("NEW", key)), \(image("OLD", all)), \(image("NEW", all)));
                END;
                CREATE TRIGGER IF NOT EXISTS \(quote(trigger(t, "delete"))) AFTER DELETE ON \(quote(t)) BEGIN
                  \(ins), 'delete', \(image("OLD", key)), \(image("OLD", all)), NULL);
                END;

                """
        }
        return sql
    }

    /// Creates the change table and triggers in one transaction.
    public static func install(db: Database, tables: [String]) throws {
        let sql = try installSQL(db: db, tables: tables)
        try SourceError.wrapping(db.path) { try db.transaction { try db.execute(sql) } }
    }

    /// The SQL that drops the triggers of `tables` (and the change table when `dropTable`).
    public static func uninstallSQL(tables: [String], dropTable: Bool = false) -> String {
        var sql = ""
        for t in tables {
            for op in ["insert", "update", "delete"] { sql += "DROP TRIGGER IF EXISTS \(quote(trigger(t, op)));\n" }
        }
        if dropTable { sql += "DROP TABLE IF EXISTS \(table);\n" }
        return sql
    }

    /// Drops the triggers (and the change table when `dropTable`) in one transaction.
    public static func uninstall(db: Database, tables: [String], dropTable: Bool = false) throws {
        let sql = uninstallSQL(tables: tables, dropTable: dropTable)
        try SourceError.wrapping(db.path) { try db.transaction { try db.execute(sql) } }
    }

    /// Tables that currently have Tandem triggers.
    public static func installedTables(db: Database) throws -> [String] {
        try SourceError.wrapping(db.path) { try triggeredTables(db) }
    }

    private static func triggeredTables(_ db: Database) throws -> [String] {
        let st = try db.prepare("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_tandem\\_%' ESCAPE '\\' ORDER BY tbl_name")
        var out: [String] = []
        while try st.step() { out.append(st.text(0)) }
        return out
    }

    /// True for tables change capture must never watch: Tandem's own (`_tandem_*`) and SQLite's (`sqlite_*`).
    public static func isReserved(_ table: String) -> Bool {
        let t = table.lowercased()
        return t.hasPrefix("_tandem_") || t.hasPrefix("sqlite_")
    }

    static func trigger(_ table: String, _ op: String) -> String { "_tandem_\(table)_\(op)" }

    static func columns(db: Database, table: String) throws -> [(name: String, pk: Int64)] {
        let st = try db.prepare("SELECT name, pk FROM pragma_table_info(?)")
        try st.bind(table, at: 1)
        var out: [(String, Int64)] = []
        while try st.step() { out.append((st.text(0), st.int64(1))) }
        return out
    }

    /// An SQL identifier in double quotes.
    static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    /// An SQL string literal.
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}

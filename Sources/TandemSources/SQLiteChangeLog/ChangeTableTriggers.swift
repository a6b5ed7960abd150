import TandemCore
import TandemSQLite

/// Installs, removes or prints the change table and AFTER INSERT/UPDATE/DELETE triggers that feed the
/// `sqlite-changelog` source: every change of a listed table is recorded in `_tandem_changes` with its
/// table, op, key, before and after images (JSON, via SQLite's `json_object`), time and an increasing id.
///
/// The triggers only insert into the change table, so the legacy application's own writes work unchanged
/// (a BLOB is recorded as `{"bytes_hex": "…"}` because JSON cannot hold one).
///
/// Echo-free: a change Tandem itself applies (reverse replication into the legacy store, replay into a new store
/// that is captured too) is not recorded. Tandem's applying transaction holds a row in `_tandem_applying`
/// (inserted first, deleted before commit, so no other connection ever sees it); the triggers record nothing
/// while that table has a row.
public enum ChangeTableTriggers {
    /// The change table's name.
    public static let table = "_tandem_changes"
    /// The condition under which a trigger records a change: not inside Tandem's applying transaction.
    static let notApplying = "WHEN " + ApplyingMarker.sqliteNotApplying

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
            \(ApplyingMarker.sqliteCreate);

            """
        for t in tables {
            let cols = try SourceError.wrapping(db.path) { try columns(db: db, table: t) }
            guard !cols.isEmpty else {
                throw SourceError.config("table \"\(t)\" does not exist in \(db.path); hint: check --tables")
            }
            let key = try keyColumns(db: db, table: t, columns: cols)
            let all = cols.map(\.name)
            let into = "INSERT INTO \(table) (\"table\", op, key, before, after)"
            // A key is changed when any key column changed its bytes or type (a NOCASE-equal text counts as a
            // change: the target may tell them apart). Then the old key is deleted and the new row inserted.
            let changed = key.map { k in
                "OLD.\(quote(k)) IS NOT NEW.\(quote(k)) COLLATE BINARY OR typeof(OLD.\(quote(k))) <> typeof(NEW.\(quote(k)))"
            }.joined(separator: " OR ")
            // DROP first: a reinstall replaces the triggers of an older Tandem or of an older table schema.
            sql += uninstallSQL(tables: [t])
            sql += """
                CREATE TRIGGER \(quote(trigger(t, "insert"))) AFTER INSERT ON \(quote(t)) \(notApplying) BEGIN
                  \(into) VALUES (\(literal(t)), 'insert', \(image("NEW", key)), NULL, \(image("NEW", all)));
                END;
                CREATE TRIGGER \(quote(trigger(t, "update"))) AFTER UPDATE ON \(quote(t)) \(notApplying) BEGIN
                  \(into) SELECT \(literal(t)), 'delete', \(image("OLD", key)), \(image("OLD", all)), NULL WHERE \(changed);
                  \(into) SELECT \(literal(t)), CASE WHEN \(changed) THEN 'insert' ELSE 'update' END, \(image("NEW", key)),
                    CASE WHEN \(changed) THEN NULL ELSE \(image("OLD", all)) END, \(image("NEW", all));
                END;
                CREATE TRIGGER \(quote(trigger(t, "delete"))) AFTER DELETE ON \(quote(t)) \(notApplying) BEGIN
                  \(into) VALUES (\(literal(t)), 'delete', \(image("OLD", key)), \(image("OLD", all)), NULL);
                END;

                """
        }
        return sql
    }

    /// A JSON object of `names` from the trigger row `row` (NEW or OLD). JSON cannot hold a BLOB, and SQLite's
    /// `json_object` prints a REAL with 15 digits, so these are tagged objects: `{"bytes_hex": "…"}` and
    /// `{"real": "…"}` with 21 significant digits (`%!.20e`, which SQLite prints accurately enough for
    /// every double to read back bit for bit; 17 digits with `%!.17g` are not, SQLite 3.40 rounds some wrong).
    static func image(_ row: String, _ names: [String]) -> String {
        "json_object(" + names.map { n in
            let ref = "\(row).\(quote(n))"
            return "\(literal(n)), CASE typeof(\(ref)) WHEN 'blob' THEN json_object('bytes_hex', hex(\(ref))) "
                + "WHEN 'real' THEN json_object('real', printf('%!.20e', \(ref))) ELSE \(ref) END"
        }.joined(separator: ", ") + ")"
    }

    /// The columns that identify a row of `table`: its declared PRIMARY KEY (a WITHOUT ROWID table always has
    /// one), else the smallest UNIQUE index on NOT NULL columns (no expression, no WHERE).
    /// - Throws: `SourceError.unkeyedTable` when there is neither: the rowid is renumbered by VACUUM, so it
    ///   cannot identify a row in the journal.
    static func keyColumns(db: Database, table: String, columns cols: [Column]) throws -> [String] {
        let declared = cols.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }.map(\.name)
        if !declared.isEmpty { return declared }
        let notNull = Set(cols.filter(\.notNull).map(\.name))
        let unique = try SourceError.wrapping(db.path) { () throws -> [String]? in
            let list = try db.prepare("SELECT name FROM pragma_index_list(?) WHERE \"unique\" AND NOT partial ORDER BY name")
            try list.bind(table, at: 1)
            var best: [String]?
            while try list.step() {
                let info = try db.prepare("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                try info.bind(list.text(0), at: 1)
                var names: [String] = []
                var usable = true
                while try info.step() {
                    // An expression column has no name; a nullable column lets several rows share NULL.
                    if info.isNull(0) || !notNull.contains(info.text(0)) { usable = false }
                    names.append(info.text(0))
                }
                if usable, !names.isEmpty, names.count < (best?.count ?? .max) { best = names }
            }
            return best
        }
        guard let unique else { throw SourceError.unkeyedTable(path: db.path, table: table) }
        return unique
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

    /// Tables that currently have Tandem's capture triggers (not only its write fences, `_tandem_fence_*`).
    public static func installedTables(db: Database) throws -> [String] {
        try SourceError.wrapping(db.path) { try triggeredTables(db) }
    }

    private static func triggeredTables(_ db: Database) throws -> [String] {
        let st = try db.prepare("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_tandem\\_%' ESCAPE '\\' AND name NOT LIKE '\\_tandem\\_fence\\_%' ESCAPE '\\' ORDER BY tbl_name")
        var out: [String] = []
        while try st.step() { out.append(st.text(0)) }
        return out
    }

    /// Text every trigger of this version contains (older ones print a REAL with 15 digits and keep the old
    /// row of a key change): the source warns about triggers without it.
    static let formatMark = "printf('%!.20e'"

    /// Every Tandem trigger as (table, SQL).
    /// - Throws: `SQLiteError`.
    static func installedTriggers(db: Database) throws -> [(table: String, sql: String)] {
        let st = try db.prepare("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_tandem\\_%' ESCAPE '\\' AND name NOT LIKE '\\_tandem\\_fence\\_%' ESCAPE '\\' ORDER BY tbl_name")
        var out: [(String, String)] = []
        while try st.step() { out.append((st.text(0), st.text(1))) }
        return out
    }

    /// True for tables change capture must never watch: Tandem's own (`_tandem_*`) and SQLite's (`sqlite_*`).
    public static func isReserved(_ table: String) -> Bool {
        let t = table.lowercased()
        return t.hasPrefix("_tandem_") || t.hasPrefix("sqlite_")
    }

    static func trigger(_ table: String, _ op: String) -> String { "_tandem_\(table)_\(op)" }

    /// A column as `PRAGMA table_info` describes it.
    struct Column {
        var name: String
        /// 1-based position in the PRIMARY KEY, 0 when not part of it.
        var pk: Int64
        var notNull: Bool
    }

    static func columns(db: Database, table: String) throws -> [Column] {
        let st = try db.prepare("SELECT name, pk, \"notnull\" FROM pragma_table_info(?)")
        try st.bind(table, at: 1)
        var out: [Column] = []
        while try st.step() { out.append(Column(name: st.text(0), pk: st.int64(1), notNull: st.int64(2) != 0)) }
        return out
    }

    /// An SQL identifier in double quotes.
    static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    /// An SQL string literal.
    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}

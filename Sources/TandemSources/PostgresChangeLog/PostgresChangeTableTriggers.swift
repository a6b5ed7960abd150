import TandemCore
import TandemPostgres

/// The change table and capture triggers of `sqlite-changelog`, for a PostgreSQL store (the new store, so that
/// its changes can be replicated back): every change of a listed table is recorded in `_tandem_changes` with the
/// same columns (id, table, op, key, before, after, time; images as JSON text), read by `postgres-changelog:`.
///
/// Ids follow commit order, as SQLite's serialized writers give them: the triggers are deferred constraint
/// triggers that run at commit, take one transaction-level advisory lock and only then draw their ids, so a
/// transaction that commits later has larger ids, and every id up to the newest visible one is committed (the
/// lock is released after the commit is visible). Captured writers are serialized for that short moment only.
///
/// Echo-free: a transaction that ran `SET LOCAL tandem.applying = 'on'` (Tandem's own applying transaction,
/// before its first write: the trigger's WHEN is checked as each row changes) is not recorded.
///
/// Images are typed where JSON is not: numeric as `{"decimal": "…"}`, float as `{"real": "…"}`, bytea as
/// `{"bytes_hex": "…"}`, timestamps as `{"timestamp": "RFC 3339"}`; other types as their text.
public enum PostgresChangeTableTriggers {
    /// The change table's name (as in SQLite).
    public static let table = ChangeTableTriggers.table
    /// The condition under which a trigger records a change: not inside Tandem's applying transaction.
    static let notApplying = "(\(ApplyingMarker.postgresApplying)) IS NOT TRUE"
    /// The advisory lock that orders the ids by commit (any constant; "tandem" in ASCII).
    static let lockKey: Int64 = 0x74_61_6E_64_65_6D

    /// The SQL that creates the change table and the triggers for `tables`.
    /// - Throws: `SourceError.config` for a missing, reserved or unkeyed table; `.storage` when the server fails.
    public static func installSQL(_ c: PostgresConnection, tables: [String]) throws -> String {
        if let own = tables.first(where: ChangeTableTriggers.isReserved) {
            throw SourceError.config("source install-triggers: \"\(own)\" is a Tandem table; capturing it would record Tandem's own writes; hint: list only the application's tables in --tables")
        }
        var sql = """
            CREATE TABLE IF NOT EXISTS \(table) (
              id bigserial PRIMARY KEY,
              "table" text NOT NULL,
              op text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
              key text NOT NULL,
              before text,
              after text,
              time text NOT NULL DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));

            """
        for t in tables {
            let cols = try wrapping(c) { try columns(c, table: t) }
            guard !cols.isEmpty else {
                throw SourceError.config("table \"\(t)\" does not exist in \(c.redactor.target); hint: check --tables")
            }
            let key = try wrapping(c) { try keyColumns(c, table: t) }
            guard !key.isEmpty else { throw SourceError.unkeyedTable(path: c.redactor.target, table: t) }
            let into = "INSERT INTO \(table) (\"table\", op, key, before, after)"
            let changed = key.map { "OLD.\(quote($0)) IS DISTINCT FROM NEW.\(quote($0))" }.joined(separator: " OR ")
            func img(_ row: String, _ names: [String]) -> String { image(row, names.map { n in cols.first { $0.name == n }! }) }
            let all = cols.map(\.name)
            sql += uninstallSQL(tables: [t])
            sql += """
                CREATE FUNCTION \(quote(function(t)))() RETURNS trigger LANGUAGE plpgsql AS $tandem$
                BEGIN
                  -- Ids are drawn under one lock at commit, so they follow commit order (see PostgresChangeTableTriggers).
                  PERFORM pg_advisory_xact_lock(\(lockKey));
                  IF TG_OP = 'INSERT' THEN
                    \(into) VALUES (\(literal(t)), 'insert', \(img("NEW", key)), NULL, \(img("NEW", all)));
                  ELSIF TG_OP = 'UPDATE' AND (\(changed)) THEN
                    \(into) VALUES (\(literal(t)), 'delete', \(img("OLD", key)), \(img("OLD", all)), NULL);
                    \(into) VALUES (\(literal(t)), 'insert', \(img("NEW", key)), NULL, \(img("NEW", all)));
                  ELSIF TG_OP = 'UPDATE' THEN
                    \(into) VALUES (\(literal(t)), 'update', \(img("NEW", key)), \(img("OLD", all)), \(img("NEW", all)));
                  ELSE
                    \(into) VALUES (\(literal(t)), 'delete', \(img("OLD", key)), \(img("OLD", all)), NULL);
                  END IF;
                  RETURN NULL;
                END $tandem$;
                CREATE CONSTRAINT TRIGGER \(quote(trigger(t))) AFTER INSERT OR UPDATE OR DELETE ON \(quote(t))
                  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (\(notApplying)) EXECUTE FUNCTION \(quote(function(t)))();

                """
        }
        return sql
    }

    /// Creates the change table and triggers in one transaction.
    public static func install(_ c: PostgresConnection, tables: [String]) throws {
        let sql = try installSQL(c, tables: tables)
        try wrapping(c) {
            // No NOTICE on stderr for the first DROP … IF EXISTS (libpq prints notices there).
            try c.query("BEGIN; SET LOCAL client_min_messages = warning")
            do { try c.query(sql); try c.query("COMMIT") } catch { _ = try? c.query("ROLLBACK"); throw error }
        }
    }

    /// The SQL that drops the triggers of `tables` (and the change table when `dropTable`).
    public static func uninstallSQL(tables: [String], dropTable: Bool = false) -> String {
        var sql = ""
        for t in tables {
            sql += "DROP TRIGGER IF EXISTS \(quote(trigger(t))) ON \(quote(t));\nDROP FUNCTION IF EXISTS \(quote(function(t)))();\n"
        }
        if dropTable { sql += "DROP TABLE IF EXISTS \(table);\n" }
        return sql
    }

    /// Drops the triggers (and the change table when `dropTable`) in one transaction.
    public static func uninstall(_ c: PostgresConnection, tables: [String], dropTable: Bool = false) throws {
        let sql = uninstallSQL(tables: tables, dropTable: dropTable)
        try wrapping(c) {
            // No NOTICE on stderr for the first DROP … IF EXISTS (libpq prints notices there).
            try c.query("BEGIN; SET LOCAL client_min_messages = warning")
            do { try c.query(sql); try c.query("COMMIT") } catch { _ = try? c.query("ROLLBACK"); throw error }
        }
    }

    /// Tables that currently have Tandem capture triggers.
    public static func installedTables(_ c: PostgresConnection) throws -> [String] {
        try wrapping(c) {
            let r = try c.query("SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname LIKE '\\_tandem\\_%\\_capture' ORDER BY 1")
            return (0..<r.count).compactMap { r[$0, 0] }
        }
    }

    /// A column and its type name (`pg_type.typname`).
    struct Column { var name: String; var type: String }

    static func columns(_ c: PostgresConnection, table: String) throws(PostgresError) -> [Column] {
        let r = try c.query("""
            SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = to_regclass(quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [table])
        return (0..<r.count).map { Column(name: r[$0, 0]!, type: r[$0, 1]!) }
    }

    /// The primary key, else the smallest unique index on NOT NULL columns (no expression, no predicate).
    static func keyColumns(_ c: PostgresConnection, table: String) throws(PostgresError) -> [String] {
        let r = try c.query("""
            SELECT i.indisprimary, array_to_string(array_agg(a.attname ORDER BY k.o), chr(31)),
                   bool_and(a.attname IS NOT NULL AND a.attnotnull), count(*)
            FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(n, o)
            LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
            WHERE i.indrelid = to_regclass(quote_ident($1)) AND i.indisunique AND i.indpred IS NULL AND i.indisvalid
            GROUP BY i.indexrelid, i.indisprimary ORDER BY i.indisprimary DESC, count(*), i.indexrelid
            """, [table])
        for i in 0..<r.count where r[i, 0] == "t" || r[i, 2] == "t" {
            return r[i, 1]!.split(separator: "\u{1F}").map(String.init)
        }
        return []
    }

    /// A JSON text of `cols` of the trigger row `row`, typed as the decoder reads it (at most 50 columns per
    /// jsonb_build_object: a function takes at most 100 arguments).
    static func image(_ row: String, _ cols: [Column]) -> String {
        let pairs = cols.map { "\(literal($0.name)), \(value("\(row).\(quote($0.name))", type: $0.type))" }
        let chunks = stride(from: 0, to: pairs.count, by: 50).map { "jsonb_build_object(" + pairs[$0..<min($0 + 50, pairs.count)].joined(separator: ", ") + ")" }
        return "(" + (chunks.isEmpty ? "'{}'::jsonb" : chunks.joined(separator: " || ")) + ")::text"
    }

    static func value(_ ref: String, type: String) -> String {
        func tagged(_ tag: String, _ expr: String) -> String {
            "CASE WHEN \(ref) IS NULL THEN NULL ELSE jsonb_build_object('\(tag)', \(expr)) END"
        }
        switch type {
        case "int2", "int4", "int8", "bool": return ref
        case "float4", "float8": return tagged("real", "\(ref)::text")
        case "numeric": return tagged("decimal", "\(ref)::text")
        case "bytea": return tagged("bytes_hex", "encode(\(ref), 'hex')")
        case "timestamptz": return tagged("timestamp", "to_char(\(ref) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        case "timestamp": return tagged("timestamp", "to_char(\(ref), 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        default: return "\(ref)::text"
        }
    }

    static func trigger(_ table: String) -> String { "_tandem_\(table)_capture" }
    static func function(_ table: String) -> String { "_tandem_capture_\(table)" }
    static func quote(_ s: String) -> String { ChangeTableTriggers.quote(s) }
    static func literal(_ s: String) -> String { ChangeTableTriggers.literal(s) }

    /// Runs `body`, turning a server failure into `SourceError.storage` (password-free, as the connection scrubs).
    static func wrapping<T>(_ c: PostgresConnection, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as PostgresError { throw SourceError.storage(path: c.redactor.target, message: "\(e)") }
    }
}

extension PostgresChangeTableTriggers {
    /// A new connection to `conninfo` (the caller closes it) and the store's password-free name.
    /// - Throws: `SourceError.missing` when it cannot connect.
    public static func connect(_ conninfo: String) throws -> (connection: PostgresConnection, target: String) {
        do {
            let r = try PostgresRedactor(conninfo: conninfo)
            return (try PostgresConnection(conninfo: conninfo, redactor: r), r.target)
        } catch {
            throw SourceError.missing(path: "postgres", what: "cannot connect (\(error))", hint: "check the connection string and that the server runs")
        }
    }

    /// Runs `body` on a new connection to `conninfo` (closed after), with the store's password-free name.
    /// - Throws: `SourceError.missing` when it cannot connect, else what `body` throws.
    public static func withConnection<T>(_ conninfo: String, _ body: (PostgresConnection, String) throws -> T) throws -> T {
        let (c, target) = try connect(conninfo)
        defer { c.close() }
        return try body(c, target)
    }
}

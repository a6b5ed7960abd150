import Foundation
import TandemCore
import TandemPostgres
import TandemSinks
import TandemSources

/// A PostgreSQL store's copy for the drill: a scratch database on the same server, `<db>_tandem_drill_<8 hex>`,
/// filled from one REPEATABLE READ snapshot of the live database, each table's rows streamed by `COPY … TO STDOUT`
/// into `COPY … FROM STDIN` (`PostgresConnection.copy`). It holds the migrated tables and Tandem's own
/// (`_tandem_…`: routing, checkpoints, change table) with their columns, defaults, sequences (at their live
/// values), primary keys, unique and check constraints and indexes, and the database's own settings (`ALTER
/// DATABASE … SET`); then the fences and capture triggers are installed again, by the installers that made
/// them, on the tables that have them live. Foreign keys and the application's own triggers are not copied
/// (the rehearsal writes copies of existing rows).
///
/// Not `CREATE DATABASE … TEMPLATE`: it fails while any other session is connected to the live database (a
/// running daemon and the application are) and keeps new sessions out while it copies.
///
/// The copy keeps one connection to the scratch database (`anchor`) until it is dropped: a later drill drops the
/// leftovers of an interrupted one by name, but not a scratch database some session still uses (a drill running
/// now).
final class PostgresDrillCopy {
    /// The live store's connection string (never printed).
    let live: String
    /// The scratch database's name.
    let name: String
    /// Its connection string: the live one with `dbname` replaced (never printed).
    let conninfo: String
    var anchor: PostgresConnection?

    private init(live: String, name: String, conninfo: String) { self.live = live; self.name = name; self.conninfo = conninfo }

    /// Checks that the live store's role may create the scratch database (CREATEDB, or superuser).
    /// - Throws: `MigrationError.store` (exit 69) naming what is missing, or that the store cannot be reached.
    static func preflight(_ conninfo: String, role: StoreRole) throws(MigrationError) {
        let target = "the \(role.rawValue) store " + ((try? PostgresRedactor(conninfo: conninfo).target) ?? "(an unparsable connection string)")
        let found: (user: String, allowed: Bool)
        do {
            found = try PostgresChangeTableTriggers.withConnection(conninfo) { c, _ in
                let r = try c.query("SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
                return (r.count == 1 ? r[0, 0] ?? "?" : "?", r.count == 1 && r[0, 1] == "t")
            }
        } catch { throw .store(target: target, reason: "\(error)") }
        guard found.allowed else {
            throw .store(target: target, reason: "role \(found.user) lacks CREATEDB, which the drill needs to copy the store into a scratch database "
                         + "on the same server; hint: ALTER ROLE \(SQL.quote(found.user)) CREATEDB, or connect as a role that has it")
        }
    }

    /// Creates and fills the scratch database of the live store `live` (its migrated tables are `tables`; the
    /// rows of those in `withoutRows` are left out); drops what an interrupted drill left of this store first.
    /// Nothing is left behind when it fails.
    static func take(live: String, role: StoreRole, tables: [FencedTable], withoutRows: Set<String> = []) throws -> PostgresDrillCopy {
        let (admin, _) = try PostgresChangeTableTriggers.connect(live)
        defer { admin.close() }
        try admin.query("SET client_min_messages = warning")
        let db = try admin.query("SELECT current_database(), pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = current_database()")
        let prefix = scratchPrefix(db[0, 0] ?? "")
        dropLeftovers(admin, prefix: prefix)
        let name = prefix + String(format: "%08x", UInt32.random(in: .min ... .max))
        try admin.query("CREATE DATABASE \(SQL.quote(name)) TEMPLATE template0 ENCODING \(literal(db[0, 1] ?? "UTF8")) "
                        + "LC_COLLATE \(literal(db[0, 2] ?? "C")) LC_CTYPE \(literal(db[0, 3] ?? "C"))")
        let copy = PostgresDrillCopy(live: live, name: name, conninfo: try scratchConninfo(live, dbname: name))
        do {
            // The live database's own settings (ALTER DATABASE … SET: a search_path above all), before any session.
            let settings = try admin.query("""
                SELECT unnest(setconfig) FROM pg_db_role_setting
                WHERE setrole = 0 AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                """)
            for i in 0..<settings.count {
                if let setting = settings[i, 0], let sql = alterDatabase(SQL.quote(name), setting: setting) { try admin.query(sql) }
            }
            try copy.fill(tables: tables, role: role, withoutRows: withoutRows) } catch {
            _ = copy.drop()
            throw error
        }
        return copy
    }

    /// `<db>_tandem_drill_`, the database's name shortened so that the whole name fits PostgreSQL's 63 bytes.
    static func scratchPrefix(_ db: String) -> String {
        var base = db
        while base.utf8.count > 63 - 14 - 8 { base.removeLast() }
        return base + "_tandem_drill_"
    }

    /// Drops the scratch databases named `<prefix><8 characters>` that no session uses (an interrupted drill's;
    /// one in use belongs to a drill running now and stays).
    static func dropLeftovers(_ admin: PostgresConnection, prefix: String) {
        let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "_", with: "\\_")
            .replacingOccurrences(of: "%", with: "\\%") + "________"
        // Those with a session are passed over here: DROP DATABASE would wait 5 seconds for it before failing.
        guard let r = try? admin.query("""
            SELECT datname FROM pg_database d WHERE datname LIKE $1
                AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)
            """, [pattern]) else { return }
        for i in 0..<r.count {
            if let n = r[i, 0] { _ = try? admin.query("DROP DATABASE IF EXISTS \(SQL.quote(n))") }
        }
    }

    /// The live connection string with `dbname` replaced, in key=value form (whatever form the live one had).
    static func scratchConninfo(_ live: String, dbname: String) throws -> String {
        var fields = try PostgresRedactor(conninfo: live).fields
        fields["dbname"] = dbname
        return fields.sorted { $0.key < $1.key }.map { k, v in
            "\(k)='" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }.joined(separator: " ")
    }

    /// Drops the scratch database (closing the copy's own connection first, forcing out any other); what went
    /// wrong, or nil.
    func drop() -> String? {
        anchor?.close()
        anchor = nil
        func problem(_ error: any Error) -> String {
            "the drill's scratch database \(name) could not be dropped (DROP DATABASE \(SQL.quote(name)) by hand): \(error)"
        }
        let admin: PostgresConnection
        do { admin = try PostgresChangeTableTriggers.connect(live).connection } catch { return problem(error) }
        defer { admin.close() }
        _ = try? admin.query("SET client_min_messages = warning")
        do {
            try admin.query("DROP DATABASE IF EXISTS \(SQL.quote(name)) WITH (FORCE)")
            return nil
        } catch {
            guard admin.lastSQLState == "42601" else { return problem(error) }  // a syntax error: before PostgreSQL 13
        }
        do {
            try admin.query("DROP DATABASE IF EXISTS \(SQL.quote(name))")
            return nil
        } catch {
            return problem(error)
        }
    }

    /// `ALTER DATABASE db SET name = value` for a setting as `pg_db_role_setting` keeps it (`name=value`); a list
    /// setting (search_path and the like) as its items, each quoted, as pg_dump writes it.
    static func alterDatabase(_ db: String, setting: String) -> String? {
        guard let eq = setting.firstIndex(of: "=") else { return nil }
        let name = String(setting[..<eq]), value = String(setting[setting.index(after: eq)...])
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
        let lists: Set<String> = ["search_path", "temp_tablespaces", "local_preload_libraries", "session_preload_libraries", "shared_preload_libraries"]
        guard lists.contains(name.lowercased()) else { return "ALTER DATABASE \(db) SET \(name) = \(literal(value))" }
        // Items are separated by commas outside double quotes; a quoted item has its quotes doubled inside.
        var items: [String] = [], item = "", quoted = false
        var chars = Array(value)[...]
        while let c = chars.popFirst() {
            if c == "\"" {
                if quoted, chars.first == "\"" { item.append("\""); chars.removeFirst() } else { quoted.toggle() }
            } else if c == ",", !quoted {
                items.append(item.trimmingCharacters(in: .whitespaces)); item = ""
            } else {
                item.append(c)
            }
        }
        items.append(item.trimmingCharacters(in: .whitespaces))
        return "ALTER DATABASE \(db) SET \(name) = " + items.map(literal).joined(separator: ", ")
    }

    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
}

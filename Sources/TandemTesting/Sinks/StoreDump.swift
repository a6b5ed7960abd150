import TandemCore
import TandemSQLite
import XCTest
import TandemPostgres
import TandemSinks

/// A store's (or the model's) content in a comparable form: entity → sorted rows, each row its non-null
/// columns as `name=value` in name order. Empty tables are left out.
public typealias Dump = [String: [String]]

/// Which store a dump comes from (how its values print).
public enum StoreKind { case sqlite, postgres }

/// Dumps of real stores and of the reference model, in the comparable `Dump` form.
public enum StoreDump {
    /// A value as `kind` prints it (nil: null, left out).
    public static func canon(_ v: Value, _ kind: StoreKind) -> String? {
        switch v {
        case .null: return nil
        case .bool(let b): return kind == .sqlite ? (b ? "1" : "0") : (b ? "true" : "false")
        case .int(let i): return String(i)
        case .double(let d): return "d:\(d)"
        case .decimal(let s), .string(let s): return s
        case .bytes(let b): return b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        case .timestamp(let t): return t.rfc3339
        }
    }

    /// One row: `name=value` pairs in name order, joined by `|`.
    public static func line(_ pairs: [(String, String)]) -> String {
        pairs.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "|")
    }

    /// What a `kind` store holding the model prints.
    public static func model(_ m: ReferenceModel, _ kind: StoreKind) -> Dump {
        var out: Dump = [:]
        for (entity, rows) in m.tables where !rows.isEmpty {
            out[entity] = rows.values.map { r in line(r.columns.compactMap { n, v in canon(v, kind).map { (n, $0) } }) }.sorted()
        }
        return out
    }

    /// A SQLite store's user tables.
    public static func sqlite(_ path: String) throws -> Dump {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        let t = try db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('_tandem_checkpoint', '_tandem_tables')")
        var names: [String] = []
        while try t.step() { names.append(t.text(0)) }
        var out: Dump = [:]
        for n in names {
            let s = try db.prepare("SELECT * FROM \(SQL.quote(n))")
            var rows: [String] = []
            while try s.step() {
                var pairs: [(String, String)] = []
                for c in 0..<s.columnCount {
                    let v = s.value(at: c)
                    let text: String?
                    switch v {
                    case .double(let d): text = "d:\(d)"
                    case .bytes(let b): text = canon(.bytes(b), .sqlite)
                    default: text = canon(v, .sqlite)
                    }
                    if let text { pairs.append((s.columnName(c), text)) }
                }
                rows.append(line(pairs))
            }
            if !rows.isEmpty { out[n] = rows.sorted() }
        }
        return out
    }

    /// A PostgreSQL database's tables in schema public.
    public static func postgres(_ conninfo: String) throws -> Dump {
        let r = try PostgresRedactor(conninfo: conninfo)
        let c = try PostgresConnection(conninfo: conninfo, redactor: r)
        defer { c.close() }
        let cols = try c.query("""
            SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
            WHERE c.table_schema = 'public' AND c.table_name NOT IN ('_tandem_checkpoint', '_tandem_tables') ORDER BY c.table_name, c.ordinal_position
            """)
        var tables: [String: [(String, String)]] = [:]
        for i in 0..<cols.count { tables[cols[i, 0]!, default: []].append((cols[i, 1]!, cols[i, 2]!)) }
        var out: Dump = [:]
        for (table, columns) in tables {
            let exprs = columns.map { name, type -> String in
                let q = SQL.quote(name)
                switch type {
                case "timestamp with time zone": return "to_char(\(q) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                case "bytea": return "encode(\(q), 'hex')"
                default: return "\(q)::text"
                }
            }
            let rows = try c.query("SELECT \(exprs.joined(separator: ", ")) FROM \(SQL.quote(table))")
            var lines: [String] = []
            for i in 0..<rows.count {
                var pairs: [(String, String)] = []
                for (j, (name, type)) in columns.enumerated() {
                    guard let v = rows[i, j] else { continue }
                    pairs.append((name, type == "double precision" ? "d:\(Double(v)!)" : v))
                }
                lines.append(line(pairs))
            }
            if !lines.isEmpty { out[table] = lines.sorted() }
        }
        return out
    }
}

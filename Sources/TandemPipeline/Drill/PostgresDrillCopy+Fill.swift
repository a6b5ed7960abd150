import Foundation
import TandemCore
import TandemPostgres
import TandemSinks
import TandemSources

extension PostgresDrillCopy {
    /// One table as the snapshot shows it: what re-creates it and what copies its rows.
    struct Table {
        var qualified: String
        var name: String
        var create: String
        /// The columns COPY moves (not the generated ones), quoted and joined.
        var copied: String
        var indexes: [String]
        /// Identity columns (their sequences are set to the live values).
        var identity: [String]
    }

    /// Fills the scratch database from one snapshot of the live one (the enum and domain types its columns use
    /// too; no rows of the tables in `withoutRows`), then installs the fences and the capture triggers where the live tables have them. Keeps the
    /// scratch connection as the anchor.
    func fill(tables: [FencedTable], role: StoreRole, withoutRows: Set<String>) throws {
        let (src, _) = try PostgresChangeTableTriggers.connect(live)
        defer { src.close() }
        let (dst, _) = try PostgresChangeTableTriggers.connect(conninfo)
        anchor = dst
        try dst.query("SET client_min_messages = warning")
        try src.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        var inSnapshot = true
        defer { if inSnapshot { _ = try? src.query("ROLLBACK") } }
        let found = try src.query("""
            SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND pg_table_is_visible(c.oid)
              AND (c.relname = ANY(string_to_array($1, chr(31))) OR c.relname LIKE '\\_tandem\\_%')
            ORDER BY 2, 3
            """, [tables.map(\.table).joined(separator: "\u{1F}")])
        var schemas = Set<String>(), sequences: [String: String] = [:], copied: [Table] = []
        for i in 0..<found.count {
            let oid = found[i, 0]!, schema = found[i, 1]!
            schemas.insert(schema)
            let t = try Self.describe(src, oid: oid, qualified: SQL.quote(schema) + "." + SQL.quote(found[i, 2]!), name: found[i, 2]!)
            copied.append(t)
            let seqs = try src.query("""
                SELECT DISTINCT quote_ident(sn.nspname) || '.' || quote_ident(s.relname), format_type(q.seqtypid, NULL), q.seqincrement,
                    q.seqmin, q.seqmax, q.seqstart, q.seqcache, q.seqcycle
                FROM pg_attrdef d JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
                    AND dep.refclassid = 'pg_class'::regclass
                JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
                JOIN pg_sequence q ON q.seqrelid = s.oid WHERE d.adrelid = $1::oid
                """, [oid])
            for j in 0..<seqs.count {
                let r = (0..<8).map { seqs[j, $0] ?? "" }
                sequences[r[0]] = "CREATE SEQUENCE IF NOT EXISTS \(r[0]) AS \(r[1]) INCREMENT BY \(r[2]) MINVALUE \(r[3]) MAXVALUE \(r[4]) "
                    + "START WITH \(r[5]) CACHE \(r[6]) \(r[7] == "t" ? "CYCLE" : "NO CYCLE")"
            }
        }
        let types = try Self.types(src, tables: (0..<found.count).compactMap { found[$0, 0] })
        schemas.formUnion(types.schemas)
        let names = Set(copied.map(\.name))
        let fenced = Set(try Self.column(src.query("SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE g.tgname = '_tandem_fence' AND pg_table_is_visible(c.oid)")))
        let captured = try PostgresChangeTableTriggers.installedTables(src).filter { names.contains($0) }

        // The sequences' live values (read in the snapshot's transaction, after it began: at least the rows' ids).
        var values: [(sequence: String, value: String, called: String)] = []
        for s in sequences.keys.sorted() {
            let r = try src.query("SELECT last_value, is_called FROM \(s)")
            values.append((s, r[0, 0] ?? "1", r[0, 1] ?? "f"))
        }
        var identities: [(table: String, column: String, value: String, called: String)] = []
        for t in copied {
            for column in t.identity {
                let r = try src.query("SELECT pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass)", [t.qualified, column])
                guard r.count == 1, let v = r[0, 0] else { continue }  // never called: the new sequence is as the live one
                identities.append((t.qualified, column, v, "t"))
            }
        }

        try dst.query("BEGIN")
        for s in schemas.sorted() { try dst.query("CREATE SCHEMA IF NOT EXISTS \(SQL.quote(s))") }
        for t in types.create { try dst.query(t) }
        for s in sequences.keys.sorted() { try dst.query(sequences[s]!) }
        for t in copied {
            try dst.query(t.create)
            if !withoutRows.contains(t.name) {
                try src.copy("COPY \(t.qualified) (\(t.copied)) TO STDOUT", into: dst, "COPY \(t.qualified) (\(t.copied)) FROM STDIN")
            }
            for index in t.indexes { try dst.query(index) }
        }
        for v in values { try dst.query("SELECT setval($1::regclass, $2::bigint, $3::boolean)", [v.sequence, v.value, v.called]) }
        for v in identities {
            try dst.query("SELECT setval(pg_get_serial_sequence($1, $2)::regclass, $3::bigint, $4::boolean)", [v.table, v.column, v.value, v.called])
        }
        try dst.query("COMMIT")
        try src.query("ROLLBACK")  // the snapshot's end
        inSnapshot = false

        // Tandem's fences and capture, by their installers, on the tables that have them live.
        let fences = tables.filter { fenced.contains($0.table) && names.contains($0.table) }
        if !fences.isEmpty { try RoutingStore(spec: SinkSpec(kind: .postgres(conninfo: conninfo)), role: role).publish([], tables: fences) }
        if !captured.isEmpty { try PostgresChangeTableTriggers.install(dst, tables: captured) }
    }

    /// The table with oid `oid`: its CREATE TABLE (columns with types, defaults, identity, generated expressions,
    /// NOT NULL; primary key, unique and check constraints), the columns to copy, its other indexes.
    static func describe(_ c: PostgresConnection, oid: String, qualified: String, name: String) throws -> Table {
        let cols = try c.query("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [oid])
        var parts: [String] = [], copied: [String] = [], identity: [String] = []
        for i in 0..<cols.count {
            let column = cols[i, 0]!
            var part = SQL.quote(column) + " " + cols[i, 1]!
            switch (cols[i, 5] ?? "", cols[i, 4] ?? "") {
            case ("s", _): part += " GENERATED ALWAYS AS (\(cols[i, 3] ?? "NULL")) STORED"
            case (_, "a"): part += " GENERATED ALWAYS AS IDENTITY"; identity.append(column)
            case (_, "d"): part += " GENERATED BY DEFAULT AS IDENTITY"; identity.append(column)
            default: if let d = cols[i, 3] { part += " DEFAULT \(d)" }
            }
            if cols[i, 2] == "t" { part += " NOT NULL" }
            if cols[i, 5] ?? "" != "s" { copied.append(SQL.quote(column)) }
            parts.append(part)
        }
        let constraints = try c.query("""
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::oid AND contype IN ('p', 'u', 'c') ORDER BY conname
            """, [oid])
        for i in 0..<constraints.count { parts.append("CONSTRAINT \(SQL.quote(constraints[i, 0]!)) \(constraints[i, 1]!)") }
        let indexes = try c.query("""
            SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = $1::oid
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
            """, [oid])
        return Table(qualified: qualified, name: name, create: "CREATE TABLE \(qualified) (\(parts.joined(separator: ", ")))",
                     copied: copied.joined(separator: ", "), indexes: column(indexes), identity: identity)
    }

    /// The enum and domain types the columns of the tables `oids` use (also as array elements), as CREATE TYPE
    /// and CREATE DOMAIN statements (enums first: a domain may be over one), with the schemas they are in.
    static func types(_ c: PostgresConnection, tables oids: [String]) throws -> (schemas: [String], create: [String]) {
        let r = try c.query("""
            SELECT DISTINCT t.typtype, n.nspname, quote_ident(n.nspname) || '.' || quote_ident(t.typname),
                CASE t.typtype WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e
                                              WHERE e.enumtypid = t.oid)
                    ELSE format_type(t.typbasetype, t.typtypmod) END,
                t.typnotnull, t.typdefault,
                (SELECT string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid)
            FROM pg_attribute a JOIN pg_type t0 ON t0.oid = a.atttypid
            JOIN pg_type t ON t.oid = CASE WHEN t0.typcategory = 'A' AND t0.typelem <> 0 THEN t0.typelem ELSE t0.oid END
            JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE a.attrelid = ANY(string_to_array($1, ',')::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype IN ('e', 'd')
                AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 1 DESC, 3
            """, [oids.joined(separator: ",")])
        var schemas: [String] = [], create: [String] = []
        for i in 0..<r.count {
            schemas.append(r[i, 1]!)
            if r[i, 0] == "e" {
                create.append("CREATE TYPE \(r[i, 2]!) AS ENUM (\(r[i, 3] ?? ""))")
            } else {
                create.append("CREATE DOMAIN \(r[i, 2]!) AS \(r[i, 3]!)" + (r[i, 5].map { " DEFAULT \($0)" } ?? "")
                              + (r[i, 4] == "t" ? " NOT NULL" : "") + (r[i, 6].map { " " + $0 } ?? ""))
            }
        }
        return (schemas, create)
    }

    static func column(_ r: PostgresRows) -> [String] { (0..<r.count).compactMap { r[$0, 0] } }
}

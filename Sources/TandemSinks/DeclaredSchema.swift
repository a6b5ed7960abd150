import TandemCore

/// How sinks turn declared schemas (`EntitySchemaCatalog`, recorded in the journal by ingest) into target
/// tables: the columns and types of a table Tandem creates, the DDL `tandem schema plan` prints, whether a
/// value fits its declared column, and the bookkeeping of which tables Tandem created.
public enum DeclaredSchema {
    /// The store's list of tables Tandem created (only those gain columns without `schema: "evolve"`); the text
    /// of `schemas/sql/tables.sqlite.sql` and `tables.postgres.sql`.
    static let tablesSQLite = """
        -- The tables Tandem created in a SQLite sink (created by the sink when missing): only these gain columns
        -- when events bring new ones; any other table needs "schema": "evolve" on the sink. A table's row is
        -- written in the transaction that creates the table.
        CREATE TABLE IF NOT EXISTS "_tandem_tables" (
            "name"       TEXT NOT NULL PRIMARY KEY,  -- the table, as Tandem created it
            "created_at" TEXT NOT NULL               -- when, RFC 3339 UTC
        );
        """
    static let tablesPostgres = """
        -- The tables Tandem created in a PostgreSQL sink (created by the sink when missing): only these gain
        -- columns when events bring new ones; any other table needs "schema": "evolve" on the sink. A table's
        -- row is written in the transaction that creates the table.
        CREATE TABLE IF NOT EXISTS "_tandem_tables" (
            "name"       text        NOT NULL PRIMARY KEY,  -- the table, as Tandem created it
            "created_at" timestamptz NOT NULL DEFAULT now()  -- when
        );
        """

    /// The PostgreSQL type of a declared column: int → bigint, double → double precision, decimal → numeric
    /// (with its precision and scale where the source enforces them), string → text, bytes → bytea,
    /// bool → boolean, timestamp → timestamptz, and `any` (no declared type) → jsonb, which holds each value
    /// in Tandem's event JSON form (a number stays a number, text stays text).
    public static func postgresType(_ t: ColumnType) -> String {
        switch t.kind {
        case .any: return "jsonb"
        case .bool: return "boolean"
        case .int: return "bigint"
        case .double: return "double precision"
        case .decimal:
            if let p = t.precision { return "numeric(\(p),\(t.scale ?? 0))" }
            return "numeric"
        case .string: return "text"
        case .bytes: return "bytea"
        case .timestamp: return "timestamptz"
        }
    }

    /// The SQLite column type of a declared column: the affinity of the source's own declaration, else the
    /// kind's; none for `any` (each value keeps its storage class: 22 stays INTEGER, 22.0 REAL).
    public static func sqliteType(_ t: ColumnType) -> String { t.sqliteAffinity }

    /// The columns of a table created for `plan`: the declared ones (in declared order), then those the events
    /// carry that the declaration lacks; each with its declared type, nil when undeclared.
    static func columns(_ plan: EntityPlan, _ schema: EntitySchema?) -> [(name: String, type: ColumnType?, sample: Value)] {
        var out: [(name: String, type: ColumnType?, sample: Value)] = []
        if let schema {
            for (c, t) in zip(schema.columns, schema.types) {
                out.append((c, t, plan.columns.first { ExactText.same($0.name, c) }?.sample ?? .null))
            }
        }
        for c in plan.columns where !out.contains(where: { ExactText.same($0.name, c.name) }) {
            out.append((c.name, nil, c.sample))
        }
        return out
    }

    /// The `CREATE TABLE` for one declared entity in a dialect, as `tandem schema plan` prints it and replay runs it.
    public static func createTable(_ s: EntitySchema, postgres: Bool) -> String {
        var defs: [String] = []
        // SQLite: a single integer key is the rowid itself (no second index), as for undeclared tables.
        let rowid = !postgres && s.key.count == 1 && s.type(of: s.key[0])?.kind == .int ? s.key[0] : nil
        for (c, t) in zip(s.columns, s.types) {
            if postgres {
                defs.append("\(SQL.quote(c)) \(postgresType(t))")
            } else if c == rowid {
                defs.append("\(SQL.quote(c)) INTEGER PRIMARY KEY")
            } else {
                let type = sqliteType(t)
                defs.append(type.isEmpty ? SQL.quote(c) : "\(SQL.quote(c)) \(type)")
            }
        }
        if !s.key.isEmpty, rowid == nil { defs.append("PRIMARY KEY (\(SQL.list(s.key)))") }
        return "CREATE TABLE \(SQL.quote(s.entity)) (\n    " + defs.joined(separator: ",\n    ") + "\n);"
    }

    /// Why a value does not fit its column (nil when it fits): the store would refuse or change it. `declared`
    /// is nil for a column Tandem created from a value kind (no declaration).
    static func misfit(_ v: Value, column: String, type: ColumnType, declared: Bool, storeType: String) -> String? {
        guard !type.fits(v) else { return nil }
        return "column \(SinkError.shown(column)) is \(storeType) (\(declared ? "declared \(type)" : "undeclared, created from an earlier value")), "
            + "and \(describe(v)) does not fit it; hint: declare the column's type in the mapping (\"type\"), or fix the value at its source"
    }

    /// The kind of a column Tandem created in PostgreSQL without a declaration (`PostgresText.columnType`).
    static func kind(ofPostgresType t: String) -> ColumnType {
        switch t {
        case "bigint": return ColumnType(kind: .int)
        case "double precision": return ColumnType(kind: .double)
        case "numeric": return ColumnType(kind: .decimal)
        case "text": return ColumnType(kind: .string)
        case "bytea": return ColumnType(kind: .bytes)
        case "boolean": return ColumnType(kind: .bool)
        case "timestamptz", "timestamp with time zone": return ColumnType(kind: .timestamp)
        default: return ColumnType(kind: .any)
        }
    }

    /// A value with its kind, for a message: `text "abc"`, `double 9.8`.
    static func describe(_ v: Value) -> String {
        switch v {
        case .string(let s): return "text " + EventValidation.quoted(s)
        case .bytes(let b): return "bytes (\(b.count))"
        case .bool(let b): return "bool \(b)"
        case .int(let i): return "int \(i)"
        case .double(let d): return "double \(d)"
        case .decimal(let d): return "decimal \(d)"
        case .timestamp(let t): return "timestamp \(t.rfc3339)"
        case .null: return "null"
        }
    }

    /// Refuses a new column of a table Tandem did not create (unless the sink evolves schemas).
    static func refuseNewColumn(target: String, entity: String, column: String) -> SinkError {
        SinkError.refusedData(target: target, entity: entity, key: nil,
                              message: "the table has no column \(SinkError.shown(column)) and Tandem did not create it: "
                                + "Tandem never alters an application's table on its own; hint: add the column yourself, "
                                + "or set \"schema\": \"evolve\" on the sink")
    }
}

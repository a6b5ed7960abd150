import Foundation
import TandemCore
import TandemSinks
import TandemSQLite
import TandemSources

/// `tandem schema plan`: the target tables Tandem would create, as DDL for an operator to review or run.
enum SchemaCommands {
    static let planVerb = Verb(
        name: "plan", summary: "print the DDL of the target tables (types from the mapping and the source's declarations)",
        positionals: [],
        options: [.value("--source", "SOURCE", "the source whose declared types to read (see 'tandem help ingest')"),
                  .value("--mapping", "FILE", "legacy → new schema rules; a column's \"type\" wins over the source's"),
                  .value("--into", "SINK", "the target, for its SQL dialect: sqlite:PATH or postgres://… (not opened)")],
        details: """
        Types come from the mapping's "type" per column and, where it says nothing, from the source's declared
        types: a sqlite-changelog database's declared column types (SQLite affinity rules) and primary keys, or
        the schema blocks of a Debezium log's lines. Never from a value. A column nobody declared is created
        with no type in SQLite (each value keeps its storage class) and as jsonb in PostgreSQL (each value
        exact, in Tandem's event JSON form). replay creates missing tables the same way; this prints the DDL
        so that an operator can review it, or create the tables first. Nothing is opened for writing.
        """
    ) { args in
        let source = try SourceSpec.parse(try ReplayCommands.required(args, "--source"))
        let into = try SinkSpec.parse(try ReplayCommands.required(args, "--into"))
        let mapping = try args.value("--mapping").map { path throws(MappingError) in try Mapping.load(path: path) }
            ?? .passThrough
        let postgres: Bool
        switch into.kind {
        case .sqlite: postgres = false
        case .postgres: postgres = true
        }
        try source.checkExists()
        let schemas = mapping.targetSchemas(of: try declaredSchemas(source))
        guard !schemas.isEmpty else {
            throw UsageError("schema plan: \(source.path) declares no table and the mapping types no column; "
                             + "hint: give each column a \"type\" in the mapping")
        }
        var out = "-- tandem schema plan: \(source.kind.rawValue):\(source.path) into \(postgres ? "PostgreSQL" : "SQLite")\n"
        for s in schemas {
            if s.key.isEmpty { out += "-- \(s.entity): no key declared; replay keys the table on its events' key\n" }
            out += DeclaredSchema.createTable(s, postgres: postgres) + "\n"
        }
        Output.out(out)
        return 0
    }

    /// The source's own declarations: a SQLite database's tables (those with triggers, else all of the
    /// application's), or the first schema block per table of a Debezium log.
    static func declaredSchemas(_ spec: SourceSpec) throws -> [EntitySchema] {
        switch spec.kind {
        case .sqliteChangelog:
            let db = try Database(path: spec.path, mode: .readOnly)
            defer { db.close() }
            var tables = try ChangeTableTriggers.installedTables(db: db)
            if tables.isEmpty {
                let st = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                while try st.step() {
                    if !ChangeTableTriggers.isReserved(st.text(0)) { tables.append(st.text(0)) }
                }
            }
            return try SQLiteChangeLogSource.declaredSchemas(db, tables: tables)
        case .jsonl:
            guard spec.format == .debezium else { return [] }
            guard let data = FileManager.default.contents(atPath: spec.path) else {
                throw UsageError("schema plan: cannot read \(spec.path)")
            }
            var catalog = EntitySchemaCatalog()
            for line in data.split(separator: 10) {
                if let s = DebeziumDecoder.declaredSchema(Array(line)) { catalog.merge(s) }
            }
            return catalog.schemas
        case .postgresChangelog:
            return []  // the new store: its tables are what the mapping targets, not a plan's input
        }
    }

    static let group = VerbGroup(name: "schema", summary: "plan the target schema from declared types",
                                 verbs: [planVerb])
}

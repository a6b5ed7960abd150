import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSQLite
import TandemSources

/// The reverse flow of a config's migration block: where it reads (the new store's change table), journals
/// (`migration.reverseJournal`) and writes (the legacy store, checkpoint row `reverse`), and the capture it
/// needs on the new store. One place for the daemon's reverse worker and `cohort rollback`'s drain.
public enum ReverseSetup {
    /// The legacy store's checkpoint row of the reverse flow (beside the forward sinks' rows in the new store).
    public static let consumerName = "reverse"

    /// The new store's change table: `migration.reverseSource`, else derived from the new sink's spec.
    public static func source(_ config: DaemonConfig, _ m: DaemonConfig.Migration) throws(MigrationError) -> SourceSpec {
        if let text = m.reverseSource {
            do { return try SourceSpec.parse(text) } catch { throw .badDefinition("migration.reverseSource: \(error)") }
        }
        guard let sink = config.sink(named: m.new) else { throw .notConfigured(config: config.file) }
        switch sink.spec.kind {
        case .sqlite(let path, _): return SourceSpec(kind: .sqliteChangelog, path: path)
        case .postgres(let conninfo): return SourceSpec(kind: .postgresChangelog, path: conninfo)
        }
    }

    /// The reverse journal: `migration.reverseJournal`, else the forward journal's path with `-reverse`.
    public static func journal(_ config: DaemonConfig) -> String {
        guard let m = config.migration, !m.reverseJournal.isEmpty else { return config.journal + "-reverse" }
        return m.reverseJournal
    }

    /// The flow's settings for every tenant (the new store's fences let an application write there only for
    /// the tenants whose writes are on the new store, and Tandem's own writes are not captured).
    public static func settings(_ config: DaemonConfig) throws(MigrationError) -> ReverseFlow.Settings {
        guard let m = config.migration else { throw .notConfigured(config: config.file) }
        var legacy = m.legacy
        legacy.name = consumerName
        var s = ReverseFlow.Settings(source: try source(config, m), journal: journal(config), legacy: legacy, tenants: nil)
        s.legacySchemas = legacySchemas(m.legacy, mapping: (try? mapping(config)) ?? .passThrough)
        return s
    }

    /// The flow of `config`.
    /// - Throws: `MigrationError.badDefinition` for a mapping without a reverse rule for a migrated column.
    public static func flow(_ config: DaemonConfig) throws(MigrationError) -> ReverseFlow {
        let settings = try settings(config)
        do { return try ReverseFlow(mapping: try mapping(config), settings: settings) } catch let e as MigrationError { throw e } catch {
            throw .badDefinition("the mapping has no way back to the legacy store: \(error)")
        }
    }

    static func mapping(_ config: DaemonConfig) throws(MigrationError) -> Mapping {
        do { return try config.mapping.map { path throws(MappingError) in try Mapping.load(path: path) } ?? .passThrough } catch {
            throw .badDefinition("the mapping cannot be loaded: \(error)")
        }
    }

    /// The legacy tables' declared columns (the types coerced columns go back to); empty when unknown.
    static func legacySchemas(_ legacy: SinkSpec, mapping: Mapping) -> [EntitySchema] {
        guard case .sqlite(let path, _) = legacy.kind, let db = try? Database(path: path, mode: .readOnly) else { return [] }
        defer { db.close() }
        let tables = mapping.entities.keys.sorted().filter { exists(db, $0) }
        return (try? SQLiteChangeLogSource.declaredSchemas(db, tables: tables)) ?? []
    }

    /// Installs the change table and capture triggers on the new store for the migrated tables that have none
    /// yet (done at every cut-over, before the new store's fence is lifted, so that no application write to the
    /// new store escapes capture), on an SQLite or PostgreSQL new store.
    /// - Throws: `MigrationError.store` when the new store cannot be written.
    public static func installCapture(_ config: DaemonConfig, tables: [FencedTable]) throws(MigrationError) {
        guard let m = config.migration else { throw .notConfigured(config: config.file) }
        let spec = try source(config, m)
        if spec.kind == .postgresChangelog {
            do {
                try PostgresChangeTableTriggers.withConnection(spec.path) { c, _ in
                    let installed = Set(try PostgresChangeTableTriggers.installedTables(c))
                    let missing = try tables.map(\.table).filter { t in
                        try !installed.contains(t) && c.query("SELECT to_regclass(quote_ident(\(literal(t))))")[0, 0] != nil
                    }
                    if !missing.isEmpty { try PostgresChangeTableTriggers.install(c, tables: missing) }
                }
            } catch {
                throw .store(target: "new store (PostgreSQL)", reason: "reverse capture not installed: \(error)")
            }
            return
        }
        guard spec.kind == .sqliteChangelog else { return }
        do {
            let db = try Database(path: spec.path)
            defer { db.close() }
            let installed = Set(try ChangeTableTriggers.installedTables(db: db))
            let missing = tables.map(\.table).filter { !installed.contains($0) && exists(db, $0) }
            if !missing.isEmpty { try ChangeTableTriggers.install(db: db, tables: missing) }
        } catch {
            throw .store(target: "new store \(spec.path)", reason: "reverse capture not installed: \(error)")
        }
    }

    static func exists(_ db: Database, _ table: String) -> Bool {
        ((try? db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(table.replacingOccurrences(of: "'", with: "''"))'")) ?? nil) != nil
    }

    static func literal(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The largest id in the new store's change table now (nil when it has none).
    static func newChangeID(_ config: DaemonConfig) -> Int64? {
        guard let m = config.migration, let spec = try? source(config, m) else { return nil }
        if spec.kind == .postgresChangelog {
            let text = try? PostgresChangeTableTriggers.withConnection(spec.path) { c, _ in
                try c.query("SELECT max(id) FROM \(PostgresChangeTableTriggers.table)")[0, 0]
            }
            return (text ?? nil).flatMap { Int64($0) }
        }
        guard spec.kind == .sqliteChangelog, let db = try? Database(path: spec.path, mode: .readOnly) else { return nil }
        defer { db.close() }
        if case .int(let id)? = try? db.scalar("SELECT max(id) FROM \(ChangeTableTriggers.table)") { return id }
        return nil
    }
}

import Foundation
import TandemJournal
import TandemSinks
import TandemSources

/// The tenants a migration knows: the distinct values of the mapping's tenant column in the legacy store
/// (a SQLite legacy store, read-only), else the distinct `tenant` of the journal's events.
public enum KnownTenants {
    /// Every tenant, sorted.
    /// - Throws: `MigrationError.store` when neither the legacy store nor the journal can be read.
    public static func all(config: DaemonConfig, migration: DaemonConfig.Migration, mapping: Mapping) throws(MigrationError) -> [String] {
        let tables = MigratedTables.tables(mapping, role: .legacy)
        if case .sqlite(let path, _) = migration.legacy.kind, !tables.isEmpty, FileManager.default.fileExists(atPath: path) {
            do { return try RoutingStore.distinctTenants(sqlite: path, tables: tables) } catch {
                throw .store(target: "sqlite:\(path)", reason: "cannot read its tenants: \(error)")
            }
        }
        do { return try fromJournal(config.journal) } catch {
            throw .store(target: config.journal, reason: "cannot read the journal's tenants: \(error)")
        }
    }

    static func fromJournal(_ directory: String) throws -> [String] {
        guard Journal.exists(at: directory) else { return [] }
        let reader = try JournalReader(directory: directory)
        var out = Set<String>()
        while let e = try reader.next() { if let t = e.tenant { out.insert(t) } }
        return out.sorted()
    }
}

import TandemSinks
import TandemSources

/// The migrated tables and their tenant columns on each side, from the mapping: the new store's table is the
/// entity's target and its tenant column the mapping's `tenant`; the legacy table is the source entity and
/// its tenant column the source column renamed to it (or the same name).
public enum MigratedTables {
    /// The tables of the side `role` that carry a tenant column (entities without `tenant` are not fenced).
    public static func tables(_ mapping: Mapping, role: StoreRole) -> [FencedTable] {
        mapping.entities.sorted { $0.key < $1.key }.compactMap { (source, e) in
            guard let tenant = e.tenantColumn else { return nil }
            switch role {
            case .new: return FencedTable(table: e.target, tenantColumn: tenant)
            case .legacy:
                let column = e.columns.first { $0.value.target == tenant }?.key ?? tenant
                return FencedTable(table: source, tenantColumn: column)
            }
        }
    }
}

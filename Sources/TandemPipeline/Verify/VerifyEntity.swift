import TandemCore
import TandemSources

/// One entity as verify reads it: the legacy table and its key, the new store's table and key, the tenant
/// columns, and the renames that take a key from one side's names to the other's.
struct VerifyEntity {
    /// The legacy table.
    let source: String
    /// Its primary-key columns.
    let sourceKey: [String]
    /// The new store's table.
    let target: String
    /// Its key columns (the mapped key's names).
    let targetKey: [String]
    /// The tenant column in the new store, if any.
    let targetTenant: String?
    /// The tenant column in legacy, if any.
    let sourceTenant: String?
    /// Legacy column → new column, for the columns the mapping renames (others keep their name).
    let renames: [String: String]

    init(source: String, sourceKey: [String], mapping: Mapping, newKey: [String]?) {
        self.source = source
        self.sourceKey = sourceKey
        let em = mapping.entities[source]
        target = em?.target ?? source
        var renames: [String: String] = [:]
        for (name, c) in em?.columns ?? [:] { if let t = c.target, t != name { renames[name] = t } }
        self.renames = renames
        let mappedKey = sourceKey.map { renames[$0] ?? $0 }
        if let pk = em?.primaryKey, !pk.isEmpty { targetKey = pk } else { targetKey = newKey.flatMap { $0.isEmpty ? nil : $0 } ?? mappedKey }
        targetTenant = em?.tenantColumn
        sourceTenant = em?.tenantColumn.map { t in em?.columns.first { $0.value.target == t }?.key ?? t }
    }

    /// The new store's name of a legacy column.
    func targetName(_ source: String) -> String { renames[source] ?? source }

    /// The legacy name of a new store's column.
    func sourceName(_ target: String) -> String { renames.first { $0.value == target }?.key ?? target }

    /// The key of a new-store row, as stored.
    func targetKeyValues(_ row: Row) -> [Value] { targetKey.map { VerifyValues.stored(row[$0] ?? .null) } }

    /// A new-store key as the legacy key (for re-reading a row found only in the new store).
    func sourceKey(of targetKey: Row) -> Row {
        Row(sourceKey.map { ($0, targetKey[targetName($0)] ?? .null) })
    }

    /// The new-store key a legacy row the mapping refuses would have (its key columns renamed, not converted).
    func guessedTargetKey(_ legacyRow: Row) -> [Value] {
        targetKey.map { VerifyValues.stored(legacyRow[sourceName($0)] ?? .null) }
    }

    /// The tenant of a new-store row.
    func tenant(ofNew row: Row) -> String? { targetTenant.flatMap { row[$0].flatMap(EntityMapping.tenantText) } }

    /// The tenant of a legacy row the mapping refused.
    func tenant(ofLegacy row: Row) -> String? { sourceTenant.flatMap { row[$0].flatMap(EntityMapping.tenantText) } }

    /// The legacy row through the mapping: the row as the new store should hold it, with its key and tenant;
    /// or the mapping's refusal.
    func map(_ row: Row, _ mapping: Mapping) -> Result<(row: Row, key: [Value], tenant: String?), Rejection> {
        var names = ValidatedNames()
        return map(row, mapping, names: &names)
    }

    /// `map(_:_:)` for many rows: `names` remembers the column-name lists found sound.
    func map(_ row: Row, _ mapping: Mapping, names: inout ValidatedNames) -> Result<(row: Row, key: [Value], tenant: String?), Rejection> {
        let key = Row(sourceKey.map { ($0, row[$0] ?? .null) })
        switch mapping.apply(Event(entity: source, key: key, op: .snapshot, after: row), names: &names) {
        case .rejected(let r): return .failure(r)
        case .event(let e):
            let stored = VerifyValues.stored(e.after ?? Row())
            let k = targetKey.map { VerifyValues.stored(e.key[$0] ?? stored[$0] ?? .null) }
            return .success((stored, k, e.tenant))
        }
    }
}

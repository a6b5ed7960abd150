import TandemCore

extension Mapping {
    /// The target schemas of the source's declared ones: entities and columns renamed, dropped columns left out,
    /// and a column's mapping `type` (or a `parseTimestamp` transform) in place of the source's declared type.
    /// Entities the mapping lists but the source does not declare get the columns the mapping types.
    public func targetSchemas(of declared: [EntitySchema]) -> [EntitySchema] {
        var out: [EntitySchema] = []
        var seen: Set<String> = []
        for s in declared {
            seen.insert(s.entity)
            let rules = entities[s.entity]
            if rules == nil, unlistedEntities == .reject { continue }
            var t = EntitySchema(entity: rules?.target ?? s.entity, columns: [], types: [])
            for (c, type) in zip(s.columns, s.types) {
                guard let name = Self.targetName(c, rules) else { continue }
                t.columns.append(name)
                t.types.append(rules?.columns[c].flatMap(Self.mappedType) ?? type)
            }
            t.key = rules.map { $0.primaryKey.isEmpty ? s.key.compactMap { Self.targetName($0, rules) } : $0.primaryKey } ?? s.key
            out.append(t)
        }
        for (source, rules) in entities.sorted(by: { $0.key < $1.key }) where !seen.contains(source) {
            var t = EntitySchema(entity: rules.target, columns: [], types: [], key: rules.primaryKey)
            for (_, col) in rules.columns.sorted(by: { $0.key < $1.key }) {
                guard let name = col.target, let type = Self.mappedType(col) else { continue }
                t.columns.append(name)
                t.types.append(type)
            }
            if !t.columns.isEmpty { out.append(t) }
        }
        return out
    }

    /// The target name of a source column (nil when the mapping drops it).
    static func targetName(_ column: String, _ rules: EntityMapping?) -> String? {
        guard let rules else { return column }
        if let c = rules.columns[column] { return c.target }
        return rules.keepUnlisted ? column : nil
    }

    /// The type a column's mapping declares: its `type`, or timestamp after a `parseTimestamp` transform.
    static func mappedType(_ c: ColumnMapping) -> ColumnType? {
        if let t = c.type { return ColumnType(kind: ColumnKind(rawValue: t.rawValue) ?? .any) }
        for t in c.transforms { if case .parseTimestamp = t { return ColumnType(kind: .timestamp) } }
        return nil
    }
}

import Foundation
import TandemCore
import TandemSources

/// `--dry-run`: runs a mapping over every row of the legacy store without writing anything, and counts what
/// would be quarantined, by rule and by tenant: what would migrate, and what is trash.
public enum DryRun {
    /// What one entity would give.
    public struct EntityOutcome: Sendable {
        public var entity: String
        public var rows = 0
        public var quarantined = 0
        /// Rejections by "rule on column" (the first failing rule of each row).
        public var byRule: [String: Int] = [:]
        /// Rejections by tenant (rows without a tenant value are under "").
        public var byTenant: [String: Int] = [:]
        /// Up to five keys of rejected rows per rule.
        public var examples: [String: [String]] = [:]
    }

    /// Maps every row of the chosen entities as a snapshot change would be mapped.
    /// - Throws: `AuditError` (unknown entity, store failure).
    public static func run(store: any AuditStore, mapping: Mapping, options: AuditOptions) throws -> [EntityOutcome] {
        let all = try store.entities()
        let chosen = try options.entities.map { names in
            try names.map { n in
                guard let e = all.first(where: { $0.name == n }) else {
                    throw AuditError.usage("no entity \"\(n)\" in \(store.description); it has \(all.map(\.name).joined(separator: ", "))")
                }
                return e
            }
        } ?? all
        var out: [EntityOutcome] = []
        for e in chosen {
            var o = EntityOutcome(entity: e.name)
            let names = e.columns.map(\.name)
            let keyIndexes = e.primaryKey.compactMap { k in names.firstIndex(of: k) }
            let tenantIndex = (options.tenantColumn ?? mapping.entities[e.name]?.tenantColumn).flatMap { names.firstIndex(of: $0) }
            try store.scan(e, sample: options.sample) { row in
                o.rows += 1
                var values: [Value] = []
                values.reserveCapacity(names.count)
                for i in names.indices { values.append(row.value(i)) }
                let key = Row(uncheckedNames: keyIndexes.map { names[$0] }, values: keyIndexes.map { values[$0] })
                let event = Event(entity: e.name, key: key, op: .snapshot, after: Row(uncheckedNames: names, values: values))
                guard case .rejected(let r) = mapping.apply(event) else { return }
                o.quarantined += 1
                let rule = r.rule + (r.column.map { " on \($0)" } ?? "")
                o.byRule[rule, default: 0] += 1
                if o.examples[rule, default: []].count < 5 { o.examples[rule, default: []].append(row.keyText()) }
                let tenant = tenantIndex.flatMap { Auditor.tenantName(row.cell($0)) } ?? ""
                o.byTenant[tenant, default: 0] += 1
            }
            out.append(o)
        }
        return out
    }

    /// The outcome as JSON (`DIR/dry-run.json`).
    public static func json(_ outcomes: [EntityOutcome], source: String, mappingPath: String) -> JSONValue {
        .object([
            ("version", .int(1)),
            ("source", .string(source)),
            ("mapping", .string(mappingPath)),
            ("rows", .int(Int64(outcomes.reduce(0) { $0 + $1.rows }))),
            ("quarantined", .int(Int64(outcomes.reduce(0) { $0 + $1.quarantined }))),
            ("entities", .array(outcomes.map { o in
                .object([
                    ("entity", .string(o.entity)),
                    ("rows", .int(Int64(o.rows))),
                    ("quarantined", .int(Int64(o.quarantined))),
                    ("byRule", .object(o.byRule.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
                    ("examples", .object(o.examples.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(JSONValue.string))) })),
                    ("byTenant", .object(o.byTenant.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
                ])
            })),
        ])
    }

    /// One line per entity, then one per rule.
    public static func summary(_ outcomes: [EntityOutcome]) -> String {
        let rows = outcomes.reduce(0) { $0 + $1.rows }, bad = outcomes.reduce(0) { $0 + $1.quarantined }
        var out = "dry run: \(rows) rows, \(rows - bad) would migrate, \(bad) would be quarantined\n"
        for o in outcomes {
            out += "  \(o.entity): \(o.rows) rows, \(o.quarantined) quarantined\n"
            for (rule, n) in o.byRule.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                out += "    \(rule): \(n) (e.g. keys \(o.examples[rule, default: []].joined(separator: ", ")))\n"
            }
        }
        return out
    }
}

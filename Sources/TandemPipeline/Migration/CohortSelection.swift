/// How `cohort create` chooses a cohort's tenants.
public enum CohortSelection: Sendable, Hashable {
    /// These tenants.
    case tenants([String])
    /// The tenants `TenantHash` selects for this percentage and seed.
    case percent(Double, seed: String)
    /// The first `percent` % of the audit report's ranking (lowest risk first), counted over the whole ranking.
    case lowestRisk(Double, audit: String)

    /// The definition in words, as `cohort show` prints it.
    public var definition: String {
        switch self {
        case .tenants(let t): return "--tenants " + t.joined(separator: ",")
        case .percent(let p, let seed): return "--percent \(Self.text(p))" + (seed.isEmpty ? "" : " --seed \(seed)")
        case .lowestRisk(let p, let audit): return "--lowest-risk \(Self.text(p)) --audit \(audit)"
        }
    }

    static func text(_ p: Double) -> String { p == p.rounded() ? String(Int(p)) : String(p) }

    /// The tenants chosen from `known` (the legacy store's tenants), leaving out those already in a cohort
    /// (`taken`, tenant → cohort). An explicit list naming a taken tenant is refused instead.
    /// - Throws: `MigrationError.tenantTaken`, `.badDefinition` when nothing is selected, `.audit`.
    public func choose(known: () throws(MigrationError) -> [String], taken: [String: String]) throws(MigrationError) -> [String] {
        let chosen: [String]
        switch self {
        case .tenants(let list):
            for t in list { if let c = taken[t] { throw .tenantTaken(tenant: t, cohort: c) } }
            chosen = list
        case .percent(let p, let seed):
            chosen = try known().filter { taken[$0] == nil && TenantHash.selects($0, percent: p, seed: seed) }
        case .lowestRisk(let p, let audit):
            let ranked = try AuditRanking.tenants(audit: audit)
            let n = Int((Double(ranked.count) * p / 100).rounded(.up))
            chosen = Array(ranked.filter { taken[$0] == nil }.prefix(n))
        }
        var seen = Set<String>()
        let unique = chosen.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else {
            throw .badDefinition("\(definition) selects no tenant" + (taken.isEmpty ? "" : " (\(taken.count) tenants are already in cohorts)"))
        }
        return unique.sorted()
    }
}

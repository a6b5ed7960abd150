import Foundation
import TandemCore

/// What to audit and how.
public struct AuditOptions: Sendable {
    /// Entities to read (default: all).
    public var entities: [String]?
    /// The column naming the customer a row belongs to, in the entities that have it.
    public var tenantColumn: String?
    /// Read about this many rows per entity, spread over the table, instead of all.
    public var sample: Int?
    /// A column set by this share of tenants or fewer (and by at most `customSettingTenants` of them, at
    /// least) is a custom setting.
    public var customSettingShare = 0.01
    /// Tenants always small enough a minority for a custom setting (when there are at least 10 tenants).
    public var customSettingTenants = 2
    /// A column null or empty in at least this share of rows is a zombie.
    public var zombieShare = 0.995
    /// A column a change log shows unwritten for this many days before its newest change is a zombie.
    public var zombieDays = 400
    public init() {}
}

/// Progress of a pass, for the terminal.
public struct AuditProgress: Sendable {
    public var entity: String
    public var pass: String
    public var rows: Int
    public var estimate: Int
    public var seconds: Double
}

/// The profile of one entity after the audit.
public struct EntityProfile {
    public var info: EntityInfo
    public var rows: Int
    public var columns: [ColumnProfiler]
    /// Rows per tenant (with a tenant column).
    public var tenantRows: [String: Int]
    /// Rows with at least one row-level finding, per tenant.
    public var tenantFindingRows: [String: Int]
    /// Per column: when it was last written and by whom (change log or change table sources only).
    public var writes: [String: ColumnWrites]?
    public var seconds: Double
}

/// The whole result: profiles, findings (worst first), tenants by risk.
public struct AuditResult {
    public var source: String
    public var options: AuditOptions
    public var entities: [EntityProfile]
    public var findings: [Finding]
    public var tenants: [TenantRisk]
    /// Changes read from the change log or change table, and their time span (nil without one).
    public var changeLog: WriteTracker?
    public var started: Date
    public var seconds: Double
}

/// Runs an audit: one profiling pass per entity, an evidence pass for entities with row-level findings
/// (exact counts, example keys, tenants), and the store's own queries for duplicate keys and orphans.
public final class Auditor {
    let store: any AuditStore
    let options: AuditOptions
    /// Called about every 64 k rows and at the end of each pass.
    public var progress: ((AuditProgress) -> Void)?

    public init(store: any AuditStore, options: AuditOptions) {
        self.store = store
        self.options = options
    }

    /// Reads the store and returns the result.
    /// - Throws: `AuditError` (unknown entity, store failure).
    public func run() throws -> AuditResult {
        let started = Date()
        let all = try store.entities()
        var chosen = all
        if let names = options.entities {
            chosen = try names.map { n in
                guard let e = all.first(where: { $0.name == n }) else {
                    throw AuditError.usage("no entity \"\(n)\" in \(store.description); it has \(all.map(\.name).joined(separator: ", "))")
                }
                return e
            }
        }
        var profiles: [EntityProfile] = [], findings: [Finding] = []
        let writes = try store.columnWrites(tenantColumn: options.tenantColumn)
        for e in chosen {
            var (profile, found) = try audit(e, writes: writes)
            findings += found
            found = try keyChecks(e, profile)
            for f in found { for (t, n) in f.byTenant { profile.tenantFindingRows[t, default: 0] += n } }
            findings += found
            profiles.append(profile)
        }
        findings.sort { ($0.severity, -$0.count, $0.entity, $0.column ?? "") < ($1.severity, -$1.count, $1.entity, $1.column ?? "") }
        let tenants = TenantRisk.rank(profiles, findings, writeRates: writes?.tenantRates ?? [:])
        return AuditResult(source: store.description, options: options, entities: profiles, findings: findings,
                           tenants: tenants, changeLog: writes, started: started, seconds: Date().timeIntervalSince(started))
    }

    func audit(_ e: EntityInfo, writes: WriteTracker?) throws -> (EntityProfile, [Finding]) {
        let t0 = Date()
        var columns = e.columns.map { ColumnProfiler(name: $0.name, declaredType: $0.declaredType) }
        let tenantIndex = options.tenantColumn.flatMap { t in e.columns.firstIndex { $0.name == t } }
        var tenantIDs: [String: Int32] = [:], tenantRows: [String: Int] = [:]
        var rows = 0
        let estimate = (try? store.estimatedRows(e)) ?? 0
        try store.scan(e, sample: options.sample) { row in
            rows += 1
            var tenant: Int32?
            if let ti = tenantIndex, let name = Self.tenantName(row.cell(ti)) {
                if let id = tenantIDs[name] { tenant = id } else { tenant = Int32(tenantIDs.count); tenantIDs[name] = tenant }
                tenantRows[name, default: 0] += 1
            }
            for i in columns.indices { columns[i].observe(row.cell(i), tenant: tenant) }
            if rows & 0xFFFF == 0 { report(e.name, "profile", rows, estimate, t0) }
        }
        report(e.name, "profile", rows, estimate, t0)
        let tenantNames = Dictionary(uniqueKeysWithValues: tenantIDs.map { ($0.value, $0.key) })
        let columnWrites = writes.map { $0.columns[e.name] ?? [:] }
        var candidates = decide(e, columns, tenantCount: tenantIDs.count, tenantNames: tenantNames, tenantIndex: tenantIndex,
                                writes: columnWrites, newest: columnWrites?.values.compactMap(\.lastWritten).max { $0.microseconds < $1.microseconds },
                                logStart: writes?.first)
        var tenantFindingRows: [String: Int] = [:]
        if !candidates.isEmpty {
            // The evidence pass: the same tests on every row give exact counts, example keys and tenants.
            for i in candidates.indices { candidates[i].finding.count = 0 }
            let t1 = Date()
            var seen = 0
            // Only the columns with findings (and the tenant's) are read again: the rest of a wide table is not.
            let needed = Set(candidates.map(\.column) + (tenantIndex.map { [$0] } ?? [])).sorted()
            var projected = e
            projected.columns = needed.map { e.columns[$0] }
            var position = [Int](repeating: -1, count: e.columns.count)
            for (j, i) in needed.enumerated() { position[i] = j }
            let tenantAt = tenantIndex.map { position[$0] }
            try store.scan(projected, sample: options.sample) { row in
                seen += 1
                var hit = false
                for i in candidates.indices {
                    let c = candidates[i].column
                    guard candidates[i].check.matches(row.cell(position[c]), &columns[c]) else { continue }
                    hit = true
                    candidates[i].finding.count += 1
                    if candidates[i].finding.examples.count < 5 { candidates[i].finding.examples.append(row.keyText()) }
                    if let ti = tenantAt, let name = Self.tenantName(row.cell(ti)) { candidates[i].finding.byTenant[name, default: 0] += 1 }
                }
                if hit, let ti = tenantAt, let name = Self.tenantName(row.cell(ti)) { tenantFindingRows[name, default: 0] += 1 }
                if seen & 0xFFFF == 0 { report(e.name, "evidence", seen, rows, t1) }
            }
        }
        let profile = EntityProfile(info: e, rows: rows, columns: columns, tenantRows: tenantRows,
                                    tenantFindingRows: tenantFindingRows, writes: columnWrites, seconds: Date().timeIntervalSince(t0))
        return (profile, candidates.map(\.finding).filter { $0.count > 0 || $0.kind == .zombieColumn })
    }

    func report(_ entity: String, _ pass: String, _ rows: Int, _ estimate: Int, _ t0: Date) {
        progress?(AuditProgress(entity: entity, pass: pass, rows: rows, estimate: estimate, seconds: Date().timeIntervalSince(t0)))
    }

    /// A tenant value as text; nil for null or empty.
    static func tenantName(_ cell: Cell) -> String? {
        switch cell {
        case .null: return nil
        case .int(let i): return String(i)
        case .double(let d): return "\(d)"
        case .text(let b):
            if b.isEmpty { return nil }
            // Printable ASCII of a usual length needs no escaping or cutting (the common case, once a row).
            if b.count <= 64, b.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return String(decoding: b, as: UTF8.self) }
            return AuditText.short(String(decoding: b, as: UTF8.self))
        case .blob: return nil
        }
    }

    /// Duplicate keys under normalisation (primary key and unique text columns) and orphaned references.
    func keyChecks(_ e: EntityInfo, _ p: EntityProfile) throws -> [Finding] {
        guard options.sample == nil else { return [] }  // a sample cannot say which keys are missing
        let tenant = options.tenantColumn.flatMap { t in e.columns.contains { $0.name == t } ? t : nil }
        var out: [Finding] = []
        // Declared keys, and columns that act as one (never empty, every value distinct): a legacy table often
        // has its natural key (a user name, an email) without a constraint.
        var keyColumns = (e.primaryKey.count == 1 ? e.primaryKey : []) + e.uniqueColumns
        for c in p.columns where AuditReport.isNaturalKey(c, p) && !keyColumns.contains(c.name) { keyColumns.append(c.name) }
        for k in keyColumns {
            guard let c = p.columns.first(where: { $0.name == k }), c.texts > 0 else { continue }
            let r = try store.normalizedDuplicates(e, column: k, tenantColumn: tenant)
            guard r.count > 0 else { continue }
            out.append(Finding(kind: .duplicates, severity: .high, entity: e.name, column: k, count: r.count,
                               detail: "\(r.count) row(s) repeat another row's \(k) when case and outer white space are ignored",
                               examples: r.examples, rule: .object([("transforms", .array([.string("trim"), .string("lower")]))]),
                               ruleText: "decide which row wins, then trim and lower-case \(k) so the new store has one row per key",
                               byTenant: r.byTenant))
        }
        for ref in e.references {
            let r = try store.orphans(e, ref, tenantColumn: tenant)
            guard r.count > 0 else { continue }
            out.append(Finding(kind: .orphans, severity: .high, entity: e.name, column: ref.column, count: r.count,
                               detail: "\(r.count) row(s) reference a missing \(ref.table).\(ref.referencedColumn)\(ref.declared ? "" : " (reference inferred from the name)")\(r.missingTable ? " (the table \(ref.table) does not exist)" : "")",
                               examples: r.examples, rule: nil,
                               ruleText: "repair or drop the rows before moving them, or migrate \(ref.table) rows for them first",
                               byTenant: r.byTenant))
        }
        return out
    }
}

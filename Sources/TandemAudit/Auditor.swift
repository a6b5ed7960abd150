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

/// Runs an audit: one streaming pass per entity, which profiles every column and keeps, per cell class and
/// per value while values are few, the evidence the findings decided at its end need (exact counts, the
/// first five keys, rows per tenant); then the store's own queries for duplicate keys and orphans (a grouped
/// query and an anti-join in the store, so the audit's memory does not grow with either table).
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
        for i in columns.indices where (e.primaryKey.count == 1 && e.primaryKey[0] == columns[i].name) || e.uniqueColumns.contains(columns[i].name) {
            columns[i].keyDeclared = true
        }
        let tenantIndex = options.tenantColumn.flatMap { t in e.columns.firstIndex { $0.name == t } }
        var tenants = TenantTable()
        var rows = 0
        let estimate = (try? store.estimatedRows(e)) ?? 0
        let width = columns.count
        let ti = tenantIndex ?? -1
        let cells = UnsafeMutableBufferPointer<Cell>.allocate(capacity: width)
        defer { cells.deallocate() }
        cells.initialize(repeating: .null)
        try columns.withUnsafeMutableBufferPointer { columns in
            try store.scan(e, sample: options.sample) { row in
                row.cells(into: cells)
                // The tenant cell is hashed once: for the tenant table and for its own column's profile.
                var tenant: Int32?, tenantHash: UInt64?
                if ti >= 0 {
                    tenantHash = ColumnProfiler.hash(cells[ti])
                    tenant = tenants.index(cells[ti], hash: tenantHash)
                }
                var wantsKey = false
                for i in 0..<width {
                    if i == ti { columns[i].observe(cells[i], hash: tenantHash, tenant: tenant, row: rows) } else {
                        columns[i].observe(cells[i], tenant: tenant, row: rows)
                    }
                    if columns[i].wantsKey { wantsKey = true }
                }
                if wantsKey {
                    // The first rows of each kept class or value: their key, made once per row.
                    let key = row.keyText()
                    for i in 0..<width where columns[i].wantsKey { columns[i].attach(key: key, row: rows) }
                }
                rows += 1
                if rows & 0xFFFF == 0 { report(e.name, "profile", rows, estimate, t0) }
            }
        }
        report(e.name, "profile", rows, estimate, t0)
        let tenantNames = tenants.names
        let columnWrites = writes.map { $0.columns[e.name] ?? [:] }
        var candidates = decide(e, columns, tenantCount: tenants.distinctNames, tenantNames: tenantNames, tenantIndex: tenantIndex,
                                writes: columnWrites, newest: columnWrites?.values.compactMap(\.lastWritten).max { $0.microseconds < $1.microseconds },
                                logStart: writes?.first)
        // The evidence kept during the pass gives each finding its exact count, example keys and tenants.
        var tenantFindingRows: [String: Int] = [:]
        for i in candidates.indices {
            let found = columns[candidates[i].column].evidence(candidates[i].check)
            candidates[i].finding.count = found.count
            candidates[i].finding.examples = found.keys
            for (t, n) in found.tenants {
                guard let name = tenantNames[t] else { continue }
                candidates[i].finding.byTenant[name, default: 0] += n
                tenantFindingRows[name, default: 0] += n
            }
        }
        let profile = EntityProfile(info: e, rows: rows, columns: columns, tenantRows: tenants.rows,
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
            // The pass kept what rules duplicates out (exact values, or the spilled normalised hashes): most
            // key columns need no grouping query over the whole table.
            if c.noNormalizedDuplicates { continue }
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

/// The tenants of one entity by index: a tenant cell is hashed (the hash its column's profile counts it
/// under), found through an open-addressing table on that hash, and its name made only the first time.
struct TenantTable {
    /// Open addressing: a position in `hashes`/`ids`, or -1; grown at half full.
    private var table = [Int32](repeating: -1, count: 1024)
    private var hashes: [UInt64] = []
    private var ids: [Int32] = []
    private var byName: [String: Int32] = [:]
    /// Names by index.
    private(set) var names: [Int32: String] = [:]
    private var counts: [Int] = []

    /// The index of the row's tenant (counting its row), nil for a null or empty tenant; `h` is
    /// `ColumnProfiler.hash(cell)`.
    mutating func index(_ cell: Cell, hash h: UInt64?) -> Int32? {
        guard let h else { return nil }
        if case .text(let b) = cell, b.isEmpty { return nil }
        let mask = table.count - 1
        var p = Int(truncatingIfNeeded: h) & mask
        var id: Int32 = -1
        while true {
            let s = table[p]
            if s < 0 { break }
            if hashes[Int(s)] == h { id = ids[Int(s)]; break }
            p = (p + 1) & mask
        }
        if id < 0 {
            guard let name = Auditor.tenantName(cell) else { return nil }
            if let n = byName[name] { id = n } else {
                id = Int32(byName.count)
                byName[name] = id
                names[id] = name
                counts.append(0)
            }
            table[p] = Int32(hashes.count)
            hashes.append(h)
            ids.append(id)
            if 2 * hashes.count > table.count { grow() }
        }
        counts[Int(id)] += 1
        return id
    }

    private mutating func grow() {
        table = [Int32](repeating: -1, count: table.count * 2)
        let mask = table.count - 1
        for (i, h) in hashes.enumerated() {
            var p = Int(truncatingIfNeeded: h) & mask
            while table[p] >= 0 { p = (p + 1) & mask }
            table[p] = Int32(i)
        }
    }

    /// Rows per tenant name.
    var rows: [String: Int] { Dictionary(uniqueKeysWithValues: names.map { ($0.value, counts[Int($0.key)]) }) }
    /// Distinct tenants.
    var distinctNames: Int { byName.count }
}

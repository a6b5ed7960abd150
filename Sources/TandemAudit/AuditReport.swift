import Foundation
import TandemCore

/// `report.json` (schemas/audit-report.schema.json) and the terminal summary of an audit.
public enum AuditReport {
    /// The format version of report.json.
    public static let version = 1

    /// The memory bound, as the report states it.
    public static let memoryBound = "per column: a 4 KiB HyperLogLog, exact counts of at most \(ColumnProfiler.exactLimit) distinct values cut to \(ColumnProfiler.keptBytes) bytes (then a \(ColumnProfiler.topCapacity)-counter Misra-Gries summary), tenant sets of at most \(ColumnProfiler.tenantLimit) tenants (per value for columns of at most \(ColumnProfiler.settingValues) values): under 400 KiB per column whatever the number of rows, and for each text key column a run of hashed values (about 1 MiB) spilled in sorted runs to an unlinked temporary file for the duplicate check; plus, per tenant, its row counts and a count per finding; a PostgreSQL scan holds \(PostgresAuditStore.fetchRows) rows at a time. Duplicate keys and orphans are found by the store's own grouped and anti-join queries."

    /// The whole report as JSON.
    public static func json(_ r: AuditResult) -> JSONValue {
        var bySeverity: [(key: String, value: JSONValue)] = []
        for s in [Severity.high, .medium, .low] { bySeverity.append((s.rawValue, .int(Int64(r.findings.filter { $0.severity == s }.count)))) }
        let o: [(key: String, value: JSONValue)] = [
            ("version", .int(Int64(version))),
            ("source", .string(r.source)),
            ("generatedAt", .string(Timestamp(microseconds: Int64(r.started.timeIntervalSince1970 * 1e6)).rfc3339)),
            ("seconds", .double((r.seconds * 1000).rounded() / 1000)),
            ("sample", r.options.sample.map { .int(Int64($0)) } ?? .null),
            ("tenantColumn", r.options.tenantColumn.map(JSONValue.string) ?? .null),
            ("memoryBound", .string(memoryBound)),
            ("distinctRelativeError", .double((HyperLogLog.standardError * 10000).rounded() / 10000)),
            ("changeLog", r.changeLog.map { w in
                .object([("changes", .int(Int64(w.changes))), ("first", w.first.map { .string($0.rfc3339) } ?? .null),
                         ("last", w.last.map { .string($0.rfc3339) } ?? .null)])
            } ?? .null),
            ("summary", .object([
                ("entities", .int(Int64(r.entities.count))),
                ("rows", .int(Int64(r.entities.reduce(0) { $0 + $1.rows }))),
                ("findings", .int(Int64(r.findings.count))),
                ("bySeverity", .object(bySeverity)),
            ])),
            ("entities", .array(r.entities.map { entity($0, r.findings) })),
            ("findings", .array(r.findings.map(finding))),
            ("tenants", .array(r.tenants.map(tenant))),
        ]
        return .object(o)
    }

    static func entity(_ p: EntityProfile, _ findings: [Finding]) -> JSONValue {
        .object([
            ("name", .string(p.info.name)),
            ("rows", .int(Int64(p.rows))),
            ("seconds", .double((p.seconds * 1000).rounded() / 1000)),
            ("primaryKey", .array(p.info.primaryKey.map(JSONValue.string))),
            ("naturalKeyCandidates", .array(p.columns.filter { isNaturalKey($0, p) }.map { .string($0.name) })),
            ("references", .array(p.info.references.map { ref in
                let orphans = findings.first { $0.kind == .orphans && $0.entity == p.info.name && $0.column == ref.column }?.count ?? 0
                return .object([("column", .string(ref.column)), ("table", .string(ref.table)),
                                ("referencedColumn", .string(ref.referencedColumn)), ("declared", .bool(ref.declared)),
                                ("orphans", .int(Int64(orphans)))])
            })),
            ("columns", .array(p.columns.map { column($0, writes: p.writes) })),
        ])
    }

    /// Not the key, never null, every value distinct (exactly, or within the HyperLogLog's error).
    static func isNaturalKey(_ c: ColumnProfiler, _ p: EntityProfile) -> Bool {
        guard !p.info.primaryKey.contains(c.name), c.rows > 1, c.nulls == 0, c.empties == 0 else { return false }
        if c.isExact { return c.distinct == c.rows }
        return Double(abs(c.distinct - c.rows)) <= 3 * HyperLogLog.standardError * Double(c.rows)
    }

    static func rate(_ n: Int, _ of: Int) -> JSONValue { .double(of == 0 ? 0 : (Double(n) / Double(of) * 10000).rounded() / 10000) }

    static func column(_ c: ColumnProfiler, writes: [String: ColumnWrites]?) -> JSONValue {
        let (type, notFitting) = c.inferred
        let patterns: [(key: String, value: JSONValue)] = c.patterns.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .int(Int64($0.value))) }
        return .object([
            ("name", .string(c.name)),
            ("declaredType", .string(c.declaredType)),
            ("rows", .int(Int64(c.rows))),
            ("nulls", .int(Int64(c.nulls))), ("nullRate", rate(c.nulls, c.rows)),
            ("empties", .int(Int64(c.empties))), ("emptyRate", rate(c.empties, c.rows)),
            ("distinct", .int(Int64(c.distinct))), ("distinctExact", .bool(c.isExact)),
            ("min", c.min.map { .string(AuditText.short($0.display)) } ?? .null),
            ("max", c.max.map { .string(AuditText.short($0.display)) } ?? .null),
            ("top", .array(c.topValues(10).map(topValue))),
            ("inferredType", .string(type.rawValue)),
            ("notFitting", .int(Int64(notFitting))), ("notFittingShare", rate(notFitting, c.present)),
            ("patterns", .object(patterns)),
            ("dateFormats", .array(c.dateFormats.map { .object([("format", .string($0.format)), ("count", .int(Int64($0.count)))]) })),
            ("longest", .int(Int64(c.longest))),
            ("lengthHistogram", .array(c.lengthBuckets.map { .int(Int64($0)) })),
            ("invalidUTF8", .int(Int64(c.invalidUTF8))),
            ("outerWhitespace", .int(Int64(c.outerWhitespace))),
            ("caseVariants", c.caseVariants.map { .int(Int64($0.values.count)) } ?? .null),
            ("written", writes.map { w in
                let cw = w[c.name] ?? ColumnWrites()
                return .object([("writes", .int(Int64(cw.writes))), ("lastWritten", cw.lastWritten.map { .string($0.rfc3339) } ?? .null),
                                ("tenants", cw.tenantsOverflow ? .null : .int(Int64(cw.tenants.count)))])
            } ?? .null),
        ])
    }

    static func topValue(_ t: (value: String, count: Int, undercount: Int)) -> JSONValue {
        .object([("value", .string(AuditText.short(t.value))), ("count", .int(Int64(t.count))), ("undercount", .int(Int64(t.undercount)))])
    }

    static func finding(_ f: Finding) -> JSONValue {
        .object([
            ("kind", .string(f.kind.rawValue)),
            ("severity", .string(f.severity.rawValue)),
            ("entity", .string(f.entity)),
            ("column", f.column.map(JSONValue.string) ?? .null),
            ("count", .int(Int64(f.count))),
            ("detail", .string(f.detail)),
            ("examples", .array(f.examples.map(JSONValue.string))),
            ("rule", f.rule ?? .null),
            ("ruleText", .string(f.ruleText)),
            ("byTenant", .object(f.byTenant.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
        ])
    }

    static func tenant(_ t: TenantRisk) -> JSONValue {
        .object([
            ("tenant", .string(t.tenant)),
            ("risk", .double(t.risk)),
            ("rows", .int(Int64(t.rows))),
            ("rowsWithFindings", .int(Int64(t.rowsWithFindings))),
            ("customSettings", .array(t.customSettings.map(JSONValue.string))),
            ("orphans", .int(Int64(t.orphans))),
            ("parts", .object(t.parts.map { ($0.name, .double($0.points)) })),
            ("reasons", .array(t.reasons.map(JSONValue.string))),
        ])
    }

    /// The terminal summary: totals, then the findings worst first, one line each.
    public static func summary(_ r: AuditResult, limit: Int = 20) -> String {
        let rows = r.entities.reduce(0) { $0 + $1.rows }
        var out = "audit \(r.source): \(r.entities.count) entities, \(rows) rows\(r.options.sample.map { ", sample of about \($0) rows per entity" } ?? ""), \(r.findings.count) finding(s) in \(String(format: "%.1f", r.seconds)) s\n"
        for f in r.findings.prefix(limit) {
            let place = f.entity + (f.column.map { "." + $0 } ?? "")
            out += "  \(f.severity.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(f.kind.rawValue): \(place): \(f.count) row(s); \(f.detail) → \(f.ruleText)\n"
        }
        if r.findings.count > limit { out += "  … \(r.findings.count - limit) more in report.json\n" }
        return out
    }

    /// The tenant ranking, lowest risk first, one line each.
    public static func tenantLines(_ r: AuditResult) -> String {
        guard !r.tenants.isEmpty else { return "no tenants (give --tenant-column COL)\n" }
        var out = ""
        for (i, t) in r.tenants.enumerated() {
            out += "\(i + 1). \(t.tenant)  risk \(t.risk)  (\(t.reasons.joined(separator: "; ")))\n"
        }
        return out
    }
}

import Foundation

/// One tenant's migration risk, 0 (move it first) to 100, with the parts it is made of.
///
/// risk = 20 × size + 30 × finding share + 20 × custom settings + 20 × orphans + 10 × write rate, where
/// size = log10(rows + 1) / log10(largest tenant's rows + 1), finding share = rows with findings / rows
/// (at most 1; "rows with findings" sums the tenant's counts over the findings, so a row with findings in two
/// columns counts twice: the single pass keeps counts per finding, not per row), custom settings = min(1, custom-setting columns it uses / 2), orphans = min(1, 10 × orphans / rows),
/// write rate = its changes per day / the busiest tenant's (0 without a change log or change table).
public struct TenantRisk: Sendable {
    public var tenant: String
    public var risk: Double
    public var rows: Int
    public var rowsWithFindings: Int
    public var customSettings: [String]
    public var orphans: Int
    /// Points per part: size, findings, customSettings, orphans, writeRate (they add up to `risk`).
    public var parts: [(name: String, points: Double)]
    /// The reasons in words, largest part first.
    public var reasons: [String]

    /// Every tenant of every entity, lowest risk first (ties by name).
    static func rank(_ profiles: [EntityProfile], _ findings: [Finding], writeRates: [String: Double] = [:]) -> [TenantRisk] {
        let busiest = writeRates.values.max() ?? 0
        var rows: [String: Int] = [:], findingRows: [String: Int] = [:], orphans: [String: Int] = [:]
        var custom: [String: [String]] = [:]
        for p in profiles {
            for (t, n) in p.tenantRows { rows[t, default: 0] += n }
            for (t, n) in p.tenantFindingRows { findingRows[t, default: 0] += n }
        }
        for f in findings {
            if f.kind == .orphans { for (t, n) in f.byTenant { orphans[t, default: 0] += n } }
            if f.kind == .customSetting { for t in f.byTenant.keys { custom[t, default: []].append("\(f.entity).\(f.column ?? "")") } }
        }
        let largest = Double(rows.values.max() ?? 0)
        var out: [TenantRisk] = []
        for (t, n) in rows {
            let size = largest > 0 ? log10(Double(n) + 1) / log10(largest + 1) : 0
            let share = n > 0 ? Swift.min(1, Double(findingRows[t] ?? 0) / Double(n)) : 0
            let customs = (custom[t] ?? []).sorted()
            let orphanCount = orphans[t] ?? 0
            let parts: [(String, Double)] = [
                ("size", 20 * size), ("findings", 30 * share),
                ("customSettings", 20 * Swift.min(1, Double(customs.count) / 2)),
                ("orphans", 20 * (n > 0 ? Swift.min(1, 10 * Double(orphanCount) / Double(n)) : 0)),
                ("writeRate", busiest > 0 ? 10 * (writeRates[t] ?? 0) / busiest : 0),
            ].map { ($0.0, ($0.1 * 10).rounded() / 10) }
            var reasons: [String] = []
            reasons.append("\(n) rows")
            if let f = findingRows[t], f > 0 { reasons.append("\(Swift.min(f, n)) rows with findings (\(Auditor.percent(share * 100)))") }
            if !customs.isEmpty { reasons.append("uses custom setting \(customs.joined(separator: ", "))") }
            if orphanCount > 0 { reasons.append("owns \(orphanCount) orphan row(s)") }
            if let rate = writeRates[t], rate > 0 { reasons.append(String(format: "%.1f changes a day", rate)) }
            out.append(TenantRisk(tenant: t, risk: (parts.reduce(0) { $0 + $1.1 } * 10).rounded() / 10, rows: n,
                                  rowsWithFindings: Swift.min(findingRows[t] ?? 0, n), customSettings: customs,
                                  orphans: orphanCount, parts: parts, reasons: reasons))
        }
        return out.sorted { $0.risk != $1.risk ? $0.risk < $1.risk : $0.tenant < $1.tenant }
    }
}

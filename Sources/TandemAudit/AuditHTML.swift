import Foundation

/// `report.html`: one self-contained page (inline CSS and SVG, no script, no external asset, no network):
/// a summary, the findings with their suggested rules, a table and charts per entity, tenants by risk.
public enum AuditHTML {
    /// The page for a result.
    public static func page(_ r: AuditResult) -> String {
        let rows = r.entities.reduce(0) { $0 + $1.rows }
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Tandem audit: \(esc(r.source))</title>
        <style>
        body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
        h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccc}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
        th{background:#f3f3f3}.num{text-align:right}.high{color:#b00020;font-weight:600}.medium{color:#a15c00}.low{color:#555}
        code{background:#f6f6f6;padding:0 3px}.muted{color:#777}svg{display:block;margin:6px 0}
        </style></head>
        <body data-findings="\(r.findings.count)" data-entities="\(r.entities.count)" data-tenants="\(r.tenants.count)">
        <h1>Tandem audit</h1>
        <p id="summary">Source <code>\(esc(r.source))</code>: \(r.entities.count) entities, \(rows) rows\(r.options.sample.map { ", a sample of about \($0) rows per entity" } ?? ""); <b>\(r.findings.count)</b> findings
        (\(r.findings.filter { $0.severity == .high }.count) high, \(r.findings.filter { $0.severity == .medium }.count) medium, \(r.findings.filter { $0.severity == .low }.count) low), read in \(String(format: "%.1f", r.seconds)) s.
        Distinct counts are exact for columns with few values, else HyperLogLog estimates (±\(String(format: "%.1f", HyperLogLog.standardError * 100)) %).</p>

        """
        h += findings(r.findings)
        if !r.tenants.isEmpty { h += tenants(r.tenants) }
        for e in r.entities { h += entity(e) }
        h += "</body></html>\n"
        return h
    }

    static func esc(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func findings(_ fs: [Finding]) -> String {
        var h = "<h2>Findings</h2>\n"
        if fs.isEmpty { return h + "<p id=\"no-findings\">No findings.</p>\n" }
        h += "<table id=\"findings\"><thead><tr><th>severity</th><th>kind</th><th>where</th><th class=\"num\">rows</th><th>what</th><th>example keys</th><th>suggested rule</th></tr></thead><tbody>\n"
        for f in fs {
            var rule = esc(f.ruleText)
            if let j = f.rule {
                var bytes: [UInt8] = []
                j.write(into: &bytes)
                rule += "<br><code>\(esc(String(decoding: bytes, as: UTF8.self)))</code>"
            }
            h += "<tr class=\"finding \(f.severity.rawValue)\" data-kind=\"\(esc(f.kind.rawValue))\"><td class=\"\(f.severity.rawValue)\">\(f.severity.rawValue)</td><td>\(esc(f.kind.rawValue))</td><td>\(esc(f.entity))\(f.column.map { "." + esc($0) } ?? "")</td><td class=\"num count\">\(f.count)</td><td>\(esc(f.detail))</td><td>\(f.examples.map(esc).joined(separator: ", "))</td><td>\(rule)</td></tr>\n"
        }
        return h + "</tbody></table>\n"
    }

    static func tenants(_ ts: [TenantRisk]) -> String {
        var h = "<h2>Tenants by risk</h2>\n<p class=\"muted\">Lowest risk first: the first candidates to migrate.</p>\n"
        let shown = Array(ts.prefix(40))
        h += bars(shown.map { ($0.tenant, $0.risk, "\($0.risk)") }, max: 100, id: "tenant-risk-chart")
        h += "<table id=\"tenants\"><thead><tr><th>#</th><th>tenant</th><th class=\"num\">risk</th><th>parts</th><th>why</th></tr></thead><tbody>\n"
        // A page stays readable (and small) with many tenants: report.json holds them all.
        for (i, t) in ts.prefix(500).enumerated() {
            let parts = t.parts.map { "\($0.name) \($0.points)" }.joined(separator: ", ")
            h += "<tr class=\"tenant\"><td class=\"num\">\(i + 1)</td><td>\(esc(t.tenant))</td><td class=\"num\">\(t.risk)</td><td>\(esc(parts))</td><td>\(esc(t.reasons.joined(separator: "; ")))</td></tr>\n"
        }
        h += "</tbody></table>\n"
        if ts.count > 500 { h += "<p class=\"muted\">… \(ts.count - 500) more tenants in report.json.</p>\n" }
        return h
    }

    static func entity(_ e: EntityProfile) -> String {
        var h = "<h2 class=\"entity\">\(esc(e.info.name)) <span class=\"muted\">\(e.rows) rows</span></h2>\n"
        h += "<p>Null rate per column</p>\n"
        h += bars(e.columns.map { ($0.name, $0.rows == 0 ? 0 : Double($0.nulls) * 100 / Double($0.rows), String(format: "%.1f %%", $0.rows == 0 ? 0 : Double($0.nulls) * 100 / Double($0.rows))) }, max: 100, id: "nulls-\(esc(e.info.name))")
        h += "<table class=\"columns\"><thead><tr><th>column</th><th>type (declared → inferred)</th><th class=\"num\">null</th><th class=\"num\">empty</th><th class=\"num\">distinct</th><th>min … max</th><th>top values</th><th>patterns</th><th>value lengths</th>\(e.writes == nil ? "" : "<th>last written</th>")</tr></thead><tbody>\n"
        for c in e.columns {
            let (type, notFitting) = c.inferred
            let top = c.topValues(3).map { "\(esc($0.value)) ×\($0.count)" }.joined(separator: ", ")
            var patterns = c.patterns.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }
            for f in c.dateFormats { patterns.append("\(f.format) \(f.count)") }
            let mm = [c.min, c.max].map { $0.map { esc(AuditText.short($0.display, 24)) } ?? "" }.joined(separator: " … ")
            h += "<tr><td>\(esc(c.name))</td><td>\(esc(c.declaredType.isEmpty ? "—" : c.declaredType)) → \(type.rawValue)\(notFitting > 0 ? " (\(notFitting) do not fit)" : "")</td><td class=\"num\">\(c.nulls)</td><td class=\"num\">\(c.empties)</td><td class=\"num\">\(c.isExact ? "" : "≈")\(c.distinct)</td><td>\(mm)</td><td>\(top)</td><td>\(esc(patterns.joined(separator: ", ")))</td><td>\(histogram(c.lengthBuckets))</td>\(e.writes.map { written($0[c.name]) } ?? "")</tr>\n"
        }
        return h + "</tbody></table>\n"
    }

    /// When a column was last written and by how many tenants (change log or change table).
    static func written(_ w: ColumnWrites?) -> String {
        guard let w, w.writes > 0 else { return "<td class=\"muted\">never</td>" }
        let when = w.lastWritten.map { String($0.rfc3339.prefix(10)) } ?? "?"
        let who = w.tenantsOverflow ? ", > 1000 tenants" : w.tenants.isEmpty ? "" : ", \(w.tenants.count) tenant\(w.tenants.count == 1 ? "" : "s")"
        return "<td>\(when) (\(w.writes) writes\(who))</td>"
    }

    /// Horizontal bars, one per label, scaled to `max`.
    static func bars(_ items: [(String, Double, String)], max: Double, id: String) -> String {
        let height = 16, width = 520, labelWidth = 160
        var s = "<svg id=\"\(id)\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width + labelWidth + 70)\" height=\"\(items.count * height + 4)\" role=\"img\">"
        for (i, (label, value, text)) in items.enumerated() {
            let y = i * height + 2
            let w = max > 0 ? Int((Swift.min(value, max) / max * Double(width)).rounded()) : 0
            s += "<text x=\"0\" y=\"\(y + 12)\" font-size=\"11\">\(esc(AuditText.short(label, 24)))</text>"
            s += "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(w)\" height=\"\(height - 4)\" fill=\"#4a78c2\"/>"
            s += "<text x=\"\(labelWidth + w + 4)\" y=\"\(y + 12)\" font-size=\"11\">\(esc(text))</text>"
        }
        return s + "</svg>\n"
    }

    /// A tiny column chart of value lengths (buckets 0, ≤4, ≤8, … ≤256, more).
    static func histogram(_ buckets: [Int]) -> String {
        let top = Swift.max(buckets.max() ?? 0, 1)
        var s = "<svg class=\"lengths\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(buckets.count * 8)\" height=\"20\"><title>value lengths: \(buckets.map(String.init).joined(separator: " "))</title>"
        for (i, n) in buckets.enumerated() {
            let h = n == 0 ? 0 : Swift.max(1, n * 18 / top)
            s += "<rect x=\"\(i * 8)\" y=\"\(20 - h)\" width=\"7\" height=\"\(h)\" fill=\"#7a9a3a\"/>"
        }
        return s + "</svg>"
    }
}

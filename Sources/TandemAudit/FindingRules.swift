import Foundation
import TandemCore

/// A finding decided from the profile, to be counted on every row by the evidence pass.
struct Candidate {
    var finding: Finding
    var column: Int
    var check: RowCheck
}

extension Auditor {
    /// Decides from the profile which findings an entity has; their counts come from the evidence pass.
    func decide(_ e: EntityInfo, _ columns: [ColumnProfiler], tenantCount: Int, tenantNames: [Int32: String],
                tenantIndex: Int?, writes: [String: ColumnWrites]? = nil, newest: Timestamp? = nil,
                logStart: Timestamp? = nil) -> [Candidate] {
        var out: [Candidate] = []
        func add(_ i: Int, _ kind: FindingKind, _ severity: Severity, _ detail: String, _ rule: JSONValue?, _ ruleText: String,
                 _ check: RowCheck, tenants: [String] = []) {
            var f = Finding(kind: kind, severity: severity, entity: e.name, column: columns[i].name, count: 0, detail: detail,
                            rule: rule, ruleText: ruleText)
            if !tenants.isEmpty { f.detail += " (tenants: \(tenants.prefix(5).joined(separator: ", "))\(tenants.count > 5 ? ", …" : ""))" }
            out.append(Candidate(finding: f, column: i, check: check))
        }
        for (i, c) in columns.enumerated() where c.rows > 0 {
            let isKey = e.primaryKey.contains(c.name)
            let name = c.name
            // Zombie first: a column (almost) nobody fills is dropped, whoever wrote its last stray values.
            // Then custom setting: a value only a few tenants set (dropping it would lose their settings).
            let limit = Swift.max(options.customSettingTenants, Int(Double(tenantCount) * options.customSettingShare))
            let setting = isKey || i == tenantIndex || tenantCount < 10 ? nil : c.setting
            if !isKey, Double(c.rows - c.present) >= options.zombieShare * Double(c.rows) {
                let share = Double(c.rows - c.present) * 100 / Double(c.rows)
                let who = c.present > 0 ? setting.map { " (the rest from \($0.tenants.count) tenant\($0.tenants.count == 1 ? "" : "s"))" } ?? "" : ""
                add(i, .zombieColumn, .low, "\(name) is null or empty in \(Self.percent(share)) of \(c.rows) rows\(who)",
                    .object([("drop", .bool(true))]), "drop \(name): nothing migrates with it", .present)
            } else if let setting, !setting.tenants.isEmpty, setting.tenants.count <= limit, setting.tenants.count < tenantCount {
                let names = setting.tenants.compactMap { tenantNames[$0] }.sorted()
                let from = setting.defaultText.map { " away from its default \(AuditText.short($0, 24))" } ?? ""
                add(i, .customSetting, .medium, "\(name) is set\(from) by \(names.count) of \(tenantCount) tenants",
                    nil, "keep \(name) for these tenants' settings (map it to the new settings model), or agree with them to drop it",
                    setting.values.map { .setTo($0) } ?? .present, tenants: names)
            } else if !isKey, let newest, let stale = staleness(writes?[name], newest, logStart) {
                add(i, .zombieColumn, .low, "\(name) was \(stale) (\(e.name) was last written \(newest.rfc3339))",
                    .object([("drop", .bool(true))]), "drop \(name) once its last values are confirmed unused", .present)
            }
            let (type, notFitting) = c.inferred
            if notFitting > 0 {
                if type == .timestamp {
                    add(i, .invalidValues, .high, "\(name) holds dates, but \(notFitting) value(s) are not a date in a known format",
                        .object([("transforms", .array([.object([("parseTimestamp", .array(c.dateFormats.map { .string($0.format) }))])]))]),
                        "parse \(name) as a timestamp and quarantine the values that are not dates", .notType(.timestamp))
                } else if type != .string, type != .none {
                    add(i, .typeDrift, .high, "\(name) is \(type.rawValue) in \(c.present - notFitting) value(s), but \(notFitting) do not fit (\(Self.percent(Double(notFitting) * 100 / Double(c.present))))",
                        .object([("type", .string(type.rawValue))]), "coerce \(name) to \(type.rawValue); the values that do not fit go to quarantine", .notType(type))
                }
            }
            let formats = c.dateFormats
            if type == .timestamp, formats.count >= 2 {
                let list = formats.map { "\($0.format) ×\($0.count)" }.joined(separator: ", ")
                add(i, .mixedFormats, .medium, "\(name) is written in \(formats.count) date formats: \(list)",
                    .object([("transforms", .array([.object([("parseTimestamp", .array(formats.map { .string($0.format) }))])]))]),
                    "parseTimestamp with these patterns: \(formats.map(\.format).joined(separator: ", "))",
                    .otherDateFormat(formats[0].format))
            }
            if let p = c.dominantPattern, c.present - c.fitting(p) > 0, let regex = PatternRegex.of(p) {
                let bad = c.present - c.fitting(p)
                add(i, .invalidValues, .high, "\(name) holds \(p.rawValue) values, but \(bad) value(s) fail the \(p.rawValue) pattern",
                    .object([("validate", .object([("regex", .string(regex))]))]),
                    "validate \(name) as \(p.rawValue) and quarantine the rows that fail", .notPattern(p))
            }
            if c.invalidUTF8 > 0 {
                add(i, .invalidValues, .high, "\(name) holds \(c.invalidUTF8) value(s) that are not valid UTF-8", nil,
                    "re-encode \(name) at the source (e.g. from Latin-1) or quarantine the rows", .invalidUTF8)
            }
            let variants = c.caseVariants
            if c.outerWhitespace > 0 || !(variants?.values.isEmpty ?? true) {
                let lower = variants?.caseDiffers == true
                var what: [String] = []
                if c.outerWhitespace > 0 { what.append("\(c.outerWhitespace) value(s) with leading or trailing white space") }
                if lower { what.append("spellings that differ only by case") }
                add(i, .whitespaceCaseDrift, .low, "\(name) has \(what.joined(separator: " and "))",
                    .object([("transforms", .array([.string("trim")] + (lower ? [.string("lower")] : [])))]),
                    lower ? "trim and lower-case \(name)" : "trim \(name)", .drift(variants?.values ?? []))
            }
        }
        return out
    }

    /// Words for a column not written for `zombieDays` before its table's newest write, nil when it was (or
    /// when the log is too short to tell: a change table installed last week says nothing of 400 days).
    func staleness(_ w: ColumnWrites?, _ newest: Timestamp, _ logStart: Timestamp?) -> String? {
        let day: Int64 = 86_400_000_000
        guard let last = w?.lastWritten else {
            guard let logStart, (newest.microseconds - logStart.microseconds) / day >= options.zombieDays else { return nil }
            return "never written in the \((newest.microseconds - logStart.microseconds) / day) days of the change log"
        }
        let days = Int((newest.microseconds - last.microseconds) / day)
        return days >= options.zombieDays ? "last written \(days) days before its table, at \(last.rfc3339)" : nil
    }

    static func percent(_ p: Double) -> String {
        // One decimal near the ends, where "100 %" would hide the stray rows.
        p >= 99.95 && p < 100 ? "99.9 %" : String(format: p < 10 || (p >= 99 && p < 100) ? "%.1f %%" : "%.0f %%", p)
    }
}

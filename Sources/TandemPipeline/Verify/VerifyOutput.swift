import Foundation
import TandemCore

/// A verify's result for people (`tandem verify`) and programs (`--json`); values hidden unless asked for.
public enum VerifyOutput {
    /// The result as lines: the summary, one line per difference, one per quarantine reason, the per-tenant
    /// counts and the figures.
    public static func text(_ r: VerifyResult, showValues: Bool) -> String {
        var out = "verify \(r.scope.text): \(r.summary)\n"
        for d in r.differences {
            var line = "  \(d.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))\(d.entity) \(KeyText.of(d.key))"
            if let t = d.tenant { line += " tenant \(t)" }
            if d.kind == .different {
                if showValues {
                    line += ": " + d.columns.map { "\($0) legacy \(value(d.legacyValues[$0])) new \(value(d.newValues[$0]))" }.joined(separator: ", ")
                } else {
                    line += ": \(d.columns.joined(separator: ", ")) (values hidden; --show-values)"
                }
            }
            out += line + "\n"
        }
        for q in r.quarantined {
            out += "  \(q.keys.count) row\(q.keys.count == 1 ? "" : "s") of \(q.entity) held in quarantine: \(q.reason)"
                + " (keys \(q.keys.prefix(5).map(KeyText.of).joined(separator: " "))\(q.keys.count > 5 ? " …" : ""))\n"
        }
        let tenants = r.tenants.filter { !$0.key.isEmpty }
        if r.scope.tenants != nil || tenants.count <= 20 {
            for (name, c) in tenants.sorted(by: { $0.key < $1.key }) {
                out += "  tenant \(name): \(c.rows) compared, \(c.missing) missing, \(c.extra) extra, \(c.different) different, \(c.quarantined) in quarantine\n"
            }
        }
        func n(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        out += "consistent at seq \(r.consistentAtSeq); \(n(r.rows, "row")) in \(n(r.chunks, "chunk")) (\(r.differingChunks) with differing checksums,"
            + " \(n(r.settled, "row")) settled on a re-check), \(String(format: "%.0f", r.rowsPerSecond)) rows/s\n"
        return out
    }

    /// The result as one JSON object.
    public static func json(_ r: VerifyResult, showValues: Bool) -> JSONValue {
        let differences = r.differences.map { d -> JSONValue in
            var m: [(String, JSONValue)] = [("kind", .string(d.kind.rawValue)), ("entity", .string(d.entity)), ("key", row(d.key)),
                                            ("tenant", d.tenant.map(JSONValue.string) ?? .null)]
            if d.kind == .different {
                m.append(("columns", .array(d.columns.map(JSONValue.string))))
                if showValues { m += [("legacy", row(d.legacyValues)), ("new", row(d.newValues))] }
            }
            return .object(m)
        }
        let quarantined = r.quarantined.map { q -> JSONValue in
            .object([("entity", .string(q.entity)), ("reason", .string(q.reason)), ("rows", .int(Int64(q.keys.count))),
                     ("keys", .array(q.keys.map(row)))])
        }
        let tenants = r.tenants.sorted { $0.key < $1.key }.map { (name, c) -> (String, JSONValue) in
            (name, .object([("rows", .int(Int64(c.rows))), ("missing", .int(Int64(c.missing))), ("extra", .int(Int64(c.extra))),
                            ("different", .int(Int64(c.different))), ("quarantined", .int(Int64(c.quarantined)))]))
        }
        return .object([
            ("clean", .bool(r.clean)), ("scope", .string(r.scope.text)), ("cohort", r.scope.cohort.map(JSONValue.string) ?? .null),
            ("consistentAtSeq", .number(String(r.consistentAtSeq))), ("mappingVersion", .string(r.mappingVersion)),
            ("startedAt", .string(r.startedAt.rfc3339)), ("finishedAt", .string(r.finishedAt.rfc3339)),
            ("rows", .int(Int64(r.rows))), ("chunks", .int(Int64(r.chunks))), ("differingChunks", .int(Int64(r.differingChunks))),
            ("settled", .int(Int64(r.settled))), ("rowsPerSecond", .double(r.rowsPerSecond)),
            ("differences", .array(differences)), ("quarantined", .array(quarantined)), ("tenants", .object(tenants)),
        ])
    }

    static func row(_ r: Row) -> JSONValue {
        var json: [UInt8] = []
        EventJSON.write(r, into: &json)
        return (try? JSONValue.parse(json)) ?? .null
    }

    static func value(_ v: Value?) -> String {
        var json: [UInt8] = []
        EventJSON.write(v ?? .null, into: &json)
        return String(decoding: json, as: UTF8.self)
    }
}

extension VerifyOutput {
    /// What `--repair` did, as lines: the events journaled (kind, count, seqs, by whom), the keys the mapping
    /// refused, then the verify of the repaired keys.
    public static func text(_ r: RepairReport, showValues: Bool) -> String {
        let o = r.outcome
        var out = "repair: \(o.snapshots) snapshot event\(o.snapshots == 1 ? "" : "s") and \(o.deletes) delete event\(o.deletes == 1 ? "" : "s")"
            + " (legacy has no such row: the new store's row is deleted)"
            + (o.seqs.map { " at seqs \($0.lowerBound)…\($0.upperBound)" } ?? "") + ", \(r.how)\n"
        for line in o.refused { out += "  not repaired, the mapping refuses the legacy row: \(line)\n" }
        return out + "after repair, " + text(r.result, showValues: showValues)
    }

    /// `--repair`'s outcome as the JSON member `repair`.
    public static func json(_ r: RepairReport) -> JSONValue {
        let o = r.outcome
        return .object([("how", .string(r.how)), ("snapshots", .int(Int64(o.snapshots))), ("deletes", .int(Int64(o.deletes))),
                        ("firstSeq", o.seqs.map { .int(Int64($0.lowerBound)) } ?? .null), ("lastSeq", o.seqs.map { .int(Int64($0.upperBound)) } ?? .null),
                        ("refused", .array(o.refused.map(JSONValue.string)))])
    }
}

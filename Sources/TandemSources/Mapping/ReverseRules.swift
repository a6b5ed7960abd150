import Foundation
import TandemCore

/// How one column goes back from the new store to the legacy store (the mapping's reverse direction).
public struct ColumnReverse: Sendable {
    /// The legacy column name.
    public var legacy: String
    /// The new column name; nil when the mapping drops the column (the legacy value is kept).
    public var target: String?
    /// False when the column is not written back, so the legacy store keeps its value.
    public var writes: Bool
    /// What is done to the new value, for `tandem mapping check --reverse`.
    public var summary: String
    var steps: [ReverseStep]
    /// The legacy column's type from the mapping (`reverse.type`); the legacy store's declared type is used
    /// when the mapping gives none.
    var legacyType: ValueType?
}

/// One step of a column's reverse rule, applied in order.
enum ReverseStep: Sendable {
    /// New value (as text) → legacy value; a value not in the table is kept or rejected.
    case unmap([String: Value], keepUnlisted: Bool)
    /// A timestamp (or RFC 3339 text) → legacy text.
    case format(TimePattern, ZoneRule)
}

/// A migrated column the reverse direction has no rule for (or an entity it cannot tell apart).
public struct ReverseFault: Sendable, Hashable, CustomStringConvertible {
    /// The legacy entity.
    public var entity: String
    /// The legacy column, when the fault is about one.
    public var column: String?
    /// What is missing.
    public var reason: String

    public var description: String {
        "\(entity)\(column.map { ".\($0)" } ?? ""): \(reason)"
    }
}

/// The reverse rules of one legacy entity.
public struct EntityReverse: Sendable {
    /// The legacy entity (source) name.
    public var legacy: String
    /// The entity name in the new store.
    public var target: String
    /// Every listed column's reverse, by legacy name.
    public var columns: [ColumnReverse]
    /// Columns the mapping does not list: written back under their own name (keep) or not at all.
    public var keepUnlisted: Bool
    /// The tenant column (new name).
    public var tenantColumn: String?
    var byTarget: [String: ColumnReverse]
    var listedLegacy: Set<String>
}

extension Mapping {
    /// The reverse rule of every listed column, and every migrated column without one (a fault).
    /// Renames invert; a one-to-one `map` inverts; `parseTimestamp` formats with the same pattern and zone;
    /// a type coercion goes back to the legacy type; a lossy transform (trim, lower, upper, emptyToNull) writes
    /// the new value as it is; a dropped column keeps its legacy value; anything else needs `reverse`.
    public func reverseRules() -> (entities: [EntityReverse], faults: [ReverseFault]) {
        var out: [EntityReverse] = []
        var faults: [ReverseFault] = []
        var byTarget: [String: String] = [:]
        for name in entities.keys.sorted() {
            let em = entities[name]!
            if let other = byTarget[em.target] {
                faults.append(ReverseFault(entity: name, reason: "entity \"\(other)\" maps to \"\(em.target)\" too, so a change of \"\(em.target)\" cannot go back to one legacy entity"))
            }
            byTarget[em.target] = name
            var cols: [ColumnReverse] = []
            for col in em.columns.keys.sorted() {
                switch em.columns[col]!.reverse(legacy: col) {
                case .success(let r): cols.append(r)
                case .failure(let reason): faults.append(ReverseFault(entity: name, column: col, reason: reason.text))
                }
            }
            for k in em.primaryKey {
                if let c = cols.first(where: { $0.target == k }), !c.writes {
                    faults.append(ReverseFault(entity: name, column: c.legacy, reason: "key column with reverse keep; a key column must go back"))
                }
            }
            var index: [String: ColumnReverse] = [:]
            for c in cols { if let t = c.target { index[t] = c } }
            out.append(EntityReverse(legacy: name, target: em.target, columns: cols, keepUnlisted: em.keepUnlisted,
                                     tenantColumn: em.tenantColumn, byTarget: index, listedLegacy: Set(em.columns.keys)))
        }
        return (out, faults)
    }
}

extension ColumnMapping {
    /// This column's reverse rule, or why there is none.
    func reverse(legacy: String) -> Result<ColumnReverse, Reason> {
        guard let target else {
            return .success(ColumnReverse(legacy: legacy, target: nil, writes: false, summary: "dropped: the legacy value is kept",
                                          steps: [], legacyType: nil))
        }
        let name = target == legacy ? "" : "rename from \(target); "
        let typeNote = type == nil && legacyType == nil ? ""
            : "; back to the legacy column's type (\(legacyType?.rawValue ?? "as the legacy store declares it"))"
        func made(_ steps: [ReverseStep], _ what: String, writes: Bool = true) -> Result<ColumnReverse, Reason> {
            .success(ColumnReverse(legacy: legacy, target: target, writes: writes, summary: name + what + (writes ? typeNote : ""),
                                   steps: steps, legacyType: legacyType))
        }
        switch reverse {
        case .keep?: return made([], "reverse keep: not written back, the legacy value is kept", writes: false)
        case .asIs?: return made([], "reverse asIs: the new value is written as it is")
        case .map(let t, let keep)?:
            return made([.unmap(t, keepUnlisted: keep)], "reverse map (\(t.keys.sorted().map { "\($0) → \(Coercion.show(t[$0]!))" }.joined(separator: ", ")))")
        case .formatTimestamp(let p, let z)?:
            return made([.format(p, z)], "reverse format \"\(p.text)\" in \(z.name)")
        case nil: break
        }
        var steps: [ReverseStep] = []
        var parts: [String] = []
        var lossy: [String] = []
        for t in transforms.reversed() {
            switch t {
            case .trim: lossy.append("trim")
            case .lower: lossy.append("lower")
            case .upper: lossy.append("upper")
            case .emptyToNull: lossy.append("emptyToNull")
            case .parseTimestamp(let p, let z):
                steps.append(.format(p, z)); parts.append("format \"\(p.text)\" in \(z.name)")
            case .map(let table, let keep):
                var back: [String: Value] = [:]
                for code in table.keys.sorted() {
                    let v = table[code]!
                    guard let text = ReverseStep.text(v) else {
                        return .fail("map sends \"\(code)\" to \(Coercion.show(v)), which cannot go back; hint: add a \"reverse\" rule")
                    }
                    if let other = back[text] {
                        return .fail("map is not one-to-one (\(Coercion.show(other)) and \"\(code)\" both map to \(Coercion.show(v))); hint: add a \"reverse\" rule (map, asIs or keep)")
                    }
                    back[text] = .string(code)
                }
                steps.append(.unmap(back, keepUnlisted: keep))
                parts.append("map back (\(back.keys.sorted().map { "\($0) → \(Coercion.show(back[$0]!))" }.joined(separator: ", ")))")
            }
        }
        if !lossy.isEmpty { parts.append("\(lossy.reversed().joined(separator: ", ")) cannot be undone: the new value is written as it is") }
        if defaultValue != nil { parts.append("a default is written back as the value") }
        if parts.isEmpty { parts.append("as is") }
        return made(steps, parts.joined(separator: "; "))
    }
}

extension ZoneRule {
    /// The zone as a mapping file names it.
    var name: String {
        switch self {
        case .fixed(0): return "UTC"
        case .fixed(let off):
            let a = abs(off)
            return (off < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
        case .named(let tz): return tz.identifier
        }
    }
}

extension ReverseStep {
    /// A value as the text a map compares it by (nil for what no map can name: null, bytes).
    static func text(_ v: Value) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .decimal(let d): return d
        case .double(let d): return Coercion.show(d)
        case .timestamp(let t): return t.rfc3339
        case .null, .bytes: return nil
        }
    }

    /// The legacy value of a new value, or why there is none.
    func apply(_ v: Value) -> Result<Value, Reason> {
        if v.isNull { return .success(v) }
        switch self {
        case .unmap(let table, let keep):
            guard let text = ReverseStep.text(v) else { return .fail("cannot map a \(Coercion.kind(v)) back") }
            if let x = table[text] { return .success(x) }
            return keep ? .success(v) : .fail("value \(Coercion.show(v)) has no legacy code in the map (\(table.keys.sorted().joined(separator: ", ")))")
        case .format(let p, let z):
            var t = v
            if case .string = v {
                switch Coercion.coerce(v, to: .timestamp) {
                case .success(let x): t = x
                case .failure(let r): return .failure(r)
                }
            }
            guard case .timestamp(let ts) = t else { return .fail("cannot format a \(Coercion.kind(v)) as legacy time \(p.text)") }
            return .success(.string(p.format(ts, zone: z)))
        }
    }
}

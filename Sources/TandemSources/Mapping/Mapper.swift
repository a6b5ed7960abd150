import Foundation
import TandemCore

/// The result of running one change through a mapping: the normalized event, or why it is rejected.
public enum MappingOutcome: Sendable {
    case event(Event)
    case rejected(Rejection)
}

extension Mapping {
    /// Normalizes one change: renames, drops, transforms, coerces and validates its images, fills its key
    /// and tenant, and names its target entity.
    ///
    /// A change of an entity without rules passes unchanged (unless `unlistedEntities` is `reject`); its key,
    /// when empty, is taken from the column `id`. Failures are returned, not thrown.
    public func apply(_ event: consuming Event) -> MappingOutcome {
        // Whatever the mapping, a change no sink could apply goes to quarantine, not into the journal:
        // checked on the mapped event, since the mapping is where a bad legacy name is renamed.
        let outcome = map(event)
        if case .event(let e) = outcome, let f = e.fault {
            return .rejected(Rejection(rule: f.rule, column: f.column, reason: f.reason))
        }
        return outcome
    }

    /// `apply(_:)` for many rows of the same tables (verify): the name checks of the fault check run once
    /// per entity and name list, `names` remembering the lists found sound.
    public func apply(_ event: consuming Event, names: inout ValidatedNames) -> MappingOutcome {
        let outcome = map(event)
        if case .event(let e) = outcome, let f = names.fault(of: e) {
            return .rejected(Rejection(rule: f.rule, column: f.column, reason: f.reason))
        }
        return outcome
    }

    private func map(_ event: consuming Event) -> MappingOutcome {
        if let problem = event.incompleteness { return .rejected(Rejection(rule: "image", reason: problem)) }
        guard let em = entities[event.entity] else {
            if unlistedEntities == .reject {
                return .rejected(Rejection(rule: "entity", reason: "entity \"\(event.entity)\" is not in the mapping and unlistedEntities is reject"))
            }
            var e = consume event
            if e.key.isEmpty {
                guard let id = (e.after ?? e.before)?["id"], !id.isNull, e.op != .truncate else {
                    if e.op == .truncate { return .event(e) }
                    return .rejected(Rejection(rule: "key", reason: "no primary key: the mapping has none for entity \"\(e.entity)\" and the change has no column id"))
                }
                e.key = ["id": id]
            }
            return .event(e)
        }
        return em.apply(consume event)
    }
}

extension EntityMapping {
    func apply(_ event: consuming Event) -> MappingOutcome {
        // Work on the moved event: copying an Event costs a retain per string and row.
        var e = event
        let sourceEntity = e.entity
        let sourceKey = e.key
        e.entity = target
        let validate = e.op == .insert || e.op == .update || e.op == .snapshot
        if let b = e.before.take() {
            switch map(b, validate: false) {
            case .success(let r): e.before = r
            case .failure(let j): return .rejected(j)
            }
        }
        if let a = e.after.take() {
            switch map(a, isAfter: true, validate: validate) {
            case .success(let r): e.after = r
            case .failure(let j): return .rejected(j)
            }
        }
        if e.op == .truncate { e.key = Row(); return .event(e) }
        let image = e.after ?? e.before
        if !primaryKey.isEmpty {
            var key = Row()
            for k in primaryKey {
                if let v = image?[k], !v.isNull { key.appendUnchecked(k, v); continue }
                if let v = mappedKeyValue(sourceKey, targetName: k) { key.appendUnchecked(k, v); continue }
                return .rejected(Rejection(rule: "key", column: k, reason: "primary-key column \"\(k)\" is missing or null"))
            }
            e.key = key
        } else if !sourceKey.isEmpty {
            switch map(sourceKey, validate: false) {
            case .success(let r):
                // A key column the mapping drops would leave the event keyless or keyed by fewer columns.
                if r.count < sourceKey.count, let lost = sourceKey.columns.first(where: { n, _ in
                    columns[n].map { $0.target == nil } ?? !keepUnlisted }) {
                    return .rejected(Rejection(rule: "key", column: lost.0, reason: "key column \"\(lost.0)\" is dropped by the mapping; hint: keep it, or name the key in primaryKey"))
                }
                e.key = r
            case .failure(let j): return .rejected(j)
            }
        } else if let id = image?["id"], !id.isNull {
            e.key = ["id": id]
        } else {
            return .rejected(Rejection(rule: "key", reason: "no primary key: the mapping has none for entity \"\(sourceEntity)\" and the change has no column id"))
        }
        if let t = tenantColumn {
            guard let v = image?[t] ?? e.key[t], let s = EntityMapping.tenantText(v) else {
                return .rejected(Rejection(rule: "tenant", column: t, reason: "tenant column \"\(t)\" is missing or null"))
            }
            e.tenant = s
        }
        return .event(e)
    }

    private func mappedKeyValue(_ key: Row, targetName: String) -> Value? {
        for (n, v) in key.columns {
            let t = columns[n]?.target ?? n
            if t == targetName, case .success(let r) = map(Row([(n, v)]), validate: false) { return r[t] }
        }
        return nil
    }

    /// A tenant value as the text events carry (nil: null, empty or not a text/integer/decimal).
    public static func tenantText(_ v: Value) -> String? {
        switch v {
        case .string(let s): return s.isEmpty ? nil : s
        case .int(let i): return String(i)
        case .decimal(let d): return d
        default: return nil
        }
    }

    /// Maps one row image; validation only for the images a change writes.
    func map(_ row: Row, isAfter: Bool = false, validate: Bool) -> Result<Row, Rejection> {
        var out = Row()
        out.reserveCapacity(row.count)
        for (name, value) in row.columns {
            guard let plan = columns[name] else {
                guard keepUnlisted else { continue }
                if let source = renamedOnto[name], row[source] != nil {
                    return .failure(Rejection(rule: "rename", column: name, reason: "the mapping renames \"\(source)\" to \"\(name)\", but the change has a column \"\(name)\" too; hint: drop or rename \"\(name)\" in the mapping"))
                }
                out.appendUnchecked(name, value)
                continue
            }
            guard let t = plan.target else { continue }
            switch plan.convert(value, column: name) {
            case .success(let v):
                if validate, let j = plan.check(v, column: name) { return .failure(j) }
                out.appendUnchecked(t, v)
            case .failure(let j): return .failure(j)
            }
        }
        // Defaults fill columns missing from `after` images; `required` fails on columns still missing.
        guard isAfter else { return .success(out) }
        for name in presenceChecked where row[name] == nil {
            let plan = columns[name]!
            guard let d = plan.defaultValue else {
                if validate, let j = plan.check(.null, column: name) { return .failure(j) }
                continue
            }
            switch plan.convert(d, column: name) {
            case .success(let v):
                if validate, let j = plan.check(v, column: name) { return .failure(j) }
                out[plan.target!] = v
            case .failure(let j): return .failure(j)
            }
        }
        return .success(out)
    }
}

extension ColumnMapping {
    /// One present value of an after image, as `Mapping.apply` maps it: converted, then validated (verify
    /// reads values in place and maps only the columns that have rules).
    public func mappedAfterValue(_ value: Value, column: String) -> Result<Value, Rejection> {
        switch convert(value, column: column) {
        case .success(let v):
            if let j = check(v, column: column) { return .failure(j) }
            return .success(v)
        case .failure(let j): return .failure(j)
        }
    }

    /// Whether the column only keeps or renames its values (no transform, default, type or rule).
    public var isPlain: Bool { transforms.isEmpty && defaultValue == nil && type == nil && rules.isEmpty }

    /// Transforms, default and coercion of one value.
    func convert(_ value: Value, column: String) -> Result<Value, Rejection> {
        var v = value
        for t in transforms {
            switch t.apply(v) {
            case .success(let x): v = x
            case .failure(let reason): return .failure(Rejection(rule: "transform", column: column, reason: reason.text))
            }
        }
        if v.isNull, let d = defaultValue { v = d }
        if let type, !v.isNull {
            switch Coercion.coerce(v, to: type) {
            case .success(let x): v = x
            case .failure(let reason): return .failure(Rejection(rule: "type", column: column, reason: reason.text))
            }
        }
        return .success(v)
    }

    /// The first validation rule the value fails, if any.
    func check(_ v: Value, column: String) -> Rejection? {
        for r in rules {
            if let reason = r.failure(v) { return Rejection(rule: r.name, column: column, reason: reason) }
        }
        return nil
    }
}

extension ValidationRule {
    /// Why `v` fails this rule, or nil when it passes (null passes every rule but `required`).
    func failure(_ v: Value) -> String? {
        if case .required = self { return v.isNull ? "value is required but missing or null" : nil }
        if v.isNull { return nil }
        switch self {
        case .required: return nil
        case .regex(let re, let pattern):
            guard case .string(let s) = v else { return "expected text to match /\(pattern)/, found \(Coercion.kind(v))" }
            return re.matches(s) ? nil : "\(Coercion.quote(s)) does not match /\(pattern)/"
        case .min(let m):
            guard let d = Coercion.number(v) else { return "expected a number for min, found \(Coercion.kind(v))" }
            return d >= m ? nil : "\(Coercion.show(v)) is less than the minimum \(Coercion.show(m))"
        case .max(let m):
            guard let d = Coercion.number(v) else { return "expected a number for max, found \(Coercion.kind(v))" }
            return d <= m ? nil : "\(Coercion.show(v)) is more than the maximum \(Coercion.show(m))"
        case .maxLength(let n):
            guard case .string(let s) = v else { return nil }
            let c = s.count
            return c <= n ? nil : "text has \(c) characters, more than the maximum length \(n)"
        case .oneOf(let allowed):
            return allowed.contains(v) ? nil : "\(Coercion.show(v)) is not one of \(allowed.map(Coercion.show).joined(separator: ", "))"
        }
    }
}

extension Transform {
    /// The transformed value, or why the transform cannot apply.
    func apply(_ v: Value) -> Result<Value, Reason> {
        switch self {
        case .trim:
            guard case .string(let s) = v else { return .success(v) }
            return .success(TextFast.hasEdgeSpace(s) ? .string(s.trimmingCharacters(in: .whitespacesAndNewlines)) : v)
        case .lower:
            guard case .string(let s) = v else { return .success(v) }
            return .success(TextFast.isASCIIWithout(s, 65...90) ? v : .string(s.lowercased()))
        case .upper:
            guard case .string(let s) = v else { return .success(v) }
            return .success(TextFast.isASCIIWithout(s, 97...122) ? v : .string(s.uppercased()))
        case .emptyToNull:
            guard case .string(let s) = v else { return .success(v) }
            return .success(s.allSatisfy(\.isWhitespace) ? .null : v)
        case .parseTimestamp(let p, let zone):
            guard case .string(let s) = v else { return .success(v) }
            guard let r = p.parse(s) else { return .fail("\(Coercion.quote(s)) does not match the time format \(p.text)") }
            if let off = r.offsetSeconds { return .success(.timestamp(Timestamp(microseconds: r.micros - off * 1_000_000))) }
            return .success(.timestamp(Timestamp(microseconds: zone.utc(fromWall: r.micros))))
        case .map(let table, let keep):
            if v.isNull { return .success(v) }
            let code: String
            switch v {
            case .string(let s): code = s
            case .int(let i): code = String(i)
            case .bool(let b): code = b ? "true" : "false"
            case .decimal(let d): code = d
            default: return .fail("cannot map a \(Coercion.kind(v)) as a code")
            }
            if let x = table[code] { return .success(x) }
            return keep ? .success(v) : .fail("code \(Coercion.quote(code)) is not in the map (\(table.keys.sorted().joined(separator: ", ")))")
        }
    }
}

/// Cheap checks that let the common case (nothing to change) skip Foundation's string work.
enum TextFast {
    /// True unless the text is ASCII and starts and ends with a non-space (then trimming changes nothing).
    static func hasEdgeSpace(_ s: String) -> Bool {
        let u = s.utf8
        guard let f = u.first, let l = u.last else { return false }
        return f <= 0x20 || l <= 0x20 || f >= 0x80 || l >= 0x80
    }

    /// True when the text is ASCII and has no byte in `range` (e.g. no upper-case letter before lowering).
    static func isASCIIWithout(_ s: String, _ range: ClosedRange<UInt8>) -> Bool {
        for b in s.utf8 where b >= 0x80 || range.contains(b) { return false }
        return true
    }
}

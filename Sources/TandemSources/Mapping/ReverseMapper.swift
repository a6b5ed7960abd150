import TandemCore

/// Turns a change of the new store (new entity and column names and types) into a change of the legacy store:
/// the mapping in reverse (`Mapping.reverseRules()`). Every event it makes has `origin: "new"`.
///
/// The images carry only the columns that go back: a dropped legacy column, or one with `reverse: keep`, is not
/// in them, so an update leaves its legacy value alone (the sinks' upsert sets only the columns it is given).
public struct ReverseMapper: Sendable {
    /// The origin of every event this mapper makes.
    public static let origin = "new"

    let mapping: Mapping
    let byTarget: [String: EntityReverse]

    /// A reverse mapper; `legacySchemas` (the legacy store's declared columns) give the legacy type each column
    /// goes back to (a coerced column's inverse) when the mapping's `reverse.type` does not.
    /// - Throws: `MappingError` naming the first column without a reverse rule (all of them:
    ///   `tandem mapping check FILE --reverse`).
    public init(_ mapping: Mapping, legacySchemas: [EntitySchema] = []) throws(MappingError) {
        let (entities, faults) = mapping.reverseRules()
        if let f = faults.first {
            throw MappingError(path: "mapping.entities.\(f.entity)" + (f.column.map { ".columns.\($0)" } ?? ""),
                               message: "no reverse rule: \(f.reason)")
        }
        var index: [String: EntityReverse] = [:]
        for var e in entities {
            let schema = legacySchemas.first { ExactText.same($0.entity, e.legacy) }
            for i in e.columns.indices where e.columns[i].legacyType == nil {
                if let kind = schema?.type(of: e.columns[i].legacy)?.kind, let t = ValueType(rawValue: kind.rawValue) {
                    e.columns[i].legacyType = t
                }
            }
            for c in e.columns { if let t = c.target { e.byTarget[t] = c } }
            index[e.target] = e
        }
        self.mapping = mapping
        self.byTarget = index
    }

    /// The tenant of a new-store change: its own, else its entity's tenant column (nil when it has none).
    public func tenant(of e: borrowing Event) -> String? {
        if let t = e.tenant { return t }
        guard let t = byTarget[e.entity]?.tenantColumn, let v = (e.after ?? e.before)?[t] ?? e.key[t] else { return nil }
        return EntityMapping.tenantText(v)
    }

    /// The legacy change for one new-store change, or why it cannot go back.
    public func apply(_ event: consuming Event) -> MappingOutcome {
        var e = event
        e.origin = Self.origin
        guard let er = byTarget[e.entity] else {
            if mapping.unlistedEntities == .reject {
                return .rejected(Rejection(rule: "entity", reason: "entity \"\(e.entity)\" is not a target of the mapping and unlistedEntities is reject"))
            }
            return .event(e)
        }
        if e.tenant == nil, let t = er.tenantColumn, let v = (e.after ?? e.before)?[t] ?? e.key[t] {
            e.tenant = EntityMapping.tenantText(v)
        }
        e.entity = er.legacy
        var partial = false
        switch er.map(e.key, partial: &partial) {
        case .success(let k): e.key = k
        case .failure(let j): return .rejected(j)
        }
        if e.op != .truncate, e.key.isEmpty {
            return .rejected(Rejection(rule: "key", reason: "the change of \"\(er.target)\" has no key column that goes back to \"\(er.legacy)\""))
        }
        if let b = e.before.take() {
            switch er.map(b, partial: &partial) {
            case .success(let r): e.before = r
            case .failure(let j): return .rejected(j)
            }
        }
        if let a = e.after.take() {
            switch er.map(a, partial: &partial) {
            case .success(let r): e.after = r
            case .failure(let j): return .rejected(j)
            }
        }
        // A before image without the legacy columns that do not go back no longer describes the legacy row.
        if partial || er.columns.contains(where: { !$0.writes }) { e.beforeComplete = false }
        return .event(e)
    }
}

extension EntityReverse {
    /// One new-store image as legacy columns; `partial` is set when a column is left out.
    func map(_ row: Row, partial: inout Bool) -> Result<Row, Rejection> {
        var out = Row()
        out.reserveCapacity(row.count)
        for (name, value) in row.columns {
            guard let c = byTarget[name] else {
                // A new column no listed column maps to: under its own name, unless that name is a listed legacy
                // column (renamed or dropped), which would be written with an unrelated value.
                if keepUnlisted, !listedLegacy.contains(name) { out.appendUnchecked(name, value) } else { partial = true }
                continue
            }
            guard c.writes else { partial = true; continue }
            switch c.back(value) {
            case .success(let v): out.appendUnchecked(c.legacy, v)
            case .failure(let r): return .failure(Rejection(rule: "reverse", column: name, reason: r.text))
            }
        }
        return .success(out)
    }
}

extension ColumnReverse {
    /// The legacy value of a new value.
    func back(_ value: Value) -> Result<Value, Reason> {
        var v = value
        for s in steps {
            switch s.apply(v) {
            case .success(let x): v = x
            case .failure(let r): return .failure(r)
            }
        }
        if let t = legacyType, !v.isNull {
            switch Coercion.coerce(v, to: t) {
            case .success(let x): v = x
            case .failure(let r): return .failure(r)
            }
        }
        return .success(v)
    }
}

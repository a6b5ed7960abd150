import TandemCore

/// `--draft-mapping`: a mapping file (schemas/mapping.schema.json) drafted from the findings, one rule per
/// column with a finding and a `"why"` note naming it. A person reads and edits it before `ingest` or `run`.
public enum MappingDraft {
    /// The drafted mapping as JSON.
    public static func json(_ r: AuditResult) -> JSONValue {
        var entities: [(key: String, value: JSONValue)] = []
        for p in r.entities {
            let fs = r.findings.filter { $0.entity == p.info.name && $0.column != nil }
            var columns: [(key: String, value: JSONValue)] = []
            for c in p.columns {
                let mine = fs.filter { $0.column == c.name }
                guard !mine.isEmpty else { continue }
                columns.append((c.name, rule(c, mine)))
            }
            var e: [(key: String, value: JSONValue)] = []
            if !p.info.primaryKey.isEmpty { e.append(("primaryKey", .array(p.info.primaryKey.map(JSONValue.string)))) }
            if let t = r.options.tenantColumn, p.info.columns.contains(where: { $0.name == t }) { e.append(("tenant", .string(t))) }
            e.append(("columns", .object(columns)))
            entities.append((p.info.name, .object(e)))
        }
        return .object([("version", .int(1)), ("entities", .object(entities))])
    }

    /// One column's rule: the findings' fragments merged in the order the mapping applies them
    /// (trim, lower, emptyToNull, parseTimestamp, then type and validation).
    static func rule(_ c: ColumnProfiler, _ fs: [Finding]) -> JSONValue {
        let why = JSONValue.string(fs.map { "\($0.kind.rawValue): \($0.detail)" }.joined(separator: "; "))
        if fs.contains(where: { $0.kind == .zombieColumn }) { return .object([("drop", .bool(true)), ("why", why)]) }
        var transforms: [JSONValue] = [], type: JSONValue?, validate: [(key: String, value: JSONValue)] = []
        var names = Set<String>()
        func addTransform(_ t: JSONValue) {
            if case .string(let s) = t { guard names.insert(s).inserted else { return } }
            if case .object(let o) = t, o.first?.key == "parseTimestamp" { guard names.insert("parseTimestamp").inserted else { return } }
            transforms.append(t)
        }
        for f in fs {
            guard case .object(let o)? = f.rule else { continue }
            for (k, v) in o {
                switch k {
                case "transforms": for t in v.array ?? [] { addTransform(t) }
                case "type": type = v
                case "validate": validate += v.object ?? []
                default: break
                }
            }
        }
        // Empty text is not a value: it would fail a pattern, a type or a date format.
        if c.empties > 0, !transforms.isEmpty || type != nil || !validate.isEmpty { addTransform(.string("emptyToNull")) }
        let order = ["trim", "lower", "emptyToNull"]
        transforms.sort { rank($0, order) < rank($1, order) }
        var out: [(key: String, value: JSONValue)] = []
        if !transforms.isEmpty { out.append(("transforms", .array(transforms))) }
        if let type { out.append(("type", type)) }
        if !validate.isEmpty { out.append(("validate", .object(validate))) }
        out.append(("why", why))
        return .object(out)
    }

    static func rank(_ t: JSONValue, _ order: [String]) -> Int {
        if case .string(let s) = t, let i = order.firstIndex(of: s) { return i }
        return order.count
    }
}

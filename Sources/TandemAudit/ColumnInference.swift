/// The type a column's values suggest, as a mapping `type` would name it.
public enum InferredType: String, Sendable {
    case int, double, bool, timestamp, string, bytes
    /// No value at all (every row null or empty).
    case none
}

extension ColumnProfiler {
    /// Share of present values that must have a type for the column to be inferred as that type.
    public static let typeShare = 0.9
    /// Share of present values that must have a pattern (email, URL, UUID, phone) for the others to be invalid.
    public static let patternShare = 0.8

    /// The inferred type and how many present values do not fit it. A type wins when at least `typeShare` of
    /// the present (non-null, non-empty) values have it, checked in the order bytes, number, date, boolean;
    /// otherwise the column is text, which every value fits (60 % numeric postal codes are text, not drift).
    public var inferred: (type: InferredType, notFitting: Int) {
        let total = present
        guard total > 0 else { return (.none, 0) }
        let ints = integers + (patterns[.integer] ?? 0)
        let numbers = ints + reals + (patterns[.decimal] ?? 0)
        let dates = patterns[.date] ?? 0
        let bools = patterns[.boolean] ?? 0
        func wins(_ n: Int) -> Bool { Double(n) >= Self.typeShare * Double(total) }
        if wins(blobs) { return (.bytes, total - blobs) }
        if wins(numbers) { return (numbers == ints ? .int : .double, total - numbers) }
        if wins(dates) { return (.timestamp, total - dates) }
        if wins(bools) { return (.bool, total - bools) }
        return (.string, 0)
    }

    /// The pattern most present text values have, when it is a checkable one (email, URL, UUID, phone) and
    /// at least `patternShare` of the present values have it: the values that do not are invalid.
    public var dominantPattern: TextPattern? {
        guard inferred.type == .string else { return nil }
        for p in [TextPattern.email, .url, .uuid, .phone] where Double(fitting(p)) >= Self.patternShare * Double(present) { return p }
        return nil
    }

    /// Present values that fit a pattern: for phones, digit runs of phone length too.
    func fitting(_ p: TextPattern) -> Int { (patterns[p] ?? 0) + (p == .phone ? phoneDigitRuns : 0) }

    /// Raw values that differ from the usual spelling of the same value under trimming and lower-casing
    /// (the most common spelling without outer white space), and whether some differ by case (not only by
    /// white space): known only while values are counted exactly.
    public var caseVariants: (values: Set<String>, caseDiffers: Bool)? {
        guard let exact, isExact else { return nil }
        var groups: [String: [(String, Int)]] = [:]
        for (v, n) in exact where !v.isEmpty {
            let norm = v.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if norm.isEmpty { continue }
            groups[norm, default: []].append((v, n))
        }
        var out = Set<String>(), caseDiffers = false
        for (_, variants) in groups where variants.count > 1 {
            let clean = variants.filter { $0.0 == $0.0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let pool = clean.isEmpty ? variants : clean
            let canonical = pool.max { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 > $1.0 }!.0
            for (v, _) in variants where v != canonical { out.insert(v) }
            if Set(variants.map { $0.0.trimmingCharacters(in: .whitespacesAndNewlines) }).count > 1 { caseDiffers = true }
        }
        return (out, caseDiffers)
    }

    /// Tenants that set the column, and the default they did not set it from: for a flag or small number
    /// (inferred bool or int, at most 16 values) with a value almost every row has (≥ 90 % of present values),
    /// the tenants with any other value; else the tenants with any value at all (default nil). Text is left
    /// out of the first rule: a rare text value is as often trash as a setting. Nil when there are too many
    /// tenants to tell.
    var setting: (tenants: Set<Int32>, defaultHash: UInt64?)? {
        let type = inferred.type
        if type == .bool || type == .int, let byValue = tenantsByValue, byValue.count >= 2, counts.isExact,
           let top = counts.entries.max(by: { $0.value.count < $1.value.count }),
           Double(top.value.count) >= Self.typeShare * Double(present) {
            var tenants = Set<Int32>()
            for (h, t) in byValue where h != top.key { tenants.formUnion(t) }
            return (tenants, top.key)
        }
        return tenantsOverflow ? nil : (tenantsSetting, nil)
    }
}

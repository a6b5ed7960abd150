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
        func wins(_ n: Int, _ share: Double = Self.typeShare) -> Bool { Double(n) >= share * Double(total) }
        if wins(blobs) { return (.bytes, total - blobs) }
        // A column declared numeric that holds text is drifting even when the text is many of its values.
        if wins(numbers, Self.declaresNumber(declaredType) ? 0.5 : Self.typeShare) { return (numbers == ints ? .int : .double, total - numbers) }
        if wins(dates) { return (.timestamp, total - dates) }
        if wins(bools) { return (.bool, total - bools) }
        return (.string, 0)
    }

    /// SQLite's affinity rules for a declared type: INTEGER (…INT…), REAL (…REAL…, …FLOA…, …DOUB…) or
    /// NUMERIC (…NUM…, …DEC…); text types (…CHAR…, …CLOB…, …TEXT…) first.
    static func declaresNumber(_ declared: String) -> Bool {
        let t = declared.uppercased()
        if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { return false }
        return ["INT", "REAL", "FLOA", "DOUB", "NUM", "DEC"].contains { t.contains($0) }
    }

    /// The pattern most present text values have, when it is a checkable one (email, URL, UUID, phone) and
    /// at least `patternShare` of the present values have it: the values that do not are invalid.
    /// A column named for its pattern (`email`, `phone`/`tel`/`fax`, `url`/`website`, `uuid`/`guid`) needs
    /// only half of its values to fit.
    public var dominantPattern: TextPattern? {
        guard inferred.type == .string else { return nil }
        let lower = name.lowercased()
        let hints: [(TextPattern, [String])] = [(.email, ["mail"]), (.url, ["url", "website", "homepage"]), (.uuid, ["uuid", "guid"]),
                                                (.phone, ["phone", "tel", "fax", "mobile"])]
        for (p, words) in hints {
            let share = words.contains(where: { lower.contains($0) }) ? 0.5 : Self.patternShare
            if Double(fitting(p)) >= share * Double(present), fitting(p) > 0 { return p }
        }
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

    /// Tenants that set the column, and the values they set: for a column of at most 16 values with a default
    /// almost every row keeps (≥ 90 % of present values), the tenants with a clean other value (one that fits
    /// the column's type, is valid UTF-8, has no outer white space and is not a case variant of another
    /// value: such values are trash, reported as such, not settings); else the tenants with any value at all
    /// (values nil). Nil when there are too many tenants to tell.
    var setting: (tenants: Set<Int32>, values: Set<UInt64>?, defaultText: String?)? {
        if let byValue = tenantsByValue, byValue.count >= 2, counts.isExact,
           let top = counts.entries.max(by: { $0.value.count < $1.value.count }),
           Double(top.value.count) >= Self.typeShare * Double(present) {
            var tenants = Set<Int32>(), values = Set<UInt64>()
            let norm = { (t: String) in t.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
            let type = inferred.type
            for (h, t) in byValue where h != top.key {
                guard let text = counts.entries[h]?.text, !text.contains("\u{FFFD}"),
                      text == text.trimmingCharacters(in: .whitespacesAndNewlines),
                      !counts.entries.contains(where: { $0.key != h && norm($0.value.text) == norm(text) }),
                      type == .string || type == .none || fits(text, type) else { continue }
                tenants.formUnion(t)
                values.insert(h)
            }
            return (tenants, values, top.value.text)
        }
        return tenantsSetting.map { ($0, nil, nil) }
    }

    /// Whether a shown value fits an inferred type.
    func fits(_ text: String, _ type: InferredType) -> Bool {
        var t = text
        let shape = t.withUTF8 { TextClassifier.classify(UnsafeRawBufferPointer($0)) }
        switch type {
        case .int: return shape.pattern == .integer
        case .double: return shape.pattern == .integer || shape.pattern == .decimal
        case .bool: return shape.pattern == .boolean
        case .timestamp: return shape.pattern == .date
        default: return true
        }
    }
}

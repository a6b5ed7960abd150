import TandemCore

/// Walks a parsed config document, collecting faults with their JSON paths instead of stopping at the first.
struct ConfigReader {
    var faults: [ConfigFault] = []

    mutating func fault(_ path: String, _ message: String) { faults.append(ConfigFault(path: path, message: message)) }

    /// The members of the object at `path` (nil, with a fault, when it is not an object). Keys outside
    /// `known` are faults with a suggestion; `$comment` is accepted anywhere (JSON has no comments).
    mutating func object(_ value: JSONValue, at path: String, known: [String]) -> Members? {
        guard let members = value.object else {
            fault(path, "expected an object, not \(kind(value))")
            return nil
        }
        for m in members where m.key != "$comment" && !known.contains(m.key) {
            let hint = ConfigReader.suggestion(for: m.key, among: known).map { "; did you mean \"\($0)\"?" }
                ?? "; expected one of \(known.filter { $0 != "$schema" }.joined(separator: ", "))"
            fault("\(path).\(m.key)", "unknown key" + hint)
        }
        return Members(path: path, members: members)
    }

    /// A string member: nil when absent (a fault when `required`) or not a string (a fault).
    mutating func string(_ o: Members, _ key: String, required: Bool = false, nonEmpty: Bool = true) -> String? {
        guard let v = o[key] else {
            if required { fault(o.path, "missing required key \"\(key)\"") }
            return nil
        }
        guard let s = v.string else { fault(o.path(key), "expected a string, not \(kind(v))"); return nil }
        if nonEmpty, s.isEmpty { fault(o.path(key), "must not be empty"); return nil }
        return s
    }

    /// An integer member within `range`: nil when absent or wrong (a fault).
    mutating func int(_ o: Members, _ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let v = o[key] else { return nil }
        guard case .number(let text) = v, let n = v.int64, let i = Int(exactly: n) else {
            fault(o.path(key), "expected a whole number from \(range.lowerBound) to \(range.upperBound), not \(kind(v))")
            return nil
        }
        guard range.contains(i) else {
            fault(o.path(key), "\(text) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return i
    }

    /// A boolean member: nil when absent or not a boolean (a fault).
    mutating func bool(_ o: Members, _ key: String) -> Bool? {
        guard let v = o[key] else { return nil }
        guard let b = v.bool else { fault(o.path(key), "expected true or false, not \(kind(v))"); return nil }
        return b
    }

    /// A list of unique non-empty strings: nil when absent or wrong (a fault).
    mutating func strings(_ o: Members, _ key: String) -> [String]? {
        guard let v = o[key] else { return nil }
        guard let a = v.array else { fault(o.path(key), "expected a list of strings, not \(kind(v))"); return nil }
        guard !a.isEmpty else {
            fault(o.path(key), "an empty list passes nothing; leave the key out to pass everything")
            return nil
        }
        var out: [String] = [], ok = true
        for (i, e) in a.enumerated() {
            let p = "\(o.path(key))[\(i)]"
            guard let s = e.string, !s.isEmpty else { fault(p, "expected a non-empty string, not \(kind(e))"); ok = false; continue }
            if out.contains(s) { fault(p, "\"\(s)\" is listed twice"); ok = false; continue }
            out.append(s)
        }
        return ok ? out : nil
    }

    /// How a value is named in a fault: its JSON type (never its content, which may be a secret).
    func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string(let s): return s.isEmpty ? "an empty string" : "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// The known key closest to `key` when it is close enough to be a typo (edit distance at most 2, or a
    /// difference of case).
    static func suggestion(for key: String, among known: [String]) -> String? {
        let scored = known.map { ($0, distance(key.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored, d <= min(2, max(1, best.count / 3)) else { return nil }
        return best
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}

/// An object's members and where it sits.
struct Members {
    let path: String
    let members: [(key: String, value: JSONValue)]

    subscript(key: String) -> JSONValue? { members.first { $0.key == key }?.value }

    /// The path of a member.
    func path(_ key: String) -> String { "\(path).\(key)" }
}

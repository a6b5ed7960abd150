/// Strict reading for configuration files (mappings, source configs): JSON allows what a config must not mean.
extension JSONValue {
    /// The first place where this document is valid JSON but ambiguous as configuration, with what is wrong:
    /// an object that names a key twice (a reader keeps one of the values silently), or a number beyond the
    /// range of a double (`1e999` reads as infinity, or not at all). Paths are `root.key[index]…`.
    public func strictnessFault(at root: String) -> (path: String, message: String)? {
        switch self {
        case .null, .bool, .string:
            return nil
        case .number(let text):
            guard let d = double, d.isFinite else {
                return (root, "the number \(text) is out of range (beyond ±1.8e308)")
            }
            return nil
        case .array(let elements):
            for (i, e) in elements.enumerated() {
                if let f = e.strictnessFault(at: "\(root)[\(i)]") { return f }
            }
            return nil
        case .object(let members):
            var seen = Set<String>()
            seen.reserveCapacity(members.count)
            for m in members {
                let path = "\(root).\(m.key)"
                guard seen.insert(m.key).inserted else {
                    return (path, "duplicate key \"\(m.key)\"; each key may appear once in an object")
                }
                if let f = m.value.strictnessFault(at: path) { return f }
            }
            return nil
        }
    }
}

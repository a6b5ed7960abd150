/// Quoting of SQL identifiers (both SQLite and PostgreSQL use double quotes, doubled inside).
public enum SQL {
    /// `name` as a quoted identifier: `"na""me"`.
    public static func quote(_ name: String) -> String {
        var out = "\""
        for c in name.unicodeScalars {
            if c == "\"" { out.unicodeScalars.append(c) }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    /// Quoted identifiers joined by commas.
    static func list(_ names: [String]) -> String { names.map(quote).joined(separator: ", ") }
}

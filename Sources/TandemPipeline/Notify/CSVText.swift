/// RFC 4180 CSV: fields quoted when they hold a comma, quote or line break; a quote doubled inside.
public enum CSVText {
    /// One record, ending in CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }.joined(separator: ",") + "\r\n"
    }

    /// The records of `text` (quoted fields may hold commas, quotes and line breaks); nil with the line of an
    /// unclosed quote.
    public static func parse(_ text: String) -> Result<[[String]], CSVFault> {
        var records: [[String]] = [], field = "", record: [String] = [], quoted = false, line = 1, started = line
        var chars = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? { if let p = pending { pending = nil; return p }; return chars.next() }
        while let ch = next() {
            if quoted {
                if ch == "\"" {
                    if let n = chars.next() { if n == "\"" { field.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { if ch == "\n" { line += 1 }; field.append(ch) }
                continue
            }
            switch ch {
            case "\"" where field.isEmpty: quoted = true; started = line
            case ",": record.append(field); field = ""
            case "\r\n", "\n", "\r":
                record.append(field); field = ""
                if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
                record = []; line += 1
            default: field.append(ch)
            }
        }
        if quoted { return .failure(CSVFault(line: started)) }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return .success(records)
    }
}

/// A CSV text with an unclosed quote, at its line.
public struct CSVFault: Error, Sendable {
    /// The line where the quoted field starts.
    public var line: Int
}

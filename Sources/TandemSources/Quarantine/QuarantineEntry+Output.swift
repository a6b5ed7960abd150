import TandemCore

extension QuarantineEntry {
    /// The raw input as text when it is UTF-8 (nil otherwise: use `raw` / base64).
    public var rawText: String? { String(validating: raw, as: UTF8.self) }

    /// One line for `tandem quarantine list`: id, time, rule, column, position and reason.
    public var listLine: String {
        let col = column.map { " \($0)" } ?? ""
        let superseded = state == .superseded ? "  (superseded by seq \(journaledSeq ?? 0))" : ""
        return "\(id)  \(quarantinedAt.rfc3339)  \(rule)\(col)  \(position)  \(reason)\(superseded)"
    }

    /// The entry as a JSON object for `--json` (raw as `raw` text when UTF-8, else `rawBase64`).
    public func json(includeRaw: Bool = true) -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [
            ("id", .int(id)), ("state", .string(state.rawValue)), ("source", .string(source)),
            ("position", .string(position)), ("format", .string(format.rawValue)), ("rule", .string(rule)),
            ("column", column.map(JSONValue.string) ?? .null), ("reason", .string(reason)),
            ("quarantinedAt", .string(quarantinedAt.rfc3339)), ("rawLength", .int(rawLength)),
            ("retries", .int(Int64(retries))), ("journaledSeq", journaledSeq.map { .int(Int64($0)) } ?? .null),
        ]
        if includeRaw {
            if let t = rawText { o.append(("raw", .string(t))) } else { o.append(("rawBase64", .string(Base64.encode(raw)))) }
        }
        return .object(o)
    }

    /// The entry as one line of JSON text.
    public func jsonText(includeRaw: Bool = true) -> String {
        var out: [UInt8] = []
        json(includeRaw: includeRaw).write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

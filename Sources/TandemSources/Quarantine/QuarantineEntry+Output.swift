import TandemCore

extension QuarantineEntry {
    /// The raw input as text when it is UTF-8 (nil otherwise: use `raw` / base64).
    public var rawText: String? { String(validating: raw, as: UTF8.self) }

    /// The entity and key of the legacy change, when the raw input decodes to one (nil for input that does
    /// not parse): what an operator looks the row up by in the legacy system.
    public var legacyKey: (entity: String, key: Row)? {
        guard case .change(let c) = format.decode(raw, position: position), !c.key.isEmpty else { return nil }
        return (c.entity, c.key)
    }

    static func keyJSON(_ key: Row) -> [UInt8] {
        var json: [UInt8] = []
        EventJSON.write(key, into: &json)
        return json
    }

    /// The header of `tandem quarantine list`'s table (with a STATE column for `--all`).
    public static func listHeader(withState: Bool) -> [String] {
        ["ID"] + (withState ? ["STATE"] : []) + ["TIME", "RULE", "KEY", "POSITION", "REASON"]
    }

    /// One row of `tandem quarantine list`: id, (state,) time, rule and column, legacy key (`customers {"id":250}`,
    /// `-` when unknown), source position and reason.
    public func listColumns(withState: Bool) -> [String] {
        let key = legacyKey.map { $0.entity + " " + String(decoding: Self.keyJSON($0.key), as: UTF8.self) }
        return ["\(id)"] + (withState ? [state.rawValue] : [])
            + [quarantinedAt.rfc3339, rule + (column.map { " \($0)" } ?? ""), key ?? "-", position, reason + supersededNote]
    }

    /// For a superseded entry, which newer change superseded it.
    var supersededNote: String {
        state == .superseded ? "  (superseded by seq \(journaledSeq ?? 0))" : ""
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
        let legacy = legacyKey
        o.append(("entity", legacy.map { .string($0.entity) } ?? .null))
        // The key as in event JSON (`{"id":250}`, a decimal as `{"decimal":"…"}`).
        o.append(("key", legacy.flatMap { try? JSONValue.parse(Self.keyJSON($0.key)) } ?? .null))
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

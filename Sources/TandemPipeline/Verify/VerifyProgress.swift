import TandemCore

/// Where an interrupted verify goes on: the entity and chunk boundary it had reached and what it had found so
/// far (counts, rows held in quarantine, the keys of candidate differences), saved after every chunk.
struct VerifyProgress {
    /// The entity being read (its index in the plan).
    var entity = 0
    /// The legacy key the next chunk starts after, and the new store's key its range starts after.
    var after: Row?, low: Row?
    /// The counts so far.
    var rows = 0, chunks = 0, differingChunks = 0
    /// Per tenant.
    var tenants: [String: TenantCounts] = [:]
    /// Rows held in quarantine so far.
    var quarantined: [QuarantinedRows] = []
    /// The candidates so far: entity index and key (re-checked on resume).
    var candidates: [(entity: Int, key: Row)] = []

    /// The progress as JSON text (rows as their event JSON).
    var text: String {
        func row(_ r: Row?) -> JSONValue { r.map { .string(KeyText.of($0)) } ?? .null }
        let t = tenants.sorted { $0.key < $1.key }.map { (name, c) -> (String, JSONValue) in
            (name, .array([c.rows, c.missing, c.extra, c.different, c.quarantined].map { .int(Int64($0)) }))
        }
        return JSONValue.object([
            ("entity", .int(Int64(entity))), ("after", row(after)), ("low", row(low)),
            ("rows", .int(Int64(rows))), ("chunks", .int(Int64(chunks))), ("differingChunks", .int(Int64(differingChunks))),
            ("tenants", .object(t)),
            ("quarantined", .array(quarantined.map { .object([("entity", .string($0.entity)), ("reason", .string($0.reason)),
                                                              ("keys", .array($0.keys.map { row($0) }))]) })),
            ("candidates", .array(candidates.map { .array([.int(Int64($0.entity)), row($0.key)]) })),
        ]).description
    }

    init() {}

    /// Reads the progress back; nil when the text is not one (a verify then starts over).
    init?(text: String) {
        guard let v = try? JSONValue.parse(text), let o = v.object else { return nil }
        func member(_ name: String) -> JSONValue? { o.first { $0.key == name }?.value }
        func row(_ j: JSONValue?) -> Row? { j?.string.flatMap { try? EventJSON.decodeRow($0) } }
        func int(_ name: String) -> Int { Int(member(name)?.int64 ?? 0) }
        entity = int("entity"); rows = int("rows"); chunks = int("chunks"); differingChunks = int("differingChunks")
        after = row(member("after")); low = row(member("low"))
        for (name, counts) in member("tenants")?.object ?? [] {
            let c = (counts.array ?? []).map { Int($0.int64 ?? 0) }
            guard c.count == 5 else { return nil }
            tenants[name] = TenantCounts(rows: c[0], missing: c[1], extra: c[2], different: c[3], quarantined: c[4])
        }
        for q in member("quarantined")?.array ?? [] {
            guard let qo = q.object, let e = qo.first(where: { $0.key == "entity" })?.value.string,
                  let r = qo.first(where: { $0.key == "reason" })?.value.string else { return nil }
            quarantined.append(QuarantinedRows(entity: e, reason: r, keys: (qo.first { $0.key == "keys" }?.value.array ?? []).compactMap { row($0) }))
        }
        for c in member("candidates")?.array ?? [] {
            guard let pair = c.array, pair.count == 2, let e = pair[0].int64, let k = row(pair[1]) else { return nil }
            candidates.append((Int(e), k))
        }
    }
}

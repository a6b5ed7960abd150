import TandemCore

/// Random event streams over three entities (one with a composite key) and several tenants, with full
/// before- and after-images, grouped into source transactions of 1–4 events.
public struct EventGenerator {
    var rng: SplitMix64
    var truncates: Bool
    /// The rows each entity holds after the events so far (for before-images).
    public private(set) var live: [String: [Row: Row]] = [:]
    var nextID: Int64 = 1
    var seq: UInt64 = 0
    var txn = 0
    let tenants = ["acme", "globex", "initech", "umbrella"]

    /// A generator; the same seed gives the same stream. `truncates`: an entity is sometimes emptied.
    public init(seed: UInt64, truncates: Bool) {
        rng = SplitMix64(seed: seed)
        self.truncates = truncates
    }

    /// A random row of `entity` holding `key`.
    public mutating func row(_ entity: String, key: Row) -> Row {
        var r = key
        r["tenant"] = .string(tenants.randomElement(using: &rng)!)
        switch entity {
        case "customers":
            r["name"] = .string(["Ann", "Bo \"B\"", "Çelik", "O'Neil", "tab\there", "line\nbreak", "back\\slash", ""].randomElement(using: &rng)!)
            r["balance"] = .decimal(["0.00", "10.50", "-3.25", "12345678901234567890.01"].randomElement(using: &rng)!)
            r["score"] = .double(Double(Int.random(in: -40...40, using: &rng)) / 4)
            r["active"] = .bool(Bool.random(using: &rng))
            r["nickname"] = Bool.random(using: &rng) ? .null : .string("n\(Int.random(in: 0...9, using: &rng))")
        case "orders":
            r["total"] = .int(Int64.random(in: -1_000_000...1_000_000, using: &rng))
            r["placed_at"] = .timestamp(Timestamp(microseconds: Int64.random(in: 0...2_000_000_000_000_000, using: &rng)))
            r["note"] = .bytes((0..<Int.random(in: 0...6, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        default:
            r["qty"] = .int(Int64.random(in: 1...9, using: &rng))
            r["sku"] = .string("sku-\(Int.random(in: 0...99, using: &rng))")
        }
        return r
    }

    /// A key of `entity` not used before.
    public mutating func newKey(_ entity: String) -> Row {
        defer { nextID += 1 }
        if entity == "line_items" { return ["order_id": .int(nextID % 7), "line": .int(nextID)] }
        return ["id": .int(nextID)]
    }

    /// The next source transaction's events (seqs assigned).
    public mutating func nextTxn() -> [Event] {
        txn += 1
        var out: [Event] = []
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let entity = ["customers", "orders", "line_items"].randomElement(using: &rng)!
            let keys = Array(live[entity, default: [:]].keys)
            let dice = Int.random(in: 0..<100, using: &rng)
            var e: Event
            if truncates, dice < 2 {
                e = Event(entity: entity, key: Row(), op: .truncate)
                live[entity] = [:]
            } else if keys.isEmpty || dice < 45 {
                let key = newKey(entity)
                let after = row(entity, key: key)
                e = Event(entity: entity, key: key, op: .insert, after: after, tenant: after["tenant"].flatMap { if case .string(let s) = $0 { s } else { nil } })
                live[entity, default: [:]][key] = after
            } else if dice < 80 {
                let key = keys.sorted { "\($0)" < "\($1)" }.randomElement(using: &rng)!
                let after = row(entity, key: key)
                e = Event(entity: entity, key: key, op: dice < 75 ? .update : .snapshot, before: live[entity]![key], after: after)
                live[entity]![key] = after
            } else {
                let key = dice < 97 || !truncates ? keys.sorted { "\($0)" < "\($1)" }.randomElement(using: &rng)! : newKey(entity)
                e = Event(entity: entity, key: key, op: .delete, before: live[entity]![key] ?? key)
                live[entity]![key] = nil
            }
            seq += 1
            e.seq = seq
            e.txn = "t-\(txn)"
            out.append(e)
        }
        return out
    }

    /// A stream of about `count` events.
    public static func stream(seed: UInt64, count: Int, truncates: Bool) -> [Event] {
        var g = EventGenerator(seed: seed, truncates: truncates)
        var out: [Event] = []
        while out.count < count { out += g.nextTxn() }
        return out
    }
}

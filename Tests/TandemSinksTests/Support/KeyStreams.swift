import TandemCore
import TandemTesting

/// Random streams that stress key identity: composite keys given in varying column order, strings that
/// differ only in Unicode normalization or ASCII case (different keys to both stores), deletes, updates and
/// re-inserts of a few keys, so batches coalesce many changes per key.
struct KeyStreamGenerator {
    var rng: SplitMix64
    var seq: UInt64 = 0
    var txn = 0
    /// NFC and NFD spellings of one name, and case variants: all different keys.
    let names = ["Jos\u{E9}", "Jose\u{301}", "jos\u{E9}", "A", "a", "\u{C5}", "A\u{30A}", "\u{212B}"]

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// A key of `entity`, its columns in a random order.
    mutating func key(_ entity: String) -> Row {
        switch entity {
        case "accounts":
            let region = Value.string(names.randomElement(using: &rng)!), no = Value.int(Int64.random(in: 1...3, using: &rng))
            return Bool.random(using: &rng) ? ["region": region, "no": no] : ["no": no, "region": region]
        case "people":
            return ["name": .string(names.randomElement(using: &rng)!)]
        default:
            return ["id": .int(Int64.random(in: -2...4, using: &rng))]
        }
    }

    /// An after-image for `key`: the key columns (in another random order) and some of the other columns.
    mutating func image(_ key: Row) -> Row {
        var pairs = Array(key.columns)
        if Bool.random(using: &rng) { pairs.reverse() }
        if Bool.random(using: &rng) { pairs.append(("v", .int(Int64.random(in: 0...99, using: &rng)))) }
        if Bool.random(using: &rng) { pairs.append(("note", .string(names.randomElement(using: &rng)!))) }
        return Row(pairs)
    }

    /// The next source transaction (1–3 events, seqs assigned).
    mutating func nextTxn() -> [Event] {
        txn += 1
        var out: [Event] = []
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let entity = ["accounts", "people", "items"].randomElement(using: &rng)!
            let key = key(entity)
            let dice = Int.random(in: 0..<100, using: &rng)
            seq += 1
            let op: ChangeKind = dice < 35 ? .insert : dice < 55 ? .update : dice < 65 ? .snapshot : .delete
            var e = Event(seq: seq, txn: "t-\(txn)", entity: entity, key: key, op: op)
            if op != .delete { e.after = image(key) }
            out.append(e)
        }
        return out
    }

    static func stream(seed: UInt64, count: Int) -> [Event] {
        var g = KeyStreamGenerator(seed: seed)
        var out: [Event] = []
        while out.count < count { out += g.nextTxn() }
        return out
    }
}

/// A dump compared byte for byte: `Dump`'s strings compare by canonical equivalence, under which NFC and
/// NFD spellings of a key are equal although the stores hold them as two rows.
func exactLines(_ d: Dump) -> [[UInt8]] {
    var out: [[UInt8]] = []
    for (entity, rows) in d {
        for r in rows { out.append(Array(entity.utf8) + [0] + Array(r.utf8)) }
    }
    return out.sorted { $0.lexicographicallyPrecedes($1) }
}

/// What the store must hold after `events`, keys compared byte for byte and regardless of column order:
/// entity → rows as dump lines.
func exactModel(_ events: [Event], _ kind: StoreKind) -> [[UInt8]] {
    func id(_ e: Event) -> [UInt8] {
        var out = Array(e.entity.utf8) + [0]
        for (n, v) in e.key.columns.sorted(by: { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }) {
            out += Array(n.utf8) + [0] + Array(String(describing: v).utf8) + [0]
        }
        return out
    }
    var rows: [[UInt8]: (entity: String, pairs: [(String, Value)])] = [:]
    for e in events {
        switch e.op {
        case .delete: rows[id(e)] = nil
        case .truncate: break
        case .insert, .update, .snapshot:
            var pairs = rows[id(e)]?.pairs ?? []
            for (n, v) in Array(e.key.columns) + Array(e.after!.columns) {
                if let i = pairs.firstIndex(where: { Array($0.0.utf8) == Array(n.utf8) }) { pairs[i].1 = v } else { pairs.append((n, v)) }
            }
            rows[id(e)] = (e.entity, pairs)
        }
    }
    var out: [[UInt8]] = []
    for (_, r) in rows {
        let line = StoreDump.line(r.pairs.compactMap { n, v in StoreDump.canon(v, kind).map { (n, $0) } })
        out.append(Array(r.entity.utf8) + [0] + Array(line.utf8))
    }
    return out.sorted { $0.lexicographicallyPrecedes($1) }
}

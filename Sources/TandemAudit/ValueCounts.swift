/// Counts of a column's values by 64-bit hash (the shown text is made once per newly held value): exact while
/// the column holds at most `exactLimit` distinct values, then a Misra-Gries summary of `capacity` counters
/// (amortised O(1) per value; a value seen more than N/(capacity+1) times is always held, and each held
/// count is too low by at most `undercount`).
///
/// While exact, each value also keeps its row evidence (its first five rows and its rows per tenant), for
/// findings about particular values (custom settings, case variants) decided only at the end of the pass.
/// The held values live in an array found through an open-addressing table on the (already mixed) hash:
/// the per-value path reads and bumps fields in place, without hashing again or copying entries.
public struct ValueCounts: Sendable {
    /// One row a value was seen in: its position in the scan and its key.
    public struct Example: Sendable { public var row: Int; public var key: String }
    /// A held value.
    public struct Entry: Sendable {
        public var count: Int
        /// The value as shown (numbers are kept as numbers and shown only when asked: most never are).
        public var text: String {
            switch shown {
            case .text(let s): return s
            case .int(let i): return String(i)
            case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) + ".0" : "\(d)"
            case .pending: return ""  // only inside the summary: `entries` gives the text
            }
        }
        var shown: Shown
        /// The value's `CellClass` and length bucket, so a repeated value is not classified again.
        var cls: UInt32 = 0
        var bucket: UInt8 = 0
        /// The first rows holding the value (at most five), while exact.
        var examples: [Example] = []
        /// Rows holding the value per tenant index, while exact and within `tenantPairLimit`: the first tenant
        /// without a dictionary (a value often belongs to one tenant), the others in `more`.
        var firstTenant: Int32 = -1
        var firstTenantRows: Int32 = 0
        var more: [Int32: Int32] = [:]

        /// Rows per tenant index.
        var tenants: [Int32: Int32] {
            var out = more
            if firstTenant >= 0 { out[firstTenant] = firstTenantRows }
            return out
        }
    }
    /// A held value's shown form.
    /// `pending(length)`: text in the summary, kept as bytes in `arena` at the entry's position (no string is
    /// made for the many values a summary holds only briefly).
    enum Shown: Sendable { case text(String), int(Int64), double(Double), pending(Int) }
    /// A held value's shown form as a plain value: text while exact is a position in `strings`.
    enum Stored: Sendable { case text(Int32), int(Int64), double(Double), pending(Int) }
    /// A held value: every field the per-value path reads and bumps, plain (appended, moved and dropped
    /// without reference counting; the row evidence lives beside it while exact).
    struct Tally: Sendable {
        var hash: UInt64
        var count: Int
        var cls: UInt32
        var bucket: UInt8
        /// Examples kept for the value (at most five), so the per-row check reads no other array.
        var examples: UInt8 = 0
        var shown: Stored
    }
    /// A held value's rows while exact: its first five and its rows per tenant index (the first tenant
    /// without a dictionary, a value often belonging to one tenant; the others in `more`).
    struct Rows: Sendable {
        var examples: [Example] = []
        var firstTenant: Int32 = -1
        var firstTenantRows: Int32 = 0
        var more: [Int32: Int32] = [:]
    }

    public let exactLimit: Int
    public let capacity: Int
    /// The held values, and (while exact) their row evidence at the same positions.
    var tallies: [Tally] = []
    private var rows: [Rows] = []
    /// The text of held values stored as `.text` (values counted exactly, and those the summary began with).
    private var strings: [String] = []
    /// The summary's text bytes, `keptBytes` per position.
    private var arena: [UInt8] = []
    private let keptBytes: Int
    /// Open addressing: a position in `tallies`, or -1.
    private var table: [Int32]
    private var mask: Int
    /// True while every distinct value is held with its exact count.
    public private(set) var isExact = true
    /// How much any held count may be below the true count (0 while exact).
    public private(set) var undercount = 0
    /// (value, tenant) pairs counted in the entries' `tenants`; beyond `tenantPairLimit` they are dropped.
    var tenantPairs = 0
    /// True once per-value tenant counts were dropped (too many value × tenant pairs).
    public internal(set) var tenantsLost = false
    /// At most this many (value, tenant) counters per column (≈ 1 MiB).
    public static let tenantPairLimit = 32_768

    public init(exactLimit: Int, capacity: Int, keptBytes: Int = 120) {
        self.exactLimit = exactLimit
        self.capacity = capacity
        self.keptBytes = keptBytes
        var size = 16
        while size < 2 * (exactLimit + 1) { size <<= 1 }
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// Values held.
    var held: Int { tallies.count }

    /// The held value at position `i`, assembled with its shown text and (while exact) its rows.
    func entry(_ i: Int) -> Entry {
        var e = Entry(count: tallies[i].count, shown: shownForm(i), cls: tallies[i].cls, bucket: tallies[i].bucket)
        if case .pending(let n) = e.shown { e.shown = .text(String(decoding: arena[i * keptBytes..<(i * keptBytes + n)], as: UTF8.self)) }
        if i < rows.count {
            e.examples = rows[i].examples
            e.firstTenant = rows[i].firstTenant
            e.firstTenantRows = rows[i].firstTenantRows
            e.more = rows[i].more
        }
        return e
    }

    /// The held values by hash.
    public var entries: [UInt64: Entry] {
        Dictionary(uniqueKeysWithValues: tallies.indices.map { (tallies[$0].hash, entry($0)) })
    }

    /// The shown form of the held value at position `i` (text in the summary's arena is not decoded).
    func shownForm(_ i: Int) -> Shown {
        switch tallies[i].shown {
        case .text(let k): return .text(strings[Int(k)])
        case .int(let v): return .int(v)
        case .double(let d): return .double(d)
        case .pending(let n): return .pending(n)
        }
    }

    /// The hash of the held value at position `i`.
    func hash(at i: Int) -> UInt64 { tallies[i].hash }

    /// Holds text not held yet (count 1): as a string while exact, as bytes in the summary.
    mutating func insert(_ hash: UInt64, text b: UnsafeRawBufferPointer, cls: UInt32, bucket: UInt8) -> Int? {
        if isExact {
            strings.append(String(decoding: b.prefix(keptBytes), as: UTF8.self))
            return insert(hash, shown: .text(Int32(strings.count - 1)), cls: cls, bucket: bucket)
        }
        if tallies.count >= capacity { return insert(hash, shown: .pending(0), cls: 0, bucket: 0) }  // no room: not held
        let n = Swift.min(b.count, keptBytes)
        if arena.isEmpty { arena = [UInt8](repeating: 0, count: capacity * keptBytes) }
        let at = tallies.count * keptBytes
        arena.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: b.baseAddress!, byteCount: n) }
        place(Tally(hash: hash, count: 1, cls: cls, bucket: bucket, shown: .pending(n)))
        return tallies.count - 1
    }

    /// Counts one value; `text` is called only when the value is not held yet.
    @inline(__always) public mutating func add(hash: UInt64, text: () -> String) {
        if let i = find(hash) { tallies[i].count += 1; return }
        var t = text()
        _ = t.withUTF8 { insert(hash, text: UnsafeRawBufferPointer($0), cls: 0, bucket: 0) }
    }

    /// The position of a held value.
    @inline(__always) func find(_ h: UInt64) -> Int? {
        table.withUnsafeBufferPointer { t in
            tallies.withUnsafeBufferPointer { hs in
                var p = Int(truncatingIfNeeded: h) & mask
                while true {
                    let s = t[p]
                    if s < 0 { return nil }
                    if hs[Int(s)].hash == h { return Int(s) }
                    p = (p + 1) & mask
                }
            }
        }
    }

    /// Holds a value not held yet (count 1); its position, nil when the summary had no room for it.
    @discardableResult
    mutating func insert(_ hash: UInt64, shown value: Stored, cls: UInt32, bucket: UInt8) -> Int? {
        if isExact {
            place(Tally(hash: hash, count: 1, cls: cls, bucket: bucket, shown: value))
            rows.append(Rows())
            if tallies.count > exactLimit { shrink(); return find(hash) }
            return tallies.count - 1
        }
        if tallies.count < capacity {
            place(Tally(hash: hash, count: 1, cls: cls, bucket: bucket, shown: value))
            return tallies.count - 1
        }
        // Misra-Gries: a value that finds no free counter takes one from every held value.
        undercount += 1
        var kept = 0
        for i in tallies.indices where tallies[i].count > 1 {
            tallies[i].count -= 1
            if kept != i {
                tallies[kept] = tallies[i]
                if !arena.isEmpty { arena.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: kept * keptBytes).copyMemory(from: $0.baseAddress!.advanced(by: i * keptBytes), byteCount: keptBytes) } }
            }
            kept += 1
        }
        if kept == 0 {
            // Every held value had one row (a column of distinct values): nothing to move or index again.
            tallies.removeAll(keepingCapacity: true)
            for i in table.indices { table[i] = -1 }
            return nil
        }
        tallies.removeLast(tallies.count - kept)
        reindex()
        return nil
    }

    private mutating func place(_ tally: Tally) {
        tallies.append(tally)
        var p = Int(truncatingIfNeeded: tally.hash) & mask
        while table[p] >= 0 { p = (p + 1) & mask }
        table[p] = Int32(tallies.count - 1)
    }

    private mutating func reindex() {
        for i in table.indices { table[i] = -1 }
        for (i, t) in tallies.enumerated() {
            var p = Int(truncatingIfNeeded: t.hash) & mask
            while table[p] >= 0 { p = (p + 1) & mask }
            table[p] = Int32(i)
        }
    }

    /// Keeps the key of a row holding the held value at `i` (while exact; at most five).
    mutating func addExample(_ i: Int, _ example: Example) {
        guard i < rows.count else { return }
        rows[i].examples.append(example)
        tallies[i].examples = UInt8(truncatingIfNeeded: rows[i].examples.count)
    }

    /// Counts a held value's row for a tenant (while exact).
    @inline(__always) mutating func noteTenant(_ i: Int, _ tenant: Int32) {
        guard !tenantsLost else { return }
        if rows[i].firstTenant == tenant { rows[i].firstTenantRows += 1; return }
        if let j = rows[i].more.index(forKey: tenant) {
            rows[i].more.values[j] += 1
            return
        }
        tenantPairs += 1
        if tenantPairs > Self.tenantPairLimit {
            tenantsLost = true
            for k in rows.indices { rows[k].firstTenant = -1; rows[k].firstTenantRows = 0; rows[k].more = [:] }
            return
        }
        if rows[i].firstTenant < 0 { rows[i].firstTenant = tenant; rows[i].firstTenantRows = 1 } else { rows[i].more[tenant] = 1 }
    }

    /// From exact counts to the summary: keep the `capacity` most frequent, the rest become the undercount;
    /// per-value evidence is dropped (findings about particular values need exact counts).
    private mutating func shrink() {
        let order = tallies.indices.sorted { tallies[$0].count > tallies[$1].count }
        let cut = tallies[order[capacity]].count
        undercount = cut
        var newTallies: [Tally] = [], newStrings: [String] = []
        for i in order.prefix(capacity) where tallies[i].count > cut {
            var t = Tally(hash: tallies[i].hash, count: tallies[i].count - cut, cls: tallies[i].cls, bucket: tallies[i].bucket,
                          shown: tallies[i].shown)
            if case .text(let k) = t.shown {
                newStrings.append(strings[Int(k)])
                t.shown = .text(Int32(newStrings.count - 1))
            }
            newTallies.append(t)
        }
        tallies = newTallies
        strings = newStrings
        rows = []
        var size = 16
        while size < 2 * (capacity + 1) { size <<= 1 }
        table = [Int32](repeating: -1, count: size)
        mask = size - 1
        reindex()
        isExact = false
        tenantsLost = true
        tenantPairs = 0
    }
}

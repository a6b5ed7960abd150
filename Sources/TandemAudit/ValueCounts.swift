/// Counts of a column's values by 64-bit hash (the shown text is made once per newly held value): exact while
/// the column holds at most `exactLimit` distinct values, then a Misra-Gries summary of `capacity` counters
/// (amortised O(1) per value; a value seen more than N/(capacity+1) times is always held, and each held
/// count is too low by at most `undercount`).
///
/// While exact, each value also keeps its row evidence (its first five rows and its rows per tenant), for
/// findings about particular values (custom settings, case variants) decided only at the end of the pass.
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
            }
        }
        var shown: Shown
        /// The value's `CellClass` and length bucket, so a repeated value is not classified again.
        var cls: UInt32 = 0
        var bucket: UInt8 = 0
        /// The first rows holding the value (at most five), while exact.
        var examples: [Example] = []
        /// Rows holding the value per tenant index, while exact and within `tenantPairLimit`.
        var tenants: [Int32: Int32] = [:]
    }
    /// A held value's shown form.
    enum Shown: Sendable { case text(String), int(Int64), double(Double) }
    public let exactLimit: Int
    public let capacity: Int
    /// The held values by hash.
    public internal(set) var entries: [UInt64: Entry] = [:]
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

    public init(exactLimit: Int, capacity: Int) {
        self.exactLimit = exactLimit
        self.capacity = capacity
    }

    /// Counts one value; `text` is called only when the value is not held yet.
    @inline(__always) public mutating func add(hash: UInt64, text: () -> String) {
        if let i = entries.index(forKey: hash) {
            entries.values[i].count += 1
            return
        }
        insert(hash, Entry(count: 1, shown: .text(text())))
    }

    /// Holds a value not held yet (count 1); false when the summary had no room for it.
    @discardableResult
    mutating func insert(_ hash: UInt64, _ entry: Entry) -> Bool {
        if isExact {
            entries[hash] = entry
            if entries.count > exactLimit { shrink() ; return entries[hash] != nil }
            return true
        }
        var entry = entry
        entry.examples = []
        if entries.count < capacity { entries[hash] = entry; return true }
        // Misra-Gries: a value that finds no free counter takes one from every held value.
        undercount += 1
        entries = entries.filter { $0.value.count > 1 }.mapValues { Entry(count: $0.count - 1, shown: $0.shown, cls: $0.cls, bucket: $0.bucket) }
        return false
    }

    /// Counts a held value's row for a tenant (while exact).
    @inline(__always) mutating func noteTenant(_ i: Dictionary<UInt64, Entry>.Index, _ tenant: Int32) {
        guard !tenantsLost else { return }
        if let j = entries.values[i].tenants.index(forKey: tenant) {
            entries.values[i].tenants.values[j] += 1
            return
        }
        tenantPairs += 1
        if tenantPairs > Self.tenantPairLimit {
            tenantsLost = true
            for k in entries.indices { entries.values[k].tenants = [:] }
            return
        }
        entries.values[i].tenants[tenant] = 1
    }

    /// From exact counts to the summary: keep the `capacity` most frequent, the rest become the undercount;
    /// per-value evidence is dropped (findings about particular values need exact counts).
    private mutating func shrink() {
        let sorted = entries.sorted { $0.value.count > $1.value.count }
        let cut = sorted[capacity].value.count
        undercount = cut
        entries = Dictionary(uniqueKeysWithValues: sorted.prefix(capacity).compactMap { k, e in
            e.count > cut ? (k, Entry(count: e.count - cut, shown: e.shown, cls: e.cls, bucket: e.bucket)) : nil
        })
        isExact = false
        tenantsLost = true
        tenantPairs = 0
    }
}

/// Counts of a column's values by 64-bit hash (the shown text is made once per newly held value): exact while
/// the column holds at most `exactLimit` distinct values, then a Misra-Gries summary of `capacity` counters
/// (amortised O(1) per value; a value seen more than N/(capacity+1) times is always held, and each held
/// count is too low by at most `undercount`).
public struct ValueCounts: Sendable {
    /// A held value.
    public struct Entry: Sendable { public var count: Int; public var text: String }
    public let exactLimit: Int
    public let capacity: Int
    /// The held values by hash.
    public private(set) var entries: [UInt64: Entry] = [:]
    /// True while every distinct value is held with its exact count.
    public private(set) var isExact = true
    /// How much any held count may be below the true count (0 while exact).
    public private(set) var undercount = 0

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
        if isExact {
            entries[hash] = Entry(count: 1, text: text())
            if entries.count > exactLimit { shrink() }
            return
        }
        if entries.count < capacity { entries[hash] = Entry(count: 1, text: text()); return }
        // Misra-Gries: a value that finds no free counter takes one from every held value.
        undercount += 1
        entries = entries.filter { $0.value.count > 1 }.mapValues { Entry(count: $0.count - 1, text: $0.text) }
    }

    /// From exact counts to the summary: keep the `capacity` most frequent, the rest become the undercount.
    private mutating func shrink() {
        let sorted = entries.sorted { $0.value.count > $1.value.count }
        let cut = sorted[capacity].value.count
        undercount = cut
        entries = Dictionary(uniqueKeysWithValues: sorted.prefix(capacity).compactMap { k, e in
            e.count > cut ? (k, Entry(count: e.count - cut, text: e.text)) : nil
        })
        isExact = false
    }
}

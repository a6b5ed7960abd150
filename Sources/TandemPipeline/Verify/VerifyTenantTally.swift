/// The tenants of one chunk's rows, found by the tenant value's bytes as read: a `String` is made, and the
/// scope asked, once per tenant and chunk rather than once per row (a dictionary keyed by `String` hashed
/// each row's tenant anew).
struct TenantTally {
    struct Entry {
        /// Where the value's bytes are in `keyBytes`, and how many.
        var start: Int
        var length: Int
        /// What the bytes are: text (`t`), an integer's 8 bytes (`i`), a mapped value's text (`s`).
        var kind: UInt8
        var hash: UInt64
        /// The tenant as the row path names it (`EntityMapping.tenantText`).
        var tenant: String
        var inScope: Bool
        /// Rows in scope counted for it.
        var rows = 0
    }

    /// Open addressing: an entry's index + 1, 0 for a free slot; never more than half full.
    private var slots = [Int32](repeating: 0, count: 64)
    private var keyBytes: [UInt8] = []
    private(set) var entries: [Entry] = []

    /// Forgets every tenant (a new chunk).
    mutating func reset() {
        guard !entries.isEmpty else { return }
        for i in slots.indices { slots[i] = 0 }
        keyBytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// The index of the entry for the tenant value of `kind` given by `bytes`; `make` names the tenant and
    /// says whether it is in scope, the first time.
    mutating func find(kind: UInt8, _ bytes: UnsafeRawBufferPointer, make: () -> (tenant: String, inScope: Bool)) -> Int {
        var h = Hasher64()
        h.add(tag: kind)
        _ = h.add(value: bytes)
        let hash = h.value
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s] != 0 {
            let e = Int(slots[s]) - 1
            if entries[e].hash == hash, entries[e].kind == kind, entries[e].length == bytes.count, same(entries[e].start, bytes) { return e }
            s = (s + 1) & mask
        }
        let (tenant, inScope) = make()
        entries.append(Entry(start: keyBytes.count, length: bytes.count, kind: kind, hash: hash, tenant: tenant, inScope: inScope))
        keyBytes.append(contentsOf: bytes)
        slots[s] = Int32(entries.count)
        if entries.count * 2 > slots.count { grow() }
        return entries.count - 1
    }

    /// Counts a row in scope for entry `e`.
    mutating func count(_ e: Int) { entries[e].rows += 1 }

    private func same(_ start: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        for i in 0..<bytes.count where keyBytes[start + i] != bytes[i] { return false }
        return true
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (i, e) in entries.enumerated() {
            var s = Int(truncatingIfNeeded: e.hash) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(i + 1)
        }
    }
}

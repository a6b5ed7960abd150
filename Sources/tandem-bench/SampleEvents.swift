import TandemCore

/// Deterministic ~200-byte customer events, the benchmark workload.
struct SampleEvents {
    private var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// The next 64 random bits of the workload's generator.
    mutating func next() -> UInt64 { rng.next() }

    /// The i-th event of the workload: an update with before and after images.
    mutating func event(_ i: Int) -> Event {
        let id = Int64(i)
        let r = next()
        let email = "user\(r % 1_000_000)@example.com"
        return Event(
            sourcePosition: "changes.log:\(i * 200)", txn: "t-\(i / 4)",
            committedAt: Timestamp(microseconds: 1_795_000_000_000_000 + id),
            entity: "customers", key: ["id": .int(id)], op: .update,
            before: ["id": .int(id), "email": .string("old-" + email)],
            after: ["id": .int(id), "email": .string(email), "balance": .decimal("\(r % 100000).50"),
                    "active": .bool(r & 1 == 0)],
            tenant: "tenant-\(r % 100)", origin: "legacy")
    }
}

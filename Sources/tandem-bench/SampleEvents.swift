import TandemCore

/// Deterministic ~200-byte customer events, the benchmark workload.
struct SampleEvents {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// SplitMix64: small, fast and the same on every machine.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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

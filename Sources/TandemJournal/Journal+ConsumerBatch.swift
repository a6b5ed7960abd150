extension Journal {
    /// One consumer's position for `recordConsumers`: what it has applied and what it may have applied.
    public struct ConsumerPosition: Sendable, Hashable {
        /// The consumer's name.
        public var name: String
        /// The highest seq its store durably holds.
        public var appliedSeq: UInt64
        /// The highest seq it may have committed (nil or not above `appliedSeq`: no reservation).
        public var reservedSeq: UInt64?

        /// A position from its parts.
        public init(name: String, appliedSeq: UInt64, reservedSeq: UInt64? = nil) {
            self.name = name; self.appliedSeq = appliedSeq; self.reservedSeq = reservedSeq
        }
    }

    /// Records several consumers' positions in one manifest rewrite (registering those that are new): the
    /// daemon persists all its sinks at once instead of rewriting the manifest per sink and batch.
    public static func recordConsumers(_ positions: [ConsumerPosition], at directory: String,
                                       options: JournalOptions = JournalOptions()) throws {
        for p in positions where p.name.isEmpty || p.name.utf8.count > 200 {
            throw JournalError.invalidConsumerName(name: p.name)
        }
        guard !positions.isEmpty else { return }
        try ManifestStore(directory: directory, fs: options.fileSystem).update { m in
            let now = nowRFC3339()
            for p in positions {
                let reserved = p.reservedSeq.flatMap { $0 > p.appliedSeq ? $0 : nil }
                if let i = m.consumers.firstIndex(where: { $0.name == p.name }) {
                    m.consumers[i].appliedSeq = p.appliedSeq
                    m.consumers[i].reservedSeq = reserved
                    m.consumers[i].updatedAt = now
                } else {
                    m.consumers.append(.init(name: p.name, appliedSeq: p.appliedSeq, updatedAt: now, reservedSeq: reserved))
                }
            }
        }
    }
}

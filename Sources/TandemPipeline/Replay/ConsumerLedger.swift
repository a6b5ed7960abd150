import TandemJournal

/// Where a replay records, for the journal's truncation checks, what its consumer has applied and what it may
/// have applied. `tandem replay` writes the manifest directly (`ManifestLedger`); the daemon keeps positions in
/// memory and persists them at a bounded rate (`ConsumerPositions`).
///
/// Promises a ledger keeps: `reserve` is durable when it returns (a batch is committed only after it), and a
/// persisted `appliedSeq` is never above what the sink durably applied (it may lag behind: truncation then
/// keeps more, never less).
public protocol ConsumerLedger: Sendable {
    /// Registers the consumer at `appliedSeq` when new; keeps the position of one already registered.
    func register(_ name: String, appliedSeq: UInt64) throws
    /// Records, durably, that the consumer may commit a batch through `seq` (for `truncate --after`).
    func reserve(_ name: String, through seq: UInt64) throws
    /// Records that the consumer's store durably holds everything through `seq`.
    func applied(_ name: String, seq: UInt64) throws
}

/// The journal's manifest, rewritten at every call (one replay process: simple and exact).
public struct ManifestLedger: ConsumerLedger {
    /// The journal directory.
    public let journal: String
    /// The journal's options.
    public let options: JournalOptions

    /// A ledger writing `journal`'s manifest.
    public init(journal: String, options: JournalOptions = JournalOptions()) { self.journal = journal; self.options = options }

    public func register(_ name: String, appliedSeq: UInt64) throws {
        try Journal.registerConsumer(name, appliedSeq: appliedSeq, at: journal, options: options)
    }

    public func reserve(_ name: String, through seq: UInt64) throws {
        try Journal.reserveConsumer(name, through: seq, at: journal, options: options)
    }

    public func applied(_ name: String, seq: UInt64) throws {
        try Journal.setConsumerApplied(name, seq: seq, at: journal, options: options)
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources

/// Reverse replication for a set of tenants: the new store's change table → the mapping in reverse → a journal
/// (events with origin `new`) → the legacy store.
///
/// The journal is the reverse flow's own (not the forward one's): its events carry legacy names, which the
/// forward flow's sinks must never apply. Echo-free capture keeps it from looping: the new store's triggers skip
/// Tandem's applying transactions, and the legacy store's sink applies with the marker (`_tandem_applying`,
/// `tandem.applying`) so the legacy triggers skip the changes it writes.
public final class ReverseFlow {
    /// What the flow reads, where it journals and where it writes.
    public struct Settings: Sendable {
        /// The new store's change table (`sqlite-changelog:` or `postgres-changelog:`).
        public var source: SourceSpec
        /// The journal of the reverse flow (created when missing).
        public var journal: String
        /// The legacy store.
        public var legacy: SinkSpec
        /// The tenants whose changes the legacy store's replay applies (nil: every tenant). Stored with its
        /// checkpoint, so it cannot change: the tenants carried back are chosen at capture time (`state`).
        public var tenants: Set<String>?
        /// The migration's state file: when set, only the changes of tenants in `cut-over` (or rolled back from
        /// it) are journaled, the others passed over and counted (`ReverseTenants`); nil journals every change.
        public var state: String?
        /// The legacy store's declared columns: the types coerced columns go back to.
        public var legacySchemas: [EntitySchema] = []

        /// Settings of a flow.
        public init(source: SourceSpec, journal: String, legacy: SinkSpec, tenants: Set<String>?) {
            self.source = source; self.journal = journal; self.legacy = legacy; self.tenants = tenants
        }
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        /// New-store changes journaled.
        public var journaled: Int
        /// New-store changes that could not go back (in the quarantine beside the journal).
        public var quarantined: Int
        /// Events applied to the legacy store.
        public var applied: Int
        /// New-store changes of tenants not carried back, passed over (not journaled, not quarantined).
        public var filtered: Int
    }

    /// How the flow is set up.
    public let settings: Settings
    let mapper: ReverseMapper
    let tenants: ReverseTenants?

    /// A flow; the mapping must have a reverse rule for every migrated column.
    /// - Throws: `MappingError` naming the first column without one.
    public init(mapping: Mapping, settings: Settings) throws {
        self.settings = settings
        mapper = try ReverseMapper(mapping, legacySchemas: settings.legacySchemas)
        tenants = settings.state.map { ReverseTenants(path: $0) }
    }

    /// Journals what the new store's change table holds now, then applies the journal to the legacy store.
    public func runOnce() throws -> Pass {
        try Journal.createIfMissing(at: settings.journal)
        let writer = try JournalWriter(directory: settings.journal)
        defer { writer.close() }
        return try pass(writer: writer).pass
    }

    /// The largest new-store change id the capture has read through: the journal's last event's (`head`), or
    /// the quarantine's cursor past it when the changes after it were passed over or quarantined; nil when none.
    func capturedChangeID(head: Event?) throws -> Int64? {
        let journaled = head?.sourcePosition.flatMap(SnapshotPosition.changeID(of:))
        let description = ReverseMappedSource(settings.source.makeSource(), mapper: mapper).description
        let past = try Quarantine(journal: settings.journal).cursor(source: description, journalPosition: head?.sourcePosition)
        return [journaled, past.flatMap(SnapshotPosition.changeID(of:))].compactMap { $0 }.max()
    }

    /// One pass with the journal's writer already open (the daemon's reverse worker keeps it, which also tells
    /// `cohort rollback` that a daemon is running); returns the legacy store's checkpoint after it.
    func pass(writer: JournalWriter) throws -> (pass: Pass, appliedSeq: UInt64) {
        let source = ReverseMappedSource(settings.source.makeSource(), mapper: mapper, tenants: tenants)
        defer { source.close() }
        var ingestSettings = Ingestor.Settings()
        ingestSettings.origin = ReverseMapper.origin
        let ingestor = Ingestor(source: source, journal: writer, quarantine: try Quarantine(journal: settings.journal),
                                settings: ingestSettings)
        let ingested = try ingestor.run(once: true)
        let sink = try settings.legacy.open()
        defer { sink.close() }
        let replayed = try Replayer(journal: settings.journal, sink: sink,
                                    options: ReplayOptions(filter: ReplayFilter(tenants: settings.tenants))).run()
        return (Pass(journaled: ingested.journaled, quarantined: ingested.quarantined, applied: replayed.applied,
                     filtered: ingested.skipped + replayed.filtered), replayed.checkpoint)
    }
}

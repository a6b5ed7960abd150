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
        /// The tenants whose changes go back (nil: every tenant).
        public var tenants: Set<String>?
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
        /// Events of other tenants passed over.
        public var filtered: Int
    }

    /// How the flow is set up.
    public let settings: Settings
    let mapper: ReverseMapper

    /// A flow; the mapping must have a reverse rule for every migrated column.
    /// - Throws: `MappingError` naming the first column without one.
    public init(mapping: Mapping, settings: Settings) throws {
        self.settings = settings
        mapper = try ReverseMapper(mapping, legacySchemas: settings.legacySchemas)
    }

    /// Journals what the new store's change table holds now, then applies the journal to the legacy store.
    public func runOnce() throws -> Pass {
        try Journal.createIfMissing(at: settings.journal)
        let writer = try JournalWriter(directory: settings.journal)
        defer { writer.close() }
        return try pass(writer: writer).pass
    }

    /// One pass with the journal's writer already open (the daemon's reverse worker keeps it, which also tells
    /// `cohort rollback` that a daemon is running); returns the legacy store's checkpoint after it.
    func pass(writer: JournalWriter) throws -> (pass: Pass, appliedSeq: UInt64) {
        let source = ReverseMappedSource(settings.source.makeSource(), mapper: mapper)
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
                     filtered: replayed.filtered), replayed.checkpoint)
    }
}

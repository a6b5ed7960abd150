import Foundation
import Synchronization
import TandemJournal

/// The daemon's consumer ledger: sinks' applied positions are kept in memory and written to the journal's
/// manifest by `flush()` (the daemon calls it at most once a second, and on stop), all sinks in one rewrite,
/// instead of two manifest rewrites per batch and sink.
///
/// Safety: the persisted `appliedSeq` only ever trails what the sink durably applied, so `truncate --before`
/// keeps more, never less. Reservations (`truncate --after`) are persisted before the batch commits, as the
/// manifest ledger does, but through the journal head at that moment, so one rewrite covers every batch up to
/// it (a lagging sink reserves rarely; a caught-up one at most once per ingest commit). The sink's own
/// `_tandem_checkpoint` stays the source of truth on restart.
public final class ConsumerPositions: ConsumerLedger {
    private struct Entry {
        var applied: UInt64
        var persistedApplied: UInt64?
        var persistedReserved: UInt64 = 0
    }

    /// The journal directory.
    public let journal: String
    private let options: JournalOptions
    private let head: @Sendable () -> UInt64
    // One lock for the entries and the manifest writes, so a flush never writes back a reservation older than
    // the one a concurrent `reserve` persisted (the writes are rare: the lock is not contended in practice).
    private let state = Mutex<[String: Entry]>([:])

    /// A ledger for `journal`; `head` gives the journal's last durable seq (what a reservation may cover).
    public init(journal: String, options: JournalOptions = JournalOptions(), head: @escaping @Sendable () -> UInt64) {
        self.journal = journal; self.options = options; self.head = head
    }

    public func register(_ name: String, appliedSeq: UInt64) throws {
        try state.withLock { entries in
            try Journal.registerConsumer(name, appliedSeq: appliedSeq, at: journal, options: options)
            // The replay registers with the sink's checkpoint: the truth for what the store holds.
            var e = entries[name] ?? Entry(applied: appliedSeq)
            e.applied = appliedSeq
            entries[name] = e
        }
    }

    public func reserve(_ name: String, through seq: UInt64) throws {
        try state.withLock { entries in
            var e = entries[name] ?? Entry(applied: 0)
            if seq <= e.persistedReserved || seq <= (e.persistedApplied ?? 0) { return }
            let through = max(seq, head())
            try Journal.reserveConsumer(name, through: through, at: journal, options: options)
            e.persistedReserved = through
            entries[name] = e
        }
    }

    public func applied(_ name: String, seq: UInt64) throws {
        state.withLock { entries in
            var e = entries[name] ?? Entry(applied: 0)
            e.applied = seq
            entries[name] = e
        }
    }

    /// The applied position of each consumer as held in memory.
    public var positions: [String: UInt64] { state.withLock { $0.mapValues(\.applied) } }

    /// Writes every position that changed since the last flush, in one manifest rewrite (none when nothing changed).
    public func flush() throws {
        try state.withLock { entries in
            let changed = entries.filter { $0.value.persistedApplied != $0.value.applied }
            guard !changed.isEmpty else { return }
            try Journal.recordConsumers(changed.map { name, e in
                Journal.ConsumerPosition(name: name, appliedSeq: e.applied, reservedSeq: e.persistedReserved)
            }, at: journal, options: options)
            for (name, e) in changed { entries[name]?.persistedApplied = e.applied }
        }
    }
}

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
/// it, and for every sink in the same rewrite (sinks at the head reserve at most once per ingest commit between
/// them; a lagging one rarely). The sink's own
/// `_tandem_checkpoint` stays the source of truth on restart.
public final class ConsumerPositions: ConsumerLedger {
    private struct Entry {
        var applied: UInt64
        var persistedApplied: UInt64?
        /// The reservation the manifest holds for it (possibly made by another sink's `reserve`).
        var persistedReserved: UInt64 = 0
        /// The highest seq it reserved itself (what it may have committed): what a flush leaves reserved.
        var ownReserved: UInt64 = 0
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
            if seq <= e.persistedReserved || seq <= (e.persistedApplied ?? 0) {
                // Covered by a reservation already in the manifest (maybe made for another sink).
                e.ownReserved = max(e.ownReserved, seq)
                entries[name] = e
                return
            }
            let through = max(seq, head())
            e.ownReserved = through
            entries[name] = e
            // One rewrite reserves for every sink, so the others' next batches up to the same head need none (two
            // sinks at the head once cost two manifest rewrites per ingest commit). What a sink did not ask for is
            // taken back at the next flush (at most a second later), so `truncate --after` keeps no more for long.
            try Journal.recordConsumers(entries.map { name, e in
                Journal.ConsumerPosition(name: name, appliedSeq: e.applied, reservedSeq: max(through, e.persistedReserved))
            }, at: journal, options: options)
            for key in entries.keys {
                entries[key]!.persistedApplied = entries[key]!.applied
                entries[key]!.persistedReserved = max(through, entries[key]!.persistedReserved)
            }
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
            let changed = entries.filter { $0.value.persistedApplied != $0.value.applied || $0.value.persistedReserved != $0.value.ownReserved }
            guard !changed.isEmpty else { return }
            try Journal.recordConsumers(changed.map { name, e in
                Journal.ConsumerPosition(name: name, appliedSeq: e.applied, reservedSeq: e.ownReserved)
            }, at: journal, options: options)
            for (name, e) in changed {
                entries[name]?.persistedApplied = e.applied
                entries[name]?.persistedReserved = e.ownReserved
            }
        }
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources

/// Forward replication for the drill, in-process and on the copies: the live journal (read only) from the new
/// copy's checkpoint up to `liveMark` (its newest event when the legacy copy was taken: a running daemon journals
/// on, and what came later is not in the copy), then the legacy copy's change table after that event's position,
/// through a journal of the drill's own, into the new copy. The live journal's manifest is never written (the replay of the live
/// journal keeps its consumer position in memory).
struct DrillForward {
    /// The live config (its journal, source kind, mapping, new sink).
    let live: DaemonConfig
    /// The live journal's newest event just before the legacy copy was taken (nil: the journal was empty).
    let liveMark: Event?
    /// The legacy copy's change table.
    let legacySource: SourceSpec
    /// The new copy's sink spec (named as the live sink: its checkpoint row is the live one's copy).
    let newCopy: SinkSpec
    /// The drill's forward journal.
    let journal: String
    let mapping: Mapping

    /// Applies everything legacy holds now (journaled live or only in the copy's change table) to the new copy.
    func catchUp() throws {
        let sink = live.sink(named: live.migration?.new ?? "")
        let filter = sink?.filter ?? ReplayFilter()
        if let liveMark {
            let target = try newCopy.open()
            defer { target.close() }
            // The live sink may have applied past the mark (the journal's head file trails the writer): nothing to replay.
            if let applied = try target.checkpoint()?.seq, applied >= liveMark.seq { return try ingestCopy(filter: filter) }
            var options = ReplayOptions(filter: filter)
            options.to = liveMark.seq
            options.ledger = MemoryLedger()
            options.log = { _ in }
            try Replayer(journal: live.journal, sink: target, options: options).run()
        }
        try ingestCopy(filter: filter)
    }

    /// Journals the legacy copy's change table after the mark (the changes the live journal did not have when the
    /// copies were taken, and the rehearsal's) and applies them to the new copy. A change the new copy holds
    /// already is applied again, which leaves it as it is.
    private func ingestCopy(filter: ReplayFilter) throws {
        try Journal.createIfMissing(at: journal)
        let writer = try JournalWriter(directory: journal)
        let source = StartAfterSource(legacySource.makeSource(log: { _ in }),
                                      start: liveMark?.sourcePosition.flatMap { SnapshotPosition($0) != nil ? $0 : nil })
        let ingestor = Ingestor(source: source, journal: writer, quarantine: try Quarantine(journal: journal), mapping: mapping)
        do {
            let summary = try ingestor.run(once: true)
            source.close(); writer.close()
            if summary.quarantined > 0 {
                throw DrillFailure("\(summary.quarantined) legacy change(s) of the rehearsal went to quarantine instead of the new store (tandem quarantine list --journal \(journal))")
            }
        } catch { source.close(); writer.close(); throw error }
        var own = newCopy
        own.name = "drill"  // a checkpoint row of its own: this journal is not the live one
        let target = try own.open()
        defer { target.close() }
        var options = ReplayOptions(filter: filter)
        options.log = { _ in }
        try Replayer(journal: journal, sink: target, options: options).run()
    }
}

/// A change source that, opened without a position, starts after `start` (the drill's journal is new; the
/// live journal already holds what came before).
final class StartAfterSource: ChangeSource {
    let inner: any ChangeSource
    let start: String?
    init(_ inner: any ChangeSource, start: String?) { self.inner = inner; self.start = start }
    var description: String { inner.description }
    var rawFormat: RawFormat { inner.rawFormat }
    var lastReadEndsTransaction: Bool { inner.lastReadEndsTransaction }
    func recognizes(_ position: String) -> Bool { inner.recognizes(position) }
    func open(after position: String?) throws { try inner.open(after: position ?? start) }
    func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] { try inner.read(limit: limit, wait: wait, stop: stop) }
    func acknowledge(through position: String) throws { try inner.acknowledge(through: position) }
    func declaredSchemas() throws -> [EntitySchema] { try inner.declaredSchemas() }
    func close() { inner.close() }
}

/// Consumer positions kept in memory: a replay of the live journal into a copy must not register in its manifest.
struct MemoryLedger: ConsumerLedger {
    func register(_ name: String, appliedSeq: UInt64) throws {}
    func reserve(_ name: String, through seq: UInt64) throws {}
    func applied(_ name: String, seq: UInt64) throws {}
}

/// Why a drill failed, in one line (recorded in the state file as the drill's reason).
struct DrillFailure: Error, CustomStringConvertible {
    let description: String
    init(_ reason: String) { description = reason }
}

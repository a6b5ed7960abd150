import Foundation
import TandemCore
import TandemJournal

extension Rewinder {
    /// Rewinds `sink` to `target` by reading the journal's events above it (those the sink applied,
    /// through the same filter it was replayed with), then moves its consumer position down.
    /// - Throws: `SinkError.rewindNeedsBeforeImage` before any change when an event cannot be undone;
    ///   `JournalError.seqOutOfRange` when the journal no longer holds the events above `target`.
    @discardableResult
    public static func rewind(journal: String, sink: any EventSink, to target: UInt64, filter: ReplayFilter = ReplayFilter(),
                              chunkSize: Int = 10_000, consumerName: String? = nil,
                              journalOptions: JournalOptions = JournalOptions()) throws -> RewindOutcome {
        let manifest = try Journal.manifest(at: journal, options: journalOptions)
        let journalID = manifest.journalID.uuidString
        let stored = try sink.checkpoint() ?? SinkCheckpoint(journalID: journalID, seq: 0)
        if stored.journalID != journalID {
            throw SinkError.journalMismatch(target: sink.target, sink: sink.name, stored: stored.journalID, given: journalID)
        }
        if target > stored.seq { throw SinkError.rewindAboveCheckpoint(target: target, checkpoint: stored.seq) }
        var events: [Event] = []
        if target < stored.seq {
            let reader = try JournalReader(directory: journal, options: journalOptions)
            try reader.seek(to: target + 1)
            while let e = try reader.next(), e.seq <= stored.seq {
                if filter.matches(e) { events.append(e) }
            }
        }
        let outcome = try rewind(sink, journalID: journalID, to: target, events: events, chunkSize: chunkSize)
        try Journal.setConsumerApplied(consumerName ?? Replayer.defaultConsumerName(for: sink), seq: outcome.checkpoint.seq,
                                       at: journal, options: journalOptions)
        return outcome
    }

    /// `--rebuild`: empties the sink's tables (every entity of the journal that passes `filter`), removes its
    /// checkpoint, and replays 1…`target` into it.
    /// - Throws: `SinkError`, `JournalError`.
    @discardableResult
    public static func rebuild(journal: String, sink: any EventSink, to target: UInt64, filter: ReplayFilter = ReplayFilter(),
                               batchSize: Int = 10_000, consumerName: String? = nil,
                               journalOptions: JournalOptions = JournalOptions()) throws -> ReplayProgress {
        let manifest = try Journal.manifest(at: journal, options: journalOptions)
        if manifest.firstSeq > 1, target > 0 {
            // Events 1…firstSeq-1 were truncated away: a rebuild from them is impossible.
            throw JournalError.seqOutOfRange(seq: 1, first: manifest.firstSeq, last: target)
        }
        var entities: Set<String> = []
        let reader = try JournalReader(directory: journal, options: journalOptions)
        while let e = try reader.next() {
            if filter.matches(e) { entities.insert(e.entity) }
        }
        try clear(sink, entities: entities.sorted())
        let options = ReplayOptions(to: target, filter: filter, batchSize: batchSize, consumerName: consumerName)
        return try Replayer(journal: journal, sink: sink, options: options, journalOptions: journalOptions).run()
    }
}

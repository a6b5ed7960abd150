import TandemCore
import TandemSinks

/// What a rewind did.
public struct RewindOutcome: Sendable, Hashable {
    /// Events undone.
    public var undone: Int
    /// Transactions (chunks) committed.
    public var chunks: Int
    /// The checkpoint afterwards.
    public var checkpoint: SinkCheckpoint

    /// An outcome of `undone` events in `chunks` commits, ending at `checkpoint`.
    public init(undone: Int, chunks: Int, checkpoint: SinkCheckpoint) {
        self.undone = undone
        self.chunks = chunks
        self.checkpoint = checkpoint
    }
}

/// Undoes applied events newest first by their before-images, moving the sink's checkpoint down in
/// the same transactions: an insert is undone by a delete (or, when it overwrote a row, by restoring that
/// row), a delete by re-inserting its before-image, an update or snapshot by writing its before-image back.
/// A truncate, or an event whose before-image is missing or incomplete, cannot be undone: the rewind refuses
/// before any change (`RewindPlanner`).
///
/// Work goes in chunks of whole source transactions, each committed with its checkpoint, so an
/// interrupted rewind resumes where it stopped when run again.
public enum Rewinder {
    /// Rewinds `sink` to `target`.
    /// - Parameters:
    ///   - events: the journal's events above `target` (any order; those above the checkpoint are ignored), and
    ///     those below it when an insert may have overwritten a row they wrote.
    ///   - journalID: the journal the sink must be filled from.
    ///   - chunkSize: about how many events to undo per transaction.
    /// - Throws: `SinkError` — another journal, a target above the checkpoint, an event without a complete
    ///   before-image (refused before any change, naming the first), or the store failing.
    @discardableResult
    public static func rewind(_ sink: any EventSink, journalID: String, to target: UInt64, events: [Event],
                              chunkSize: Int = 10_000) throws -> RewindOutcome {
        var stored = try sink.checkpoint() ?? SinkCheckpoint(journalID: journalID, seq: 0)
        if stored.journalID != journalID {
            throw SinkError.journalMismatch(target: sink.target, sink: sink.name, stored: stored.journalID, given: journalID)
        }
        if target > stored.seq { throw SinkError.rewindAboveCheckpoint(target: target, checkpoint: stored.seq) }
        let newestFirst = events.filter { $0.seq > target && $0.seq <= stored.seq }.sorted { $0.seq > $1.seq }
        var planner = RewindPlanner(target: target, filter: ReplayFilter())
        let ascending = events.filter { $0.seq <= stored.seq }.sorted { $0.seq < $1.seq }
        for e in ascending { planner.noteRange(e) }
        for e in ascending { planner.feed(e) }
        if let refusal = planner.refusal { throw refusal }
        var undone = 0, chunks = 0
        for chunk in EventBatcher.batches(newestFirst, size: chunkSize) {
            let isLast = chunk.last!.seq == newestFirst.last!.seq
            let to = SinkCheckpoint(journalID: journalID, seq: isLast ? target : chunk.last!.seq - 1)
            while true {
                do {
                    stored = try sink.checkpoint() ?? SinkCheckpoint(journalID: journalID, seq: 0)
                    let todo = chunk.filter { $0.seq <= stored.seq }
                    if stored.seq <= to.seq { break }  // an earlier, interrupted attempt got this far
                    var plan = ChangePlan()
                    for e in todo { for c in planner.undo(e) { try plan.add(c, seq: e.seq) } }
                    try sink.commit(plan, from: stored, to: to)
                    undone += todo.count
                    chunks += 1
                    stored = to
                    break
                } catch SinkError.connectionLost {
                    try sink.reconnect()
                }
            }
        }
        if stored.seq != target {
            // Nothing above the target was applied by this sink (filtered replay): just move the checkpoint.
            try sink.commit(ChangePlan(), from: stored, to: SinkCheckpoint(journalID: journalID, seq: target))
            stored = SinkCheckpoint(journalID: journalID, seq: target)
        }
        return RewindOutcome(undone: undone, chunks: chunks, checkpoint: stored)
    }

    /// Empties `entities` in the sink and removes its checkpoint (the first step of `--rebuild`, which then
    /// replays 1…SEQ).
    /// - Throws: `SinkError` when the store fails.
    public static func clear(_ sink: any EventSink, entities: [String]) throws {
        while true {
            do { return try sink.reset(entities: entities) } catch SinkError.connectionLost { try sink.reconnect() }
        }
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemSinks

extension Rewinder {
    /// Rewinds `sink` to `target` by reading the journal's events above it (those the sink applied,
    /// through the same filter it was replayed with), then moves its consumer position down.
    ///
    /// Memory stays bounded: a first pass checks every event can be undone; then the journal is read
    /// backwards a chunk at a time (each chunk read forwards, cut between source transactions), undone
    /// newest first and committed with its checkpoint.
    /// - Throws: `SinkError.rewindNeedsBeforeImage` / `.rewindIncompleteBeforeImage` before any change when an
    ///   event cannot be undone exactly (no before-image, or one lacking a column of the row);
    ///   `SinkError.filterChanged` when `filter` is not the one the sink was filled with;
    ///   `JournalError.seqOutOfRange` when the journal no longer holds the events above `target`.
    @discardableResult
    public static func rewind(journal: String, sink: any EventSink, to target: UInt64, filter: EventFilter = EventFilter(),
                              chunkSize: Int = 10_000, consumerName: String? = nil,
                              journalOptions: JournalOptions = JournalOptions()) throws -> RewindOutcome {
        let manifest = try Journal.manifest(at: journal, options: journalOptions)
        let journalID = manifest.journalID.uuidString
        let stored = try sink.checkpoint() ?? SinkCheckpoint(journalID: journalID, seq: 0)
        if stored.journalID != journalID {
            throw SinkError.journalMismatch(target: sink.target, sink: sink.name, stored: stored.journalID, given: journalID)
        }
        if let was = stored.filter, was != filter.canonical {
            throw SinkError.filterChanged(target: sink.target, sink: sink.name, stored: was, given: filter.canonical)
        }
        if target > stored.seq { throw SinkError.rewindAboveCheckpoint(target: target, checkpoint: stored.seq) }
        let chunks = JournalChunks(journal: journal, options: journalOptions)
        // Pass 1, forwards: refuse before any change, naming the first event that cannot be undone exactly.
        // The range is read once for the entities' columns and the inserted keys, then (from the journal's
        // start when an insert is to be undone, to see what it overwrote) once more to judge each event.
        var planner = RewindPlanner(target: target, filter: filter)
        if target < stored.seq {
            try chunks.forEach(from: target + 1, through: stored.seq) { planner.noteRange($0) }
            let from = planner.needsHistory ? manifest.firstSeq : target + 1
            try chunks.forEach(from: from, through: stored.seq) { planner.feed($0) }
        }
        if let refusal = planner.refusal { throw refusal }
        // Pass 2, backwards a chunk at a time.
        var undone = 0, commits = 0
        var end = stored.seq
        while end > target {
            let (low, events) = try chunks.chunk(above: target, through: end, size: UInt64(max(1, chunkSize)))
            let newestFirst = events.reversed().filter(filter.matches)
            let to = SinkCheckpoint(journalID: journalID, seq: low - 1)
            while true {
                do {
                    let current = try sink.checkpoint() ?? SinkCheckpoint(journalID: journalID, seq: 0)
                    if current.seq <= to.seq { break }  // an earlier, interrupted attempt got this far
                    var plan = WritePlan()
                    var n = 0
                    for e in newestFirst where e.seq <= current.seq {
                        for c in planner.undo(e) { try plan.add(c, seq: e.seq) }
                        n += 1
                    }
                    try sink.commit(plan, from: current, to: to)
                    undone += n
                    commits += 1
                    break
                } catch SinkError.connectionLost {
                    try sink.reconnect()
                }
            }
            end = to.seq
        }
        let final = try sink.checkpoint() ?? SinkCheckpoint(journalID: journalID, seq: 0)
        try Journal.setConsumerApplied(consumerName ?? Replayer.defaultConsumerName(for: sink), seq: final.seq,
                                       at: journal, options: journalOptions)
        return RewindOutcome(undone: undone, chunks: commits, checkpoint: final)
    }

    /// `--rebuild`: empties the sink's tables (every entity of the journal that passes `filter`), removes its
    /// checkpoint, and replays 1…`target` into it.
    /// - Throws: `SinkError`, `JournalError`.
    @discardableResult
    public static func rebuild(journal: String, sink: any EventSink, to target: UInt64, filter: EventFilter = EventFilter(),
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

/// Reads bounded ranges of a journal for a rewind.
struct JournalChunks {
    let journal: String
    let options: JournalOptions

    /// Calls `body` for every event `from…through`, ascending, without holding them.
    func forEach(from: UInt64, through: UInt64, _ body: (Event) throws -> Void) throws {
        let reader = try JournalReader(directory: journal, options: options)
        try reader.seek(to: from)
        while let e = try reader.next(), e.seq <= through { try body(e) }
    }

    /// The events `low…through` (ascending) of about `size` events above `floor`, where `low` starts a
    /// source transaction (or is `floor + 1`): a transaction larger than `size` makes the chunk larger.
    func chunk(above floor: UInt64, through end: UInt64, size: UInt64) throws -> (low: UInt64, events: [Event]) {
        var span = size
        while true {
            let low = end - floor > span ? end - span + 1 : floor + 1
            var events: [Event] = []
            // Read one event below the chunk too, to see whether the chunk starts inside its transaction.
            try forEach(from: low > floor + 1 ? low - 1 : low, through: end) { events.append($0) }
            guard low > floor + 1, let below = events.first, below.seq == low - 1 else { return (low, events) }
            events.removeFirst()
            guard let txn = below.txn else { return (low, events) }
            guard let k = events.firstIndex(where: { $0.txn != txn }) else {
                span = span > UInt64.max / 2 ? UInt64.max : span * 2
                continue
            }
            events.removeFirst(k)
            return (events[0].seq, events)
        }
    }
}

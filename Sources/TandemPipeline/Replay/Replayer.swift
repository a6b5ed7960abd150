import Foundation
import TandemCore
import TandemJournal
import TandemSinks

/// Where a replay stands (after each committed batch, and at the end).
public struct ReplayProgress: Sendable, Hashable {
    /// Journal events read.
    public var read = 0
    /// Events applied to the sink.
    public var applied = 0
    /// Events the sink already held (at or below its checkpoint).
    public var skipped = 0
    /// Events passed over by the filter.
    public var filtered = 0
    /// Events passed over because they are on the sink's parked list (`ParkedList`, `tandem sink park`).
    public var parked = 0
    /// Transactions committed to the sink.
    public var batches = 0
    /// The sink's checkpoint seq.
    public var checkpoint: UInt64 = 0
    /// The journal id.
    public var journalID = ""
    /// Conflicts the applied events met, per kind.
    public var conflicts = ConflictCounts()
}

/// Replays a journal into a sink: reads from the sink's checkpoint, filters, batches by source
/// transaction, applies each batch with its checkpoint, and keeps the sink registered as a consumer of
/// the journal (so truncation knows what it has applied).
public final class Replayer {
    /// The journal directory.
    public let journal: String
    /// The sink.
    public let sink: any EventSink
    /// The options.
    public let options: ReplayOptions
    private let journalOptions: JournalOptions

    /// A replayer of `journal` into `sink`.
    public init(journal: String, sink: any EventSink, options: ReplayOptions = ReplayOptions(),
                journalOptions: JournalOptions = JournalOptions()) {
        self.journal = journal
        self.sink = sink
        self.options = options
        self.journalOptions = journalOptions
    }

    /// The consumer name this replay registers in the journal's manifest.
    public var consumerName: String {
        options.consumerName ?? Self.defaultConsumerName(for: sink)
    }

    /// The consumer name a sink is registered under unless one is given: `sink NAME TARGET`, with the
    /// target's canonical spelling (no password).
    public static func defaultConsumerName(for sink: any EventSink) -> String {
        String("sink \(sink.name) \(sink.canonicalTarget)".prefix(200))
    }

    /// Runs the replay until the end of the journal (or `to`), or, with `follow`, until `shouldStop` says so.
    /// - Parameters:
    ///   - progress: called after every committed batch.
    ///   - shouldStop: polled between batches and while waiting at the tail; an uncommitted batch is dropped.
    /// - Returns: the final progress.
    /// - Throws: `SinkError` from the sink (`isRetryable` says whether to try again; `poisonSeq` names the one
    ///   event that can never be applied, for `tandem sink park`), `JournalError` from the journal.
    @discardableResult
    public func run(progress: (ReplayProgress) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }) throws -> ReplayProgress {
        let manifest = try Journal.manifest(at: journal, options: journalOptions)
        let journalID = manifest.journalID.uuidString
        var p = ReplayProgress(journalID: journalID)
        let stored = try withReconnect { try sink.checkpoint() }
        if let stored, stored.journalID != journalID {
            throw SinkError.journalMismatch(target: sink.target, sink: sink.name, stored: stored.journalID, given: journalID)
        }
        let filter = options.filter.canonical
        if let stored, let was = stored.filter, was != filter {
            throw SinkError.filterChanged(target: sink.target, sink: sink.name, stored: was, given: filter)
        }
        p.checkpoint = stored?.seq ?? 0
        if options.from == nil, p.checkpoint + 1 < manifest.firstSeq {
            // Starting at the journal's first seq would silently skip the truncated events.
            throw SinkError.journalGap(target: sink.target, sink: sink.name, next: p.checkpoint + 1, firstInJournal: manifest.firstSeq)
        }
        if let from = options.from, from > p.checkpoint + 1, !options.allowGap {
            // The checkpoint would jump over the seqs below `from`: a later replay could never apply them.
            throw SinkError.wouldSkip(target: sink.target, sink: sink.name, next: p.checkpoint + 1, from: from)
        }
        let start = max(options.from ?? 1, p.checkpoint + 1, manifest.firstSeq)
        if let to = options.to, start > to { return p }
        // Events an operator set aside for this sink and store: passed over (counted), the checkpoint moves past.
        let parked = try ParkedList(journal: journal, sink: sink.name, options: journalOptions).seqs(target: sink.canonicalTarget)
        let reader: any ReplayEventSource
        if let events = options.events {
            reader = try events(start)
        } else {
            let own = try JournalReader(directory: journal, options: journalOptions)
            try own.seek(to: start)
            reader = own
        }
        // Registered only now: a replay refused above leaves no consumer behind.
        let ledger = options.ledger ?? ManifestLedger(journal: journal, options: journalOptions)
        try ledger.register(consumerName, appliedSeq: p.checkpoint)

        // Each entity's key as the journal keeps it (learned from the events when it keeps none): a journal
        // written before keys were checked at append may hold an event whose key a store takes for another
        // row's (`"5"` for `5` in SQLite) — applied or not depending on the batching. Refused instead.
        var keys = EntityKeyCatalog(try Journal.entityKeys(at: journal, options: journalOptions) ?? [])
        var conflictLog = ConflictLog(log: options.log)
        defer { conflictLog.flush() }
        // Tables are created from the declared schemas ingest recorded, never from the first value of a batch.
        let schemas = try Journal.entitySchemas(at: journal, options: journalOptions)
        sink.declare(schemas)
        // Declared tables the filter passes are created with the first batch, also those without a row.
        var declaredTables = schemas.schemas.filter { options.filter.entities?.contains($0.entity) ?? true }
        // The batch in hand: parts planned once for every sink with this filter (`SharedChunk`), then the events
        // read one by one since the last of them (planned at commit).
        var planned: [BatchPart] = []
        var plannedCount = 0
        var pending: [Event] = []
        var pendingCount: Int { plannedCount + pending.count }
        func batchParts() -> [BatchPart] { pending.isEmpty ? planned : planned + [.events(pending)] }
        func allPending() -> [Event] { planned.isEmpty ? pending : Array(batchParts().map(\.events).joined()) }
        var readInBatch = 0
        // The last event read: its seq and txn only (a copy of the whole event per event read costs a retain of
        // each of its fields).
        var lastRead: (seq: UInt64, txn: String?)?
        func apply(_ parts: [BatchPart], through seq: UInt64) throws {
            let outcome = try sink.apply(parts: parts, journalID: journalID, through: seq, filter: filter, declaredTables: declaredTables)
            declaredTables = []
            p.applied += outcome.applied
            p.skipped += outcome.skipped
            for c in outcome.conflicts { p.conflicts.add(c.kind) }
            conflictLog.note(outcome.conflicts)
            p.batches += 1
            p.checkpoint = seq
            try ledger.applied(consumerName, seq: p.checkpoint)
            progress(p)
        }
        func commit() throws {
            guard let last = lastRead, last.seq > p.checkpoint else { return }
            // Before the commit: if this process dies after it, `truncate --after` still keeps these events.
            try ledger.reserve(consumerName, through: last.seq)
            do {
                try apply(batchParts(), through: last.seq)
            } catch let refusal as SinkError where refusal.isRefusedData {
                // The store is unchanged. Find the first source transaction the store refuses, commit those
                // before it (progress, not harm), and name the refused event.
                let (passing, refused, cause) = try firstRefused(EventBatcher.batches(allPending(), size: 1), refusal)
                if let end = passing.last?.seq { try apply([.events(passing)], through: end) }
                throw try refusedEvent(in: refused, cause, checkpoint: p.checkpoint)
            }
            planned.removeAll(keepingCapacity: true)
            plannedCount = 0
            pending.removeAll(keepingCapacity: true)
            readInBatch = 0
        }
        // Where the current source transaction started: what a refused event's batch is cut back to.
        var txnStart: (pending: Int, lastRead: (seq: UInt64, txn: String?)?) = (0, nil)
        // Following: the reader met the durable tail since the last commit. Once a new source transaction starts,
        // what is pending is whole and is committed at once, so a follower's lag is the time to reach its tail,
        // not the time to fill a batch (at 10,000 events/s a batch of 10,000 would wait a second).
        var reachedTail = false
        // The source transaction last cut into parts (logged once).
        var splitTxn: String?
        /// Commits what is pending when `n` events starting with `e` are about to be taken and the batch ends before
        /// them; returns whether `e` continues the last event's source transaction.
        func cut(before e: Event, taking n: Int) throws -> Bool {
            let sameTxn = lastRead?.txn != nil && lastRead?.txn == e.txn
            // Cut only between source transactions: a txn's events never straddle two sink transactions, unless
            // holding the rest of one would pass the memory bound.
            if readInBatch + n > options.batchSize || reachedTail, !sameTxn { try commit() }
            if sameTxn, options.splitTransactionsOver > 0, readInBatch >= options.splitTransactionsOver,
               readInBatch >= options.batchSize {
                if splitTxn != e.txn {
                    splitTxn = e.txn
                    options.log("source transaction \(TerminalText.escaped(e.txn ?? "")) holds more than \(options.splitTransactionsOver) events (seq \(e.seq)):"
                                + " applying it in parts; the store shows part of it until its last part commits")
                }
                try commit()
                // What is committed cannot be cut back: a refused key now stops the replay at this part.
                txnStart = (0, lastRead)
            }
            reachedTail = false
            return sameTxn
        }
        func take(_ e: Event) throws {
            let sameTxn = try cut(before: e, taking: 1)
            if !sameTxn { txnStart = (pendingCount, lastRead) }
            if parked.contains(e.seq) {
                p.parked += 1
                options.log("sink '\(sink.name)' (\(sink.target)): passed over parked event seq \(e.seq) (\(e.op.rawValue) on"
                            + " \(TerminalText.escaped(e.entity))); `tandem sink parked` lists it, `tandem sink unpark` applies it")
            } else if options.filter.matches(e) {
                do { try keys.admit(e) } catch {
                    // Apply every transaction before this event's, as a replay one event at a time would, then
                    // stop: the store does not depend on the batch size.
                    if planned.isEmpty {
                        pending.removeSubrange(txnStart.pending...)
                    } else {
                        pending = Array(allPending()[..<txnStart.pending])
                        planned = []
                        plannedCount = 0
                    }
                    lastRead = txnStart.lastRead
                    try commit()
                    throw SinkError.keyRefused(seq: e.seq, entity: e.entity, reason: error.reason)
                }
                pending.append(e)
            } else {
                p.filtered += 1
            }
            p.read += 1
            readInBatch += 1
            lastRead = (e.seq, e.txn)
        }
        // The last transaction end the writer announced (refreshed only once the reader passes it).
        var knownClosed: UInt64 = 0
        func closesSignalledTransaction(_ seq: UInt64) -> Bool {
            guard options.follow, let closed = options.closedTransactionSeq else { return false }
            if seq > knownClosed { knownClosed = closed() }
            return seq == knownClosed
        }
        // Whole chunks shared with the other sinks (the daemon), taken as one: their plan made once for this filter.
        let chunked = options.to == nil ? reader as? ChunkedEventSource : nil
        func takeChunk(_ chunk: SharedChunk) throws {
            let events = chunk.events
            let (firstSeq, lastSeq) = (events[0].seq, events[events.count - 1].seq)
            // A sink configured for batches smaller than a chunk keeps them (it takes the chunk event by event).
            guard events.count <= options.batchSize, !parked.contains(where: { $0 >= firstSeq && $0 <= lastSeq }),
                  let prep = chunk.prepared(filter: options.filter, canonical: filter, keys: keys) else {
                // Parked events, a refused key or plan: event by event, as any replay.
                for e in events {
                    try take(e)
                    if closesSignalledTransaction(e.seq) { try commit() }
                }
                return
            }
            // What `take` does at the chunk's first event, cutting before a chunk that would pass `batchSize`;
            // inside the chunk the batch is not cut (a source transaction across chunks ends it at most one chunk
            // past `batchSize` or `splitTransactionsOver`).
            let sameTxn = try cut(before: events[0], taking: events.count)
            if let (i, before) = prep.lastTxnStart {
                txnStart = (pendingCount + before, (events[i - 1].seq, events[i - 1].txn))
            } else if !sameTxn {
                txnStart = (pendingCount, lastRead)
            }
            if let part = prep.planned {
                if !pending.isEmpty {
                    planned.append(.events(pending))
                    plannedCount += pending.count
                    pending = []
                }
                planned.append(.planned(part))
                plannedCount += part.events.count
            }
            keys = prep.keysAfter
            p.filtered += prep.filtered
            p.read += events.count
            readInBatch += events.count
            lastRead = (lastSeq, events[events.count - 1].txn)
            if closesSignalledTransaction(lastSeq) { try commit() }
        }
        while !shouldStop() {
            if let to = options.to, (lastRead?.seq ?? start - 1) >= to { break }
            if let chunk = try chunked?.nextChunk() {
                try takeChunk(chunk)
                continue
            }
            var event = try reader.next()
            if event == nil, options.follow, lastRead?.txn != nil, readInBatch > 0 {
                // At the durable tail just after a txn's event: give its writer a moment to finish the txn.
                reachedTail = true
                if let chunked {
                    // What comes is taken as a chunk (shared) on the next turn, not event by event.
                    if chunked.waitForMore(timeout: 0.05) { continue }
                } else {
                    event = try reader.next(timeout: 0.05)
                }
            }
            if let e = event {
                try take(e)
                if closesSignalledTransaction(e.seq) { try commit() }
                continue
            }
            try commit()
            if !options.follow { break }
            if let chunked {
                _ = chunked.waitForMore(timeout: 0.2)
            } else if let e = try reader.next(timeout: 0.2) {
                try take(e)
                if closesSignalledTransaction(e.seq) { try commit() }
            }
        }
        if !shouldStop() { try commit() }
        try ledger.applied(consumerName, seq: p.checkpoint)
        return p
    }

    /// Of a batch's source transactions (refused as a whole with `refusal`), the first one the store refuses,
    /// after the events of those before it: the shortest refused prefix of whole transactions, found by
    /// rehearsing prefixes (rolled back) in a binary search.
    private func firstRefused(_ txns: [[Event]], _ refusal: SinkError) throws -> (passing: [Event], refused: [Event], cause: SinkError) {
        var lo = 0, hi = txns.count, cause = refusal
        // Invariant: the first `lo` transactions pass, the first `hi` are refused.
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            do {
                let plan = try ChangePlan(events: txns[..<mid].joined())
                try withReconnect { try sink.rehearse(plan) }
                lo = mid
            } catch let e as SinkError where e.isRefusedData {
                hi = mid
                cause = e
            }
        }
        return (Array(txns[..<lo].joined()), txns[lo], cause)
    }

    /// The event of one source transaction (which the store refused as a whole) whose data the store refuses:
    /// the shortest refused prefix, found by rehearsing prefixes (rolled back) in a binary search.
    private func refusedEvent(in txn: [Event], _ refusal: SinkError, checkpoint: UInt64) throws -> SinkError {
        let events = txn.filter { $0.seq > checkpoint }
        var lo = 0, hi = events.count, cause = refusal
        // Invariant: the first `lo` events pass, the first `hi` are refused.
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            do {
                let plan = try ChangePlan(events: events[..<mid])
                try withReconnect { try sink.rehearse(plan) }
                lo = mid
            } catch let e as SinkError where e.isRefusedData {
                hi = mid
                cause = e
            }
        }
        guard hi > 0 else { return refusal }
        let e = events[hi - 1]
        return SinkError.refusedEvent(seq: e.seq, op: e.op, entity: e.entity, key: e.key, checkpoint: checkpoint, cause: cause)
    }

    private func withReconnect<T>(_ body: () throws -> T) throws -> T {
        while true {
            do { return try body() } catch SinkError.connectionLost { try sink.reconnect() }
        }
    }
}

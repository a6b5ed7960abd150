import TandemCore
import TandemSources

/// Runs one source into a journal: source → mapping and validation → quarantine or durable journal append.
///
/// Resume: the source is opened strictly after the newest journaled `sourcePosition` that is its own (events
/// appended by hand or by another source may follow it), or after the quarantine's cursor when the source had
/// read past the journal into input that was all quarantined or skipped (`SourceRecord.skipped`). Per batch, rejected
/// input is stored in the quarantine (durably) before the good events are appended, so a crash at any point
/// loses nothing and a re-read input is neither journaled nor quarantined twice.
public final class Ingestor {
    /// How the run behaves.
    public struct Settings: Sendable {
        /// Records per batch (a source transaction is never split, so a batch may be larger).
        public var batchSize: Int = 4096
        /// Longest wait for new input before the stop signal is checked again (follow mode).
        public var idleWait: Duration = .milliseconds(500)
        /// The `origin` given to events that have none.
        public var origin: String? = "legacy"
        /// Where a line per quarantined input goes (position and reason; at most `quarantineLogLimit` a batch,
        /// then one line with how many more), or nil for none. `tandem ingest` sets it when following.
        public var quarantineLog: (@Sendable (String) -> Void)?
        /// The most quarantined inputs logged one by one per batch.
        public var quarantineLogLimit = 5
        /// Called after every read of the source, also an empty one (the daemon's liveness check: a source
        /// that is read keeps calling it, a wedged one stops).
        public var heartbeat: (@Sendable () -> Void)?

        /// Default settings.
        public init() {}
    }

    /// Figures of a run, for the progress callback and the final summary line.
    public struct Summary: Sendable, Equatable {
        /// Events appended to the journal.
        public var journaled: Int = 0
        /// Inputs stored in the quarantine.
        public var quarantined: Int = 0
        /// Inputs the source passed over on purpose (`SourceRecord.skipped`).
        public var skipped: Int = 0
        /// The last seq appended in this run.
        public var lastSeq: UInt64?
        /// The position after the last input handled (journaled or quarantined).
        public var position: String?

        /// `journaled 10 events, quarantined 2, position …`.
        public var line: String {
            "journaled \(journaled) event\(journaled == 1 ? "" : "s"), quarantined \(quarantined), position \(position ?? "(start)")"
        }
    }

    /// Where changes come from.
    public let source: any ChangeSource
    /// Where they go.
    public let journal: any IngestJournal
    /// Where rejected input goes.
    public let quarantine: Quarantine
    /// The mapping applied to every change.
    public var mapping: Mapping
    /// How the run behaves.
    public let settings: Settings
    /// The position the source was opened after (set by `run`).
    public private(set) var resumedAfter: String?
    private var journalPosition: String?
    private var opened = false
    /// The journal's entity keys with those of the changes handed to the append pipeline since.
    private var keys = EntityKeyCatalog()
    /// Source entities whose Debezium schema block was declared to the journal in this run.
    private var declaredEntities: Set<String> = []
    /// The names of the last sound event, so a run of events sharing them is checked once.
    private var names = ValidatedNames()

    /// An ingestor; nothing is read until `run`.
    public init(source: any ChangeSource, journal: any IngestJournal, quarantine: Quarantine,
                mapping: Mapping = .passThrough, settings: Settings = Settings()) {
        self.source = source; self.journal = journal; self.quarantine = quarantine
        self.mapping = mapping; self.settings = settings
    }

    /// Where the source resumes: after its own newest journaled position, or the quarantine cursor when it is later.
    public func resumePosition() throws -> String? {
        let j = try journal.lastSourcePosition(where: source.recognizes)
        return try quarantine.cursor(source: source.description, journalPosition: j) ?? j
    }

    /// Reads, normalizes and journals until the source has nothing more (`once`) or `stop` fires (follow).
    ///
    /// Batches are appended on a worker thread while the next one is decoded; the source is told a position
    /// only once the journal holds it durably. Returns after the last append is durable; `progress` is called
    /// after every batch.
    /// - Throws: the source's, the quarantine's or the journal's errors; what was not yet durable is then not
    ///   acknowledged and a restart reads it again.
    @discardableResult
    public func run(once: Bool, stop: StopSignal? = nil, progress: ((Summary) -> Void)? = nil) throws -> Summary {
        var summary = Summary()
        if !opened {
            journalPosition = try journal.lastSourcePosition(where: source.recognizes)
            keys = try journal.entityKeyCatalog()
            resumedAfter = try quarantine.cursor(source: source.description, journalPosition: journalPosition) ?? journalPosition
            try source.open(after: resumedAfter)
            // Before any change is appended: replay creates target tables from these declarations.
            try journal.declareSchemas(mapping.targetSchemas(of: source.declaredSchemas()))
            opened = true
        }
        summary.position = resumedAfter
        let pipeline = AppendPipeline(journal: journal)
        do {
            while stop?.isFired != true {
                let records = try source.read(limit: settings.batchSize, wait: once ? nil : settings.idleWait, stop: stop)
                settings.heartbeat?()
                if records.isEmpty {
                    try acknowledge(pipeline)
                    // An append that finished while the source was idle is progress too (a follower that read
                    // everything in one batch would otherwise never report it).
                    let figures = pipeline.figures
                    if figures.journaled != summary.journaled {
                        (summary.journaled, summary.lastSeq) = figures
                        progress?(summary)
                    }
                    if once { break }
                    continue
                }
                try handle(consume records, pipeline: pipeline, summary: &summary)
                try acknowledge(pipeline)
                (summary.journaled, summary.lastSeq) = pipeline.figures
                progress?(summary)
            }
            try pipeline.drain()
        } catch {
            try? pipeline.drain()
            throw error
        }
        try acknowledge(pipeline)
        (summary.journaled, summary.lastSeq) = pipeline.figures
        return summary
    }

    /// One log line per quarantined input, so a follower shows bad input as it happens (rate-limited per batch).
    private func logQuarantined(_ rejected: [Quarantine.NewEntry]) {
        guard let log = settings.quarantineLog else { return }
        for r in rejected.prefix(settings.quarantineLogLimit) {
            log("\(source.description) position \(r.position): quarantined, \(r.rejection)")
        }
        if rejected.count > settings.quarantineLogLimit {
            log("\(source.description): \(rejected.count - settings.quarantineLogLimit) more inputs of this batch quarantined")
        }
    }

    private func acknowledge(_ pipeline: AppendPipeline) throws {
        try pipeline.checkFailure()
        if let p = pipeline.takeUnacknowledged() { try source.acknowledge(through: p) }
    }

    /// Normalizes one batch, quarantines what fails (durably), and hands the rest to the append pipeline.
    func handle(_ records: consuming [SourceRecord], pipeline: AppendPipeline, summary: inout Summary) throws {
        var batch = EventBatch()
        var events: [Event] = []
        events.reserveCapacity(records.count)
        var rejected: [Quarantine.NewEntry] = []
        var lastIsRejected = false
        var declarations: [EntitySchema] = []
        /// One change: mapped and checked into `events`, or refused into `rejected`.
        func take(_ change: Event, position: String, raw: [UInt8]) {
            // A source without raw bytes gets the change itself quarantined: keep a copy only when the
            // mapping could reject it (entity rules, rejected entities, a key still to find); a change that
            // passes through unmapped is kept only once it is refused.
            let keepsRaw = !raw.isEmpty
            var outcome: MappingOutcome
            var original: Event?
            if passesUnmapped(change) {
                // No rules for it: the mapping would pass it unchanged after `fault`, which is checked here
                // once, its names once per run of events sharing them (a snapshot's rows do).
                if let f = names.fault(of: change) {
                    if !keepsRaw { original = change }
                    outcome = .rejected(Rejection(rule: f.rule, column: f.column, reason: f.reason))
                } else {
                    // Straight into the batch: wrapping it in an outcome costs a copy of the event.
                    var e = change
                    do {
                        try keys.admit(e)
                        if e.origin == nil { e.origin = settings.origin }
                        events.append(e)
                        lastIsRejected = false
                        return
                    } catch {
                        outcome = .rejected(Rejection(rule: "key", reason: error.description))
                        if !keepsRaw { original = e }
                    }
                }
            } else {
                original = !keepsRaw ? change : nil
                outcome = mapping.apply(change)
            }
            var refused: Event?
            if case .event(let e) = outcome {
                // A key that is not its entity's would name another row (or none) in the store: the journal
                // would refuse the whole batch, so it is quarantined here, alone. (Without `original`, the
                // mapping passed the change unchanged: the event is what to keep.)
                do { try keys.admit(e) } catch {
                    outcome = .rejected(Rejection(rule: "key", reason: error.description))
                    if !keepsRaw, original == nil { refused = e }
                }
            }
            switch outcome {
            case .event(var e):
                if e.origin == nil { e.origin = settings.origin }
                events.append(e)
                lastIsRejected = false
            case .rejected(let j):
                rejected.append(.init(position: position, rejection: j,
                                      raw: keepsRaw ? raw : (original ?? refused).map { EventJSON.encode($0) } ?? [],
                                      format: keepsRaw ? source.rawFormat : .tandem))
                lastIsRejected = true
            }
        }
        var lastIsSkipped = false
        for i in records.indices {
            lastIsSkipped = records[i].skipped
            if lastIsSkipped { summary.skipped += 1; continue }
            if var encoded = records[i].encoded.take() {
                if admits(encoded) {
                    // Checked once for all its events (see `EncodedEvents.uniform`): journaled as encoded.
                    if encoded.origin == nil { encoded.origin = settings.origin }
                    batch.append(events)
                    events.removeAll()
                    batch.append(encoded)
                    lastIsRejected = false
                } else {
                    for e in encoded.events() { take(e, position: e.sourcePosition ?? records[i].position, raw: []) }
                }
                continue
            }
            // Move the change out of the record: an Event copy costs a retain per string and row.
            if let change = records[i].change.take() {
                if source.rawFormat == .debezium, !declaredEntities.contains(change.entity),
                   let declared = DebeziumDecoder.declaredSchema(records[i].raw) {
                    declarations.append(declared)
                    declaredEntities.insert(change.entity)
                }
                take(change, position: records[i].position, raw: records[i].raw)
            } else {
                let r = records[i]
                let j = r.failure ?? Rejection(rule: "parse", reason: "undecodable input")
                rejected.append(.init(position: r.position, rejection: j, raw: r.raw, rawLength: r.rawLength, format: source.rawFormat))
                lastIsRejected = true
            }
        }
        batch.append(events)
        let last = records[records.count - 1].position
        if !rejected.isEmpty || lastIsSkipped {
            // When the batch ends in rejected or skipped input, remember that the source read past the journal.
            let after = batch.lastPosition ?? journalPosition
            // A retried entry whose event is no longer in the journal (truncated) is quarantined again. The
            // journal is read only with no append in flight (the pipeline's contract); this is rare.
            summary.quarantined += try quarantine.add(rejected, source: source.description,
                                                      cursor: lastIsRejected || lastIsSkipped ? (last, after) : nil) {
                [journal] id, seq in
                try pipeline.drain()
                return try journal.event(at: seq)?.txn == Quarantine.retryTxn(id)
            }
            logQuarantined(rejected)
        }
        // Quarantined input is durable before the events after it are journaled, so a crash never leaves a
        // journaled position beyond input that is neither journaled nor quarantined.
        if let p = batch.lastPosition { journalPosition = p }
        // A Debezium log declares its tables' types in each line's schema block: recorded before the changes.
        if !declarations.isEmpty { try journal.declareSchemas(mapping.targetSchemas(of: declarations)) }
        try pipeline.submit(batch, through: last, closesTransactions: source.lastReadEndsTransaction)
        summary.position = last
    }

    /// True when the mapping passes `change` through unchanged: no rules for its entity, and it has a key.
    private func passesUnmapped(_ change: borrowing Event) -> Bool {
        mapping.unlistedEntities == .pass && !change.key.isEmpty
            && (mapping.entities.isEmpty || mapping.entities[change.entity] == nil)
    }

    /// Whether `encoded` is journaled as it is: its events are uniform, pass unmapped, and its first event
    /// (so every one) is sound and has its entity's key (learned here when new).
    private func admits(_ encoded: EncodedEvents) -> Bool {
        guard encoded.uniform, !encoded.isEmpty else { return false }
        let first = encoded.event(at: 0)
        guard passesUnmapped(first), first.fault == nil else { return false }
        do { try keys.admit(first) } catch { return false }
        return true
    }
}

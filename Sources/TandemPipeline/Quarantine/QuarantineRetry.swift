import TandemCore
import TandemSources

/// The result of retrying quarantined entries.
public struct RetryResult: Sendable, Equatable {
    /// Entries journaled, with the seq each got.
    public var journaled: [(id: Int64, seq: UInt64)] = []
    /// Entries that failed again, with the new reason.
    public var failed: [(id: Int64, rejection: Rejection)] = []
    /// Entries left out because the journal holds a newer change of their key: the seq of that change.
    public var superseded: [(id: Int64, newerSeq: UInt64)] = []
    /// Entries a newer journaled change of their key superseded, whose legacy row was re-read instead (journaled
    /// as the current row, or failed again on it): the seq of that newer change.
    public var reread: [Int64: UInt64] = [:]

    public static func == (a: RetryResult, b: RetryResult) -> Bool {
        a.journaled.map(\.id) == b.journaled.map(\.id) && a.failed.map(\.id) == b.failed.map(\.id)
            && a.superseded.map(\.id) == b.superseded.map(\.id)
    }
}

/// What `Quarantine.retry` needs from the journal besides appends: where the next event goes (and, from
/// `IngestJournal`, what an earlier, interrupted retry left there). `TandemJournal`'s writer conforms.
public protocol QuarantineRetryJournal: IngestJournal {
    /// The seq of the last durable event (0 when the journal is empty).
    var lastSeq: UInt64 { get }
    /// Calls `body` with every durable event, ascending.
    func forEachEvent(_ body: (Event) throws -> Void) throws
}

extension QuarantineRetryJournal {
    /// Every event through `event(at:)`, one seq at a time (journals with a reader do better).
    public func forEachEvent(_ body: (Event) throws -> Void) throws {
        guard lastSeq > 0 else { return }
        for seq in 1...lastSeq { if let e = try event(at: seq) { try body(e) } }
    }
}

extension Quarantine {
    /// The `txn` a retried entry's event carries: it names the entry, so the journal itself shows whether an
    /// interrupted retry journaled it.
    public static func retryTxn(_ id: Int64) -> String { "quarantine:\(id)" }

    /// Runs entries through `mapping` again (after the operator fixed a rule) and journals those that pass,
    /// each at most once even when a retry is killed at any point.
    ///
    /// Before an append the entry is durably marked `retrying` with the seq its event will get (the journal's
    /// writer lock keeps other writers out meanwhile), and the event carries `retryTxn(id)`. A later retry of a
    /// `retrying` entry first looks at that seq: holding the entry's event, it is only marked `retried`.
    ///
    /// A retried event carries the journal's current last `sourcePosition`, not its own older one, so a later
    /// `ingest` still resumes where it was.
    ///
    /// An entry whose key the journal changed after it (a journaled change of the same entity and key, or a
    /// truncate of the entity, whose source position is not known to come before the entry's) is never
    /// journaled as it is, since appending it would make the store older than that change. From a
    /// `sqlite-changelog` source, the legacy table's current row of its key is re-read instead and journaled
    /// (mapped) as an `update` with it as after-image, or a `delete` of the key when the row is gone
    /// (`RetryReread`). Other sources cannot be re-read by key: the entry is marked `superseded` with the newer
    /// change's seq and left for the operator (`drop`).
    /// - Parameters:
    ///   - ids: the entries to retry; nil retries every quarantined (or interrupted) entry.
    ///   - legacyDatabase: the database to re-read `sqlite-changelog` entries from (nil: the path their source names).
    /// - Throws: `QuarantineError` for an unknown or not-quarantined id, the journal's error, or `SourceError`
    ///   when a legacy database to re-read cannot be read.
    public func retry(_ ids: [Int64]?, mapping: Mapping, journal: any QuarantineRetryJournal,
                      origin: String? = "legacy", legacyDatabase: String? = nil) throws -> RetryResult {
        let entries: [QuarantineEntry]
        if let ids {
            entries = try ids.map { id in
                let e = try entry(id)
                guard e.state == .quarantined || e.state == .retrying else { throw QuarantineError.notQuarantined(id: id, state: e.state) }
                return e
            }
        } else {
            entries = try list(states: [.quarantined, .retrying])
        }
        var result = RetryResult()
        let resume = try journal.lastSourcePosition()
        var keys = try journal.entityKeyCatalog()
        var freshness = try RetryFreshness(keys: Set(entries.compactMap { mapped($0, mapping).map(RowIdentity.init) }),
                                           journal: journal, entryPosition: { try? entry($0).position })
        var reread = RetryReread(legacyDatabase: legacyDatabase)
        defer { reread.close() }
        for e in entries {
            if e.state == .retrying, let seq = e.journaledSeq, try journal.event(at: seq)?.txn == Quarantine.retryTxn(e.id) {
                // An interrupted retry journaled it durably but did not get to mark it.
                try markRetried(e.id, seq: seq)
                result.journaled.append((e.id, seq))
                continue
            }
            var outcome: MappingOutcome
            switch e.format.decode(e.raw, position: e.position) {
            case .change(let c): outcome = mapping.apply(c)
            case .skip: outcome = .rejected(Rejection(rule: "parse", reason: "the input holds no change (tombstone)"))
            case .failure(let r): outcome = .rejected(r)
            }
            // The same key check as ingest: the journal would refuse it anyway, as an error.
            func admitted(_ o: MappingOutcome) -> MappingOutcome {
                guard case .event(let ev) = o else { return o }
                do { try keys.admit(ev) } catch { return .rejected(Rejection(rule: "key", reason: error.description)) }
                return o
            }
            outcome = admitted(outcome)
            // The source position the journaled change stands for (for later entries of its key in this run).
            var standsFor = e.position
            if case .event(let ev) = outcome, let newer = freshness.newer(than: e.position, key: .init(ev)) {
                // Journaling it now would put the old change after a newer one: the store would go back in time.
                // Where the source can be read by key, its current state replaces the old change.
                guard case .change(let legacy) = e.format.decode(e.raw, position: e.position),
                      let current = try reread.current(of: legacy, entry: e) else {
                    try markSuperseded(e.id, by: newer)
                    result.superseded.append((e.id, newer))
                    continue
                }
                result.reread[e.id] = newer
                outcome = admitted(mapping.apply(current.change))
                standsFor = String(current.changeID)
            }
            switch outcome {
            case .event(var ev):
                let key = RowIdentity(ev)
                // The journal's own last position, not the entry's (older) one: ingest resumes where it was.
                ev.sourcePosition = resume
                if ev.origin == nil { ev.origin = origin }
                ev.txn = Quarantine.retryTxn(e.id)
                try markRetrying(e.id, expectedSeq: journal.lastSeq + 1)
                guard let range = try journal.appendDurably([ev]) else { continue }
                try markRetried(e.id, seq: range.upperBound)
                freshness.record(key, seq: range.upperBound, position: standsFor)
                result.journaled.append((e.id, range.upperBound))
            case .rejected(let r):
                if e.rawLength > Int64(e.raw.count) {
                    let cut = Rejection(rule: "size", reason: e.reason)
                    try markRetryFailed(e.id, cut)
                    result.failed.append((e.id, cut))
                } else {
                    try markRetryFailed(e.id, r)
                    result.failed.append((e.id, r))
                }
            }
        }
        return result
    }

    /// The event `entry` maps to now, or nil when it does not map to one.
    private func mapped(_ entry: QuarantineEntry, _ mapping: Mapping) -> Event? {
        guard entry.state == .quarantined || entry.state == .retrying,
              case .change(let c) = entry.format.decode(entry.raw, position: entry.position),
              case .event(let ev) = mapping.apply(c), ev.op != .truncate else { return nil }
        return ev
    }
}

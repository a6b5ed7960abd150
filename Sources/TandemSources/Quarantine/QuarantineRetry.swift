import TandemCore

/// The result of retrying quarantined entries.
public struct RetryResult: Sendable, Equatable {
    /// Entries journaled, with the seq each got.
    public var journaled: [(id: Int64, seq: UInt64)] = []
    /// Entries that failed again, with the new reason.
    public var failed: [(id: Int64, rejection: Rejection)] = []

    public static func == (a: RetryResult, b: RetryResult) -> Bool {
        a.journaled.map(\.id) == b.journaled.map(\.id) && a.failed.map(\.id) == b.failed.map(\.id)
    }
}

extension Quarantine {
    /// Runs entries through `mapping` again (after the operator fixed a rule) and journals those that pass.
    ///
    /// A retried event carries the journal's current last `sourcePosition`, not its own older one, so a later
    /// `ingest` still resumes where it was.
    /// - Parameter ids: the entries to retry; nil retries every quarantined entry.
    /// - Throws: `QuarantineError` for an unknown or not-quarantined id, or the journal's error.
    public func retry(_ ids: [Int64]?, mapping: Mapping, journal: any IngestJournal,
                      origin: String? = "legacy") throws -> RetryResult {
        let entries: [QuarantineEntry]
        if let ids {
            entries = try ids.map { id in
                let e = try entry(id)
                guard e.state == .quarantined else { throw QuarantineError.notQuarantined(id: id, state: e.state) }
                return e
            }
        } else {
            entries = try list()
        }
        var result = RetryResult()
        let resume = try journal.lastSourcePosition()
        for e in entries {
            let outcome: MappingOutcome
            switch e.format.decode(e.raw, position: e.position) {
            case .change(let c): outcome = mapping.apply(c)
            case .skip: outcome = .rejected(Rejection(rule: "parse", reason: "the input holds no change (tombstone)"))
            case .failure(let r): outcome = .rejected(r)
            }
            switch outcome {
            case .event(var ev):
                ev.sourcePosition = resume
                if ev.origin == nil { ev.origin = origin }
                guard let range = try journal.appendDurably([ev]) else { continue }
                try markRetried(e.id, seq: range.upperBound)
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
}

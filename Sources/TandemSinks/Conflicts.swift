import TandemCore

/// A change that met a row state the source did not expect (issue 10: conflicts are visible).
public enum ConflictKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// An insert whose key already held a row (the row was overwritten).
    case insertExists = "insert-exists"
    /// An update of a row that was not there (it was inserted).
    case updateMissing = "update-missing"
    /// A delete of a row that was not there.
    case deleteMissing = "delete-missing"

    /// In declaration order (the order summaries list them in).
    public static func < (a: ConflictKind, b: ConflictKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The conflict an event of `op` meets when its row `existed` (or not) before it; nil for none. Snapshot
    /// events are upserts, never conflicts.
    static func of(_ op: ChangeKind, existed: Bool) -> ConflictKind? {
        switch op {
        case .insert: existed ? .insertExists : nil
        case .update: existed ? nil : .updateMissing
        case .delete: existed ? nil : .deleteMissing
        case .snapshot, .truncate: nil
        }
    }
}

/// One conflict: the event that met it.
public struct Conflict: Sendable, Hashable {
    /// What the event met.
    public var kind: ConflictKind
    /// The event's journal seq.
    public var seq: UInt64
    /// The event's entity.
    public var entity: String
    /// The event's key.
    public var key: Row

    /// A conflict of event `seq`.
    public init(kind: ConflictKind, seq: UInt64, entity: String, key: Row) {
        self.kind = kind; self.seq = seq; self.entity = entity; self.key = key
    }

    /// `conflict: seq 7 insert-exists on customers key id=1` (as errors show entities and keys).
    public var logLine: String {
        "conflict: seq \(seq) \(kind.rawValue) on \(SinkError.shown(entity)) key \(SinkError.keyText(key))"
    }
}

/// Counts of conflicts per kind.
public struct ConflictCounts: Sendable, Hashable, CustomStringConvertible {
    /// How many of each kind (kinds never met are absent).
    public private(set) var counts: [ConflictKind: Int] = [:]

    /// No conflicts.
    public init() {}

    /// All kinds together.
    public var total: Int { counts.values.reduce(0, +) }

    /// Counts one conflict.
    public mutating func add(_ kind: ConflictKind, _ n: Int = 1) { counts[kind, default: 0] += n }

    /// `2 insert-exists, 1 delete-missing` (kinds with a count only; `none` when there are none).
    public var description: String {
        let parts = ConflictKind.allCases.compactMap { k in counts[k].map { "\($0) \(k.rawValue)" } }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// `{"insert-exists":0,"update-missing":0,"delete-missing":0}` (every kind).
    public var json: JSONValue { .object(ConflictKind.allCases.map { ($0.rawValue, .int(Int64(counts[$0] ?? 0))) }) }
}

/// Logs conflicts without flooding: the first `burst` one line each, then at most one summary line per
/// `interval` with the count of those not shown.
public struct ConflictLog {
    let burst: Int
    let interval: Duration
    let log: (String) -> Void
    private var shown = 0
    private var unshown = ConflictCounts()
    private var lastSummary: ContinuousClock.Instant?

    /// A log writing through `log`.
    public init(burst: Int = 10, interval: Duration = .seconds(60), log: @escaping (String) -> Void) {
        self.burst = burst; self.interval = interval; self.log = log
    }

    /// Logs (or counts, past the burst) `conflicts`, at `now`.
    public mutating func note(_ conflicts: [Conflict], now: ContinuousClock.Instant = .now) {
        for c in conflicts {
            if shown < burst {
                shown += 1
                log(c.logLine + (shown == burst ? " (further conflicts are summarized once a minute)" : ""))
            } else {
                unshown.add(c.kind)
            }
        }
        if unshown.total > 0, lastSummary.map({ now - $0 >= interval }) ?? true { flush(now: now) }
    }

    /// Logs the summary of conflicts not shown yet, if any.
    public mutating func flush(now: ContinuousClock.Instant = .now) {
        guard unshown.total > 0 else { return }
        log("conflicts: \(unshown.total) more (\(unshown))")
        unshown = ConflictCounts()
        lastSummary = now
    }
}

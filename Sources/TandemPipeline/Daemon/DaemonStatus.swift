import TandemCore
import TandemSinks

/// What the running daemon knows of itself at one moment: the one model behind `/status`, `/metrics`,
/// `/healthz`, systemd's `STATUS=` line and `tandem status`. The daemon fills it; renderers only read it.
/// When the daemon is not running, `tandem status` fills the same model from the journal and the sinks'
/// checkpoints directly (`live == false`).
public struct DaemonStatus: Sendable, Hashable {
    /// True when a running daemon produced this; false when read from disk with no daemon.
    public var live: Bool
    /// When this was taken.
    public var takenAt: Timestamp
    /// When the daemon started (nil when not live).
    public var startedAt: Timestamp?
    /// The daemon's process id (nil when not live).
    public var pid: Int32?
    /// The source side: position, rates, quarantine.
    public var source: SourceStatus
    /// The journal: head, size, segments.
    public var journal: JournalStatus
    /// Every configured sink, in config order.
    public var sinks: [SinkStatus]
    /// The migration's cohorts (empty without a `migration` block).
    public var cohorts: [CohortStatus] = []
    /// The reverse flow, new store → legacy store (nil without a `migration` block; `stopped` when read from disk).
    public var reverse: ReverseStatus?
    /// The control room's timeline and history (nil when not from a running daemon).
    public var controlRoom: ControlRoomFigures?

    /// A status from its parts.
    public init(live: Bool, takenAt: Timestamp, startedAt: Timestamp? = nil, pid: Int32? = nil,
                source: SourceStatus, journal: JournalStatus, sinks: [SinkStatus]) {
        self.live = live; self.takenAt = takenAt; self.startedAt = startedAt; self.pid = pid
        self.source = source; self.journal = journal; self.sinks = sinks
    }

    /// Reasons the daemon is not healthy (empty: `/healthz` answers 200 `ok`).
    public var unhealthyReasons: [String] {
        var reasons: [String] = []
        if source.state != .running { reasons.append("source \(source.state.rawValue): \(source.reason ?? "no reason given")") }
        if journal.state != .running { reasons.append("journal \(journal.state.rawValue): \(journal.reason ?? "no reason given")") }
        for sink in sinks where sink.state != .running {
            reasons.append("sink \(sink.name) \(sink.state.rawValue): \(sink.reason ?? "no reason given")")
        }
        return reasons
    }

    /// The largest lag in events over all sinks (0 with no sinks).
    public var worstLagEvents: UInt64 { sinks.map(\.lagEvents).max() ?? 0 }
}

/// The source side of the daemon.
public struct SourceStatus: Sendable, Hashable {
    /// The source spec as the config writes it (no secret).
    public var spec: String
    /// Where it stands.
    public var state: ComponentState
    /// Why it is not running (nil when running).
    public var reason: String?
    /// The last journaled source position (nil before the first event).
    public var position: String?
    /// Events journaled since the daemon started.
    public var eventsTotal: UInt64
    /// Input records quarantined since the daemon started.
    public var quarantinedTotal: UInt64
    /// Open quarantine entries by reason (the whole quarantine, not only this run).
    public var quarantineByReason: [String: Int]
    /// Events journaled per second over the last minute.
    public var eventsPerSecond: Double

    /// A source status from its parts.
    public init(spec: String, state: ComponentState, reason: String? = nil, position: String? = nil,
                eventsTotal: UInt64 = 0, quarantinedTotal: UInt64 = 0, quarantineByReason: [String: Int] = [:],
                eventsPerSecond: Double = 0) {
        self.spec = spec; self.state = state; self.reason = reason; self.position = position
        self.eventsTotal = eventsTotal; self.quarantinedTotal = quarantinedTotal
        self.quarantineByReason = quarantineByReason; self.eventsPerSecond = eventsPerSecond
    }
}

/// The journal as the daemon sees it.
public struct JournalStatus: Sendable, Hashable {
    /// The journal directory.
    public var directory: String
    /// Where it stands (`degraded` when its disk is full).
    public var state: ComponentState
    /// Why it is not running (nil when running).
    public var reason: String?
    /// The newest seq (0 when empty).
    public var headSeq: UInt64
    /// The oldest seq still held (0 when empty).
    public var firstSeq: UInt64
    /// Bytes on disk in segments.
    public var bytes: UInt64
    /// Segment files.
    public var segments: Int
    /// The commit time of the newest event (nil when empty or unknown).
    public var headCommittedAt: Timestamp?

    /// A journal status from its parts.
    public init(directory: String, state: ComponentState, reason: String? = nil, headSeq: UInt64, firstSeq: UInt64,
                bytes: UInt64, segments: Int, headCommittedAt: Timestamp? = nil) {
        self.directory = directory; self.state = state; self.reason = reason; self.headSeq = headSeq
        self.firstSeq = firstSeq; self.bytes = bytes; self.segments = segments; self.headCommittedAt = headCommittedAt
    }
}

/// One sink as the daemon sees it.
public struct SinkStatus: Sendable, Hashable {
    /// The sink's name in the config.
    public var name: String
    /// The store (no secret).
    public var spec: String
    /// Where it stands: `degraded` while retrying a store that is down, `stopped` on a poison event.
    public var state: ComponentState
    /// Why it is not running: the store error, or the poison event's seq, entity and key.
    public var reason: String?
    /// The last seq durably applied (the sink's own checkpoint).
    public var appliedSeq: UInt64
    /// Journal head minus applied seq.
    public var lagEvents: UInt64
    /// Now minus the commit time of the newest applied event; 0 when caught up.
    public var lagSeconds: Double
    /// Events applied since the daemon started.
    public var eventsTotal: UInt64
    /// Conflicts met since the daemon started, by kind.
    public var conflicts: ConflictCounts
    /// Events parked for this sink (kept with their reason, re-playable).
    public var parked: Int
    /// Events applied per second over the last minute.
    public var eventsPerSecond: Double
    /// Retries of the current fault (0 when running).
    public var attempts: Int

    /// A sink status from its parts.
    public init(name: String, spec: String, state: ComponentState, reason: String? = nil, appliedSeq: UInt64,
                lagEvents: UInt64, lagSeconds: Double = 0, eventsTotal: UInt64 = 0,
                conflicts: ConflictCounts = ConflictCounts(), parked: Int = 0, eventsPerSecond: Double = 0,
                attempts: Int = 0) {
        self.name = name; self.spec = spec; self.state = state; self.reason = reason; self.appliedSeq = appliedSeq
        self.lagEvents = lagEvents; self.lagSeconds = lagSeconds; self.eventsTotal = eventsTotal
        self.conflicts = conflicts; self.parked = parked; self.eventsPerSecond = eventsPerSecond
        self.attempts = attempts
    }
}

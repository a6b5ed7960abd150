import Synchronization
import TandemCore
import TandemSinks

/// The daemon's live figures: written by its workers as things happen, read by `Daemon.status()` as one
/// snapshot under one lock (no I/O while it is held, so a status costs microseconds).
final class DaemonState: Sendable {
    struct Source {
        var state = ComponentState.starting
        var reason: String?
        var attempts = 0
        var position: String?
        var eventsTotal: UInt64 = 0
        var quarantinedTotal: UInt64 = 0
        /// Open quarantine entries by rule, as the ticker last read them (`SideFigures`).
        var quarantineByReason: [String: Int] = [:]
        var rate = RateWindow()
        /// The last time the source loop went round (a read returned), for the wedge check.
        var lastBeat = ContinuousClock.now
    }

    struct Sink {
        var name: String
        var spec: String
        var state = ComponentState.starting
        var reason: String?
        var attempts = 0
        var appliedSeq: UInt64 = 0
        var eventsTotal: UInt64 = 0
        var conflicts = ConflictCounts()
        var rate = RateWindow()
        /// When `appliedSeq` last moved or the sink was last seen caught up (the wedge check).
        var lastAdvance = ContinuousClock.now
        /// The seq the lag in seconds is measured from (`SinkLag.referenceSeq`) and its commit time, as the
        /// ticker last read them (nil when caught up).
        var lagReference: (seq: UInt64, committedAt: Timestamp?)?
        /// Events on the sink's parked list, as the ticker last read it (`SideFigures`).
        var parked = 0
        var lagWarned = false
    }

    struct Journal {
        var directory: String
        var state = ComponentState.running
        var reason: String?
        var headSeq: UInt64 = 0
        /// The head when the daemon started: events journaled since = head - this (the daemon is the only writer).
        var startHead: UInt64 = 0
        var firstSeq: UInt64 = 0
        var bytes: UInt64 = 0
        var segments = 0
        var headCommittedAt: Timestamp?
    }

    struct Inner {
        var source: Source
        var journal: Journal
        var sinks: [Sink]
    }

    private let inner: Mutex<Inner>
    let sourceSpec: String
    let startedAt: Timestamp

    init(sourceSpec: String, journal: String, head: UInt64, sinks: [DaemonConfig.Sink], startedAt: Timestamp) {
        self.sourceSpec = sourceSpec
        self.startedAt = startedAt
        inner = Mutex(Inner(source: Source(), journal: Journal(directory: journal, headSeq: head, startHead: head),
                            sinks: sinks.map { Sink(name: $0.name, spec: $0.spec.description) }))
    }

    /// Runs `body` on the state under the lock.
    func update<T>(_ body: (inout Inner) -> T) -> T { inner.withLock { body(&$0) } }

    /// Runs `body` on the sink named `name` under the lock.
    func updateSink(_ name: String, _ body: (inout Sink) -> Void) {
        inner.withLock { s in
            if let i = s.sinks.firstIndex(where: { $0.name == name }) { body(&s.sinks[i]) }
        }
    }

    /// The public model of the current state.
    func snapshot(now: Timestamp, pid: Int32) -> DaemonStatus {
        inner.withLock { s in
            let head = s.journal.headSeq
            let sinks = s.sinks.map { k -> SinkStatus in
                let lag = head > k.appliedSeq ? head - k.appliedSeq : 0
                let lagSeconds = SinkLag.seconds(lagEvents: lag, referenceCommittedAt: k.lagReference?.committedAt ?? nil, now: now)
                return SinkStatus(name: k.name, spec: k.spec, state: k.state, reason: k.reason, appliedSeq: k.appliedSeq,
                                  lagEvents: lag, lagSeconds: lagSeconds, eventsTotal: k.eventsTotal,
                                  conflicts: k.conflicts, parked: k.parked, eventsPerSecond: k.rate.perSecond, attempts: k.attempts)
            }
            let source = SourceStatus(spec: sourceSpec, state: s.source.state, reason: s.source.reason,
                                      position: s.source.position, eventsTotal: s.source.eventsTotal,
                                      quarantinedTotal: s.source.quarantinedTotal,
                                      quarantineByReason: s.source.quarantineByReason, eventsPerSecond: s.source.rate.perSecond)
            let journal = JournalStatus(directory: s.journal.directory, state: s.journal.state, reason: s.journal.reason,
                                        headSeq: head, firstSeq: s.journal.firstSeq, bytes: s.journal.bytes,
                                        segments: s.journal.segments, headCommittedAt: s.journal.headCommittedAt)
            return DaemonStatus(live: true, takenAt: now, startedAt: startedAt, pid: pid, source: source,
                                journal: journal, sinks: sinks)
        }
    }
}

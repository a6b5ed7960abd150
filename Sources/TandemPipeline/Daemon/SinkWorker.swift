import Synchronization
import TandemCore
import TandemJournal
import TandemSinks

/// One sink's applier thread: a following `Replayer` from the sink's checkpoint, waking on the journal's
/// appends (inotify; no polling loop), with the daemon's `ConsumerPositions` as its ledger.
///
/// Faults: a store that is down (a retryable `SinkError`: unavailable, busy, connection lost, I/O) makes the
/// sink `degraded` with the reason and the attempt count, retried with capped exponential back-off; a batch
/// that can never succeed (a refused event, a key the store refuses, a changed filter…) makes it `stopped`
/// with the error's reason (seq, entity and key for a refused event). A stopped sink is tried again every
/// `recheck` (and at once on SIGHUP): when the cause is gone — the event parked, the table fixed — it runs on;
/// otherwise it stays stopped without a new log line. Other sinks and ingestion are never held up.
final class SinkWorker: Sendable {
    /// The sink's name (its consumer name in the journal and its checkpoint row).
    let name: String
    private let config: Mutex<(sink: DaemonConfig.Sink, retry: DaemonConfig.Retry)>
    private let journal: String
    private let ledger: ConsumerPositions
    private let state: DaemonState
    private let log: DaemonLog
    private let stop: Wakeup
    /// Fired to restart the replay with new settings, or to retry a stopped sink now.
    private let kick = Wakeup()
    private let recheck: Duration
    /// Left once the sink has read its checkpoint or failed for the first time (the daemon waits for it before READY).
    private let started: Mutex<(@Sendable () -> Void)?>
    /// The journal writer's last announced transaction end (`JournalHandle.closedTransactionSeq`).
    private let closedTransactions: @Sendable () -> UInt64
    /// The decoded events every sink shares (nil: the sink reads the journal itself).
    private let feed: SharedJournalFeed?

    init(sink: DaemonConfig.Sink, retry: DaemonConfig.Retry, journal: String, ledger: ConsumerPositions,
         state: DaemonState, log: DaemonLog, stop: Wakeup, recheck: Duration, started: @escaping @Sendable () -> Void,
         closedTransactions: @escaping @Sendable () -> UInt64 = { 0 }, feed: SharedJournalFeed? = nil) {
        self.closedTransactions = closedTransactions
        self.feed = feed
        name = sink.name
        config = Mutex((sink, retry))
        self.journal = journal; self.ledger = ledger; self.state = state; self.log = log; self.stop = stop
        self.recheck = recheck
        self.started = Mutex(started)
    }

    /// New settings (batch size, filter, back-off): the replay restarts with them after its batch in hand.
    func reload(_ sink: DaemonConfig.Sink, retry: DaemonConfig.Retry) {
        config.withLock { $0 = (sink, retry) }
        kick.fire()
    }

    /// Wakes the worker now (daemon stop, or a retry of a stopped sink).
    func poke() { kick.fire() }

    private func markStarted() {
        started.withLock { f in f?(); f = nil }
    }

    /// The thread's body: replays until the daemon stops.
    func run() {
        defer { markStarted() }
        while !stop.isFired {
            kick.reset()
            let (cfg, retry) = config.withLock { $0 }
            let base: (UInt64, ConflictCounts) = state.update { s in
                s.sinks.first { $0.name == name }.map { ($0.eventsTotal, $0.conflicts) } ?? (0, ConflictCounts())
            }
            do {
                // One connection attempt: a store that is down is this worker's to retry, with the config's back-off.
                let sink = try cfg.spec.open(connectAttempts: 1) { [log] in log.warning($0) }
                defer { sink.close() }
                var options = ReplayOptions(filter: cfg.filter, batchSize: cfg.batchSize, follow: true, consumerName: cfg.name)
                options.ledger = ledger
                options.splitTransactionsOver = cfg.splitTransactionsOver
                // The writer is in this process: commit as soon as the tail closes a source transaction.
                options.closedTransactionSeq = closedTransactions
                if let feed { options.events = { SharedFeedCursor(feed: feed, start: $0) } }
                let sinkName = name
                options.log = { [log] line in log.warning("sink \(sinkName): \(line)") }
                let replayer = Replayer(journal: journal, sink: sink, options: options)
                try replayer.run(progress: { [self] p in
                    var conflicts = base.1
                    for (k, n) in p.conflicts.counts { conflicts.add(k, n) }
                    state.updateSink(name) {
                        $0.appliedSeq = p.checkpoint
                        $0.eventsTotal = base.0 + UInt64(p.applied)
                        $0.conflicts = conflicts
                    }
                    running(committed: true, checkpoint: p.checkpoint)
                }, shouldStop: { [self] in
                    running(committed: false, checkpoint: nil)
                    return stop.isFired || kick.isFired
                })
            } catch {
                fail(error, retry: retry)
            }
        }
    }

    /// The replay reached the store (`committed`: it committed a batch through `checkpoint`).
    private func running(committed: Bool, checkpoint: UInt64?) {
        markStarted()
        let back = state.update { s -> (ComponentState, Int, String?)? in
            guard let i = s.sinks.firstIndex(where: { $0.name == name }) else { return nil }
            if let checkpoint { s.sinks[i].appliedSeq = checkpoint }
            let was = s.sinks[i].state
            // A stopped sink is running again only once it committed past its fault; a degraded one as soon as
            // its store answers.
            guard was != .running, committed || was != .stopped else { return nil }
            let r = (was, s.sinks[i].attempts, s.sinks[i].reason)
            s.sinks[i].state = .running; s.sinks[i].reason = nil; s.sinks[i].attempts = 0
            return r
        }
        guard let (was, attempts, reason) = back else { return }
        switch was {
        case .degraded: log.notice("sink \(name) is running again after \(attempts) failed attempt\(attempts == 1 ? "" : "s") (was: \(reason ?? "?"))")
        case .stopped: log.notice("sink \(name) is running again; it had stopped on: \(reason ?? "?")")
        case .starting, .running: break
        }
    }

    private func fail(_ error: Error, retry: DaemonConfig.Retry) {
        markStarted()
        let reason = "\(error)"
        if Self.isPermanent(error) {
            let wasSame = state.update { s -> Bool in
                guard let i = s.sinks.firstIndex(where: { $0.name == name }) else { return true }
                let same = s.sinks[i].state == .stopped && s.sinks[i].reason == reason
                s.sinks[i].state = .stopped; s.sinks[i].reason = reason; s.sinks[i].attempts = 0
                return same
            }
            if !wasSame {
                log.error("sink \(name) stopped: \(reason); the other sinks and ingestion go on. Fix the cause or park the"
                          + " event (`tandem sink park`); tandem retries this sink every \(SourceWorker.text(recheck)) and on SIGHUP")
            }
            waitForStopOrKick(recheck)
            return
        }
        let attempts = state.update { s -> Int in
            guard let i = s.sinks.firstIndex(where: { $0.name == name }) else { return 1 }
            s.sinks[i].attempts += 1
            s.sinks[i].state = .degraded; s.sinks[i].reason = reason
            return s.sinks[i].attempts
        }
        let delay = retry.delay(attempt: attempts)
        log.warning("sink \(name) degraded: \(reason); retrying in \(SourceWorker.text(delay)) (attempt \(attempts));"
                    + " the other sinks and ingestion go on")
        waitForStopOrKick(delay)
    }

    /// Waits `d`, cut short by the daemon's stop or a kick (the kick wakes this worker on stop as well).
    private func waitForStopOrKick(_ d: Duration) {
        if !stop.isFired { kick.wait(d) }
    }

    /// Whether retrying the same batch can never succeed (the store refuses the data or the journal and the
    /// sink disagree); a store that is down, busy or lost its connection is retried instead.
    static func isPermanent(_ error: Error) -> Bool {
        guard let e = error as? SinkError else { return false }
        switch e {
        case .unavailable, .busy, .connectionLost, .database, .checkpointMoved: return false
        default: return true
        }
    }
}

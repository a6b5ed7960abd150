import Foundation
import Synchronization
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources

/// `tandem run`: the source into the journal and the journal into every configured sink, concurrently, in one
/// process, until stopped — with systemd notification, an HTTP status endpoint and one log.
///
/// Threads: one ingest thread (`SourceWorker`), one applier per sink (`SinkWorker`), with a `migration` block
/// one reverse-replication thread (`ReverseWorker`: new store → legacy store, its own journal) and one reading
/// the fences' refusal counters (`watchRefusals`), one ticker (`DaemonTicker`:
/// positions, figures, heartbeat, sd_notify), the HTTP server's. Backpressure: the ingest thread has at most one
/// batch in flight; the appliers take the journal's events decoded once for all of them (`SharedJournalFeed`,
/// a bounded window woken by the writer's appends), appliers with the same filter each chunk's key check and write
/// plan made once (`SharedChunk`: each sink then only commits the chunks' plans into its store), and a sink behind
/// that window reads the journal itself, never a queue, so a slow sink only grows its lag on disk.
/// Lag: the journal writer announces, in memory, appends that end a source transaction; an applier reaching one
/// commits at once instead of waiting for the next transaction to start (a replay in another process must wait).
///
/// Memory bound (RSS does not grow with the journal's length or the lag): the ingest side holds at most two
/// source reads (one decoding, one appending), each of `Ingestor.Settings.batchSize` records or, for a change
/// table's range, up to 4 batches); each sink holds at most
/// one batch of `batch` events (config, default 10,000), or the source transaction it must not split, up to
/// `splitTransactionsOver` events (default 20,000, about 25 MiB): a longer one is applied in parts. The shared
/// window holds at most `Settings.sharedWindow.events` decoded events (8,192) with one write plan per filter, and
/// each sink at most one chunk of it beyond. Journal readers map a segment window, not the journal. Everything
/// else is constant
/// (status, rates over 61 samples, rate-limited logs, the
/// writer's commit times of its last 4,096 appends).
public final class Daemon: Sendable {
    /// Knobs that are not part of the config file (tests and `tandem run` set them).
    public struct Settings: Sendable {
        /// How long a component may make no progress with work pending before the daemon counts as wedged (the
        /// watchdog ping stops). `tandem run` uses `$WATCHDOG_USEC` when systemd's watchdog is on.
        public var wedgedAfter: Duration = .seconds(60)
        /// How often a stopped sink is tried again (a parked event or a fixed table lets it go on).
        public var stoppedRecheck: Duration = .seconds(5)
        /// A sink lagging more than this many seconds gets a warning line (and a line when it is back under).
        public var lagWarningSeconds: Double = 60
        /// How often the heartbeat line is written.
        public var heartbeatEvery: Duration = .seconds(60)
        /// How often consumer positions are persisted to the manifest (at most).
        public var positionsEvery: Duration = .seconds(1)
        /// How long a stop waits for the workers to finish their batch before giving up on them.
        public var stopDeadline: Duration = .seconds(4)
        /// How long start-up waits for each sink to read its checkpoint before READY=1 (a sink that is down
        /// does not hold the daemon up: it is `degraded`).
        public var readyWait: Duration = .seconds(10)
        /// The sinks' shared decoded window (`SharedJournalFeed`): records decoded per read, and events kept.
        public var sharedWindow: (chunk: Int, events: Int) = (1_024, 8_192)

        /// How often the control room's history takes a sample (360 are kept: an hour at the default 10 s).
        public var historyEvery: Duration = .seconds(10)

        /// How often the write fences' refusal counters are read from the stores (with a `migration` block).
        public var refusalsEvery: Duration = .seconds(2)

        /// The defaults.
        public init() {}
    }

    /// The configuration the daemon started with (SIGHUP changes only mapping and sink settings, see `reload`).
    public let config: DaemonConfig
    /// The knobs.
    public let settings: Settings
    /// The log.
    public let log: DaemonLog
    let notifier: SystemdNotifier
    let state: DaemonState
    let journal: JournalHandle
    let positions: ConsumerPositions
    /// The decoded journal events every sink shares.
    let feed: SharedJournalFeed
    let stopFlag = Wakeup()
    private let source: SourceWorker
    private let sinks: [SinkWorker]
    /// The reverse flow's worker (with a `migration` block).
    private let reverse: ReverseWorker?
    private let threads = DispatchGroup()
    /// Entered once per sink in `init`, left when the sink has read its checkpoint or failed (READY waits for it).
    private let sinksStarted = DispatchGroup()
    private let http: Mutex<HTTPServer?> = Mutex(nil)
    private let running: Mutex<DaemonConfig>
    let ticker: DaemonTicker
    /// The control room's cached state-file read and in-memory history (`GET /`, `/status`).
    let controlRoom: ControlRoomState
    /// Held by `truncateJournal` and by the ticker's journal reads: a fresh reader starts at the first segment
    /// and, crossing segments while a truncation removes them, would take the gap for damage.
    let journalReads = Mutex(())

    /// Recovers the journal (creating it when missing) and prepares the workers; nothing runs until `start()`.
    /// - Throws: `DaemonConfigError`/`MappingError` for the mapping, `SourceError` when the source cannot be
    ///   opened, `JournalError` when the journal is locked by another process or damaged.
    public init(config: DaemonConfig, settings: Settings = Settings(), log: DaemonLog,
                notifier: SystemdNotifier = SystemdNotifier()) throws {
        self.config = config; self.settings = settings; self.log = log; self.notifier = notifier
        log.notice("starting (pid \(getpid())): \(config.summary)")
        let mapping = try config.mapping.map { path throws(MappingError) in try Mapping.load(path: path) } ?? .passThrough
        var options = JournalOptions(logger: { [log] in log.notice($0) })
        if let s = config.segmentSize { options.segmentSize = s }
        try IngestSession.prepare(spec: config.source, journal: config.journal, follow: true, options: options) { [log] in log.notice($0) }
        journal = try JournalHandle(directory: config.journal, options: options)
        let manifest = try Journal.manifest(at: config.journal, options: options)
        log.notice("journal \(config.journal): recovered, seqs \(manifest.firstSeq)…\(journal.lastSeq)"
                   + (manifest.consumers.isEmpty ? "" : "; consumers " + manifest.consumers.map { "\($0.name) at \($0.appliedSeq)" }.joined(separator: ", ")))
        state = DaemonState(sourceSpec: config.sourceText, journal: config.journal, head: journal.lastSeq, sinks: config.sinks, startedAt: Quarantine.now())
        // Every sink is a consumer before any thread runs: a truncation must never drop what a sink that has
        // not yet read its checkpoint still needs (registering keeps the position of one already registered).
        for s in config.sinks { try Journal.registerConsumer(s.name, at: config.journal, options: options) }
        let head = journal
        positions = ConsumerPositions(journal: config.journal, options: options, head: { head.lastSeq })
        source = SourceWorker(config: config, mapping: mapping, journal: journal, state: state, log: log, stop: stopFlag)
        let group = sinksStarted
        let shared = SharedJournalFeed(journal: journal, chunkSize: settings.sharedWindow.chunk, capacity: settings.sharedWindow.events)
        feed = shared
        let (ledger, live, stop) = (positions, state, stopFlag)
        sinks = config.sinks.map { s in
            group.enter()
            return SinkWorker(sink: s, retry: config.retry, journal: config.journal, ledger: ledger, state: live, log: log,
                              stop: stop, recheck: settings.stoppedRecheck, started: { group.leave() },
                              closedTransactions: { head.closedTransactionSeq }, feed: shared)
        }
        reverse = config.migration == nil ? nil : ReverseWorker(config: config, log: log, stop: stop)
        running = Mutex(config)
        ticker = DaemonTicker(settings: settings, notifier: notifier, log: log)
        controlRoom = ControlRoomState(history: StatusHistory(every: settings.historyEvery))
    }

    /// Starts the workers, waits (up to `readyWait`) for every sink to read its checkpoint, starts the HTTP
    /// server and tells systemd READY=1.
    /// - Throws: `HTTPServerError` when the listen address cannot be bound.
    public func start() throws {
        threads.enter()
        Thread.detachNewThread { [self] in source.run(); threads.leave() }
        for s in sinks {
            threads.enter()
            Thread.detachNewThread { [threads] in s.run(); threads.leave() }
        }
        if let reverse {
            threads.enter()
            Thread.detachNewThread { [threads] in reverse.run(); threads.leave() }
        }
        if sinksStarted.wait(timeout: .now() + .milliseconds(Self.milliseconds(settings.readyWait))) == .timedOut {
            log.warning("a sink has not read its checkpoint within \(SourceWorker.text(settings.readyWait)); ready without it")
        }
        let server = try HTTPServer(address: config.http.listen, allowNonLoopback: config.http.allowNonLoopback,
                                    acceptsPost: true) { [self] request in
            ControlRoomEndpoints.respond(to: request, config: config, log: log)
                ?? DaemonEndpoints.respond(to: request, status: { [self] in status() },
                                           routes: { [config] in RoutesEndpoint.respond(path: $0, config: config)
                                               ?? CustomerStatusPage.respond(path: $0, config: config) })
        }
        try server.start()
        http.withLock { $0 = server }
        log.notice("serving the control room (/), /healthz, /status and /metrics on http://\(server.boundAddress?.description ?? config.http.listen.description)")
        recoverMoments()
        threads.enter()
        Thread.detachNewThread { [self] in ticker.run(self); threads.leave() }
        if config.migration != nil {
            // Not in `threads`: it only reads, so a stop never waits for a store that is slow to answer it.
            Thread.detachNewThread { [self] in watchRefusals() }
        }
        notifier.ready()
        log.notice("ready: head seq \(journal.lastSeq); \(sinks.count) sink\(sinks.count == 1 ? "" : "s") applying")
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The address the HTTP server listens on (with the port the kernel picked for port 0).
    public var httpAddress: HTTPListenAddress? { http.withLock { $0?.boundAddress } }

    /// What the daemon knows of itself now (a copy of its live figures under one lock; no I/O but the cohorts'
    /// state file). The head seq is read now, like the sinks' applied seqs, so the lag in events is never
    /// measured against a head older than what a sink applied.
    public func status() -> DaemonStatus {
        let head = journal.lastSeq
        state.update { $0.journal.headSeq = max($0.journal.headSeq, head) }
        var s = state.snapshot(now: Quarantine.now(), pid: getpid())
        controlRoom.fill(&s, config: config)  // the state file, read at most once a second: cohort commands change it
        s.reverse = reverse?.status
        return s
    }

    /// Asks the daemon to stop (SIGTERM, SIGINT): the source stops after its in-flight append, each sink after
    /// its batch in hand (an uncommitted one is rolled back). `wait()` returns once done.
    public func stop() {
        guard !stopFlag.isFired else { return }
        notifier.stopping()
        stopFlag.fire()
        source.interrupt()
        for s in sinks { s.poke() }
        reverse?.poke()
    }

    /// Whether `stop()` was called.
    public var isStopping: Bool { stopFlag.isFired }

    /// Blocks until `stop()`, then waits (up to `stopDeadline`) for the workers, persists consumer positions,
    /// closes the journal and the HTTP server. Returns whether every worker finished in time.
    @discardableResult
    public func wait() -> Bool {
        while !stopFlag.wait(.seconds(3600)) {}
        let deadline = settings.stopDeadline
        let finished = threads.wait(timeout: .now() + .milliseconds(Self.milliseconds(deadline))) == .success
        do { try positions.flush() } catch { log.error("could not persist the sinks' positions: \(error) (their checkpoints stay the truth)") }
        if finished {
            journal.close()
        } else {
            log.warning("a worker did not finish within \(SourceWorker.text(deadline)); exiting without it (its store rolls the open batch back)")
        }
        http.withLock { $0?.stop(); $0 = nil }
        let head = journal.lastSeq
        state.update { $0.journal.headSeq = head }
        let s = status()
        log.notice("stopped: head seq \(s.journal.headSeq); " + s.sinks.map { "sink \($0.name) at seq \($0.appliedSeq)" }.joined(separator: ", "))
        return finished
    }

    /// Drops the journal's history before `seq` (refused, naming the sink, when a sink has not durably applied
    /// an event it would drop). Consumer positions are persisted first, so the check sees the latest durable ones.
    @discardableResult
    public func truncateJournal(before seq: UInt64, force: Bool = false) throws -> TruncationResult {
        try positions.flush()
        return try journalReads.withLock { _ in try journal.current().truncate(before: seq, force: force) }
    }

    /// Finishes or undoes a cut-over or rollback whose `tandem cohort` process ended in the middle (`MomentRecovery`):
    /// at start and once a second, so tenants are never left fenced in both stores.
    func recoverMoments() {
        do {
            for line in try CohortControl.recoverLeftBehind(config: runningConfig) { log.warning(line) }
        } catch {
            log.warning("could not recover an interrupted cohort move: \(error); trying again in a second")
        }
    }

    /// Reads each cohort's refusal counters in both stores every `refusalsEvery` into the control room's state
    /// (`/status`, `/metrics`, the timeline), on its own thread: a store that is slow to answer holds up neither
    /// the ticker's watchdog ping nor `/status`.
    func watchRefusals() {
        let reader = RefusalReader()  // one connection per PostgreSQL store, kept between reads
        repeat {
            let config = runningConfig
            let cohorts = controlRoom.current(config)?.cohorts.map(\.name) ?? []
            controlRoom.noteRefusals(CohortStatus.refusals(config: config, cohorts: cohorts, reader: reader), at: Quarantine.now())
        } while !stopFlag.wait(settings.refusalsEvery)
    }

    // MARK: internals used by the ticker and reload

    var sinkWorkers: [SinkWorker] { sinks }
    var sourceWorker: SourceWorker { source }
    var reverseWorker: ReverseWorker? { reverse }
    var runningConfig: DaemonConfig {
        get { running.withLock { $0 } }
        set { running.withLock { $0 = newValue } }
    }
}

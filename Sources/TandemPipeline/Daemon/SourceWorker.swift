import Synchronization
import TandemCore
import TandemJournal
import TandemSources

/// The daemon's ingest thread: the source into the journal through an `IngestSession` (group commit,
/// one append in flight), resuming after the newest journaled position. For a `sqlite-changelog:` source it
/// first runs the catch-up snapshot of the tables the journal holds no complete copy of (config `snapshot`). Any failure — a source that cannot be
/// read, a journal append that fails (a full disk) — leaves the source `degraded` with the reason and is retried
/// with capped exponential back-off; a failed append also reopens the writer, whose recovery cuts what was
/// half-written. Nothing here is fatal once the daemon runs.
final class SourceWorker: Sendable {
    private let spec: SourceSpec
    private let sourceText: String
    private let journal: JournalHandle
    private let state: DaemonState
    private let log: DaemonLog
    private let stop: Wakeup
    private let settings: Mutex<(mapping: Mapping, retry: DaemonConfig.Retry)>
    /// The running session's stop signal: fired on daemon stop, and to restart with a new mapping.
    private let session = Mutex<StopSignal?>(nil)
    private let quarantineLog: RateLimitedLog
    /// Whether start-up still owes the catch-up snapshot (config `snapshot`, a `sqlite-changelog:` source).
    private let snapshotFirst: Bool
    /// The migration block (`verify --repair` requests read its legacy store).
    private let migration: DaemonConfig.Migration?

    init(config: DaemonConfig, mapping: Mapping, journal: JournalHandle, state: DaemonState, log: DaemonLog, stop: Wakeup) {
        spec = config.source; sourceText = config.sourceText; migration = config.migration
        self.journal = journal; self.state = state; self.log = log; self.stop = stop
        settings = Mutex((mapping, config.retry))
        snapshotFirst = config.snapshot && config.source.kind == .sqliteChangelog
        let journalDir = config.journal
        quarantineLog = RateLimitedLog(what: "quarantined inputs") { [log] line in
            log.warning(line + " (`tandem quarantine list --journal \(journalDir)`)")
        }
    }

    /// Restarts the session with `mapping` after its in-flight append (SIGHUP).
    func reload(mapping: Mapping, retry: DaemonConfig.Retry) {
        settings.withLock { $0 = (mapping, retry) }
        session.withLock { $0?.fire() }
    }

    /// Makes the running session stop after its in-flight append (the daemon's `stop` is already fired).
    func interrupt() { session.withLock { $0?.fire() } }

    /// A `verify --repair` request waits in the spool: the session stops after its in-flight append, and the
    /// next one journals the request first (one appender at a time).
    func requestRepair() { session.withLock { $0?.fire() } }

    /// The thread's body: runs sessions until the daemon stops.
    func run() {
        var failedOnJournal = false
        var snapshotPending = snapshotFirst
        while !stop.isFired {
            let signal = StopSignal()
            session.withLock { $0 = signal }
            if stop.isFired { break }
            let (mapping, retry) = settings.withLock { $0 }
            var writer: JournalWriter?
            let base = state.update { $0.source.quarantinedTotal }
            do {
                let w = try journal.current()
                writer = w
                var s = Ingestor.Settings()
                s.quarantineLog = { [quarantineLog] in quarantineLog($0) }
                let sourceRecovered = !failedOnJournal
                s.heartbeat = { [self] in beat(recovered: sourceRecovered) }
                if snapshotPending {
                    snapshotPending = try catchUp(writer: w, mapping: mapping, settings: s, stop: signal)
                    // Stopped, or restarted with a new mapping: the snapshot resumes where it stopped.
                    if snapshotPending, signal.isFired { continue }
                    snapshotPending = false
                }
                try repairs(writer: w, mapping: mapping)
                let ingest = try IngestSession(spec: spec, writer: w, mapping: mapping, settings: s,
                                               sourceLog: { [log] in log.notice($0) })
                defer { ingest.close() }
                try ingest.run(once: false, stop: signal) { [self] summary in
                    state.update {
                        $0.source.quarantinedTotal = base + UInt64(summary.quarantined)
                        if let p = summary.position { $0.source.position = p }
                    }
                    if summary.journaled > 0 { beat(recovered: true) }
                }
                failedOnJournal = false
            } catch {
                failedOnJournal = error is JournalError
                if failedOnJournal, let writer { journal.discard(writer) }
                let attempts = state.update { s -> Int in
                    s.source.attempts += 1
                    s.source.state = .degraded
                    s.source.reason = "\(error)"
                    if failedOnJournal { s.journal.state = .degraded; s.journal.reason = "\(error)" }
                    return s.source.attempts
                }
                let delay = retry.delay(attempt: attempts)
                log.warning("source \(sourceText): \(error); retrying in \(Self.text(delay)) (attempt \(attempts))"
                            + (failedOnJournal ? "; nothing half-written stays in the journal (its recovery cuts it)" : ""))
                stop.wait(delay)
            }
        }
    }

    /// The catch-up snapshot of the tables the journal holds no complete copy of (`tandem snapshot`'s
    /// `SnapshotSession`), journaling the changes up to each chunk beside it; the live stream then continues
    /// after its last change. Returns whether tables remain (stopped before the end; the next run resumes).
    private func catchUp(writer: JournalWriter, mapping: Mapping, settings: Ingestor.Settings, stop: StopSignal) throws -> Bool {
        var snap = SQLiteSnapshotSource.Settings(path: spec.path, journal: writer.directory)
        snap.log = { [log] in log.notice($0) }
        let session = try SnapshotSession(settings: snap, writer: writer, mapping: mapping, ingestSettings: settings)
        defer { session.close() }
        let summary = try session.run(stop: stop) { [self] summary in
            if summary.journaled > 0 { beat(recovered: true) }
        }
        let p = session.source.progress
        if p.rows > 0 || !session.isComplete {
            log.notice("snapshot \(session.source.description): \(p.rows) rows of \(p.tablesTotal) table\(p.tablesTotal == 1 ? "" : "s")"
                       + " (\(p.tablesDone) complete), \(summary.journaled) events journaled; "
                       + (session.isComplete ? "following the change log" : "stopped before the end, resumed on the next start"))
        }
        return !session.isComplete
    }

    /// Journals the `verify --repair` requests waiting in the spool, each answered with the seqs it took or
    /// why it could not be journaled (a legacy store that cannot be read fails the request, not the source).
    private func repairs(writer: JournalWriter, mapping: Mapping) throws {
        let spool = RepairSpool(journal: writer.directory)
        for id in spool.pending() {
            let answer: RepairSpool.Answer
            do {
                guard let m = migration else { throw VerifyError.repair("the daemon's config has no migration block (no legacy store to read)") }
                let keys = try spool.keys(of: id)
                let legacy = try Verifier.store(m.legacy, role: "legacy")
                defer { legacy.close() }
                answer = .success(try Repair.journal(keys, legacy: legacy, mapping: mapping, writer: writer, id: id))
            } catch let e as JournalError {
                guard case .keyRefused = e else { throw e }  // the journal failed: retried (and reopened) as any append
                answer = .failure(.repair("\(e)"))
            } catch let e as VerifyError {
                answer = .failure(e)
            } catch {
                answer = .failure(.repair("\(error)"))
            }
            try spool.answer(id, answer)
            switch answer {
            case .success(let o):
                log.notice("repair \(id): journaled \(o.snapshots) snapshot and \(o.deletes) delete event\(o.snapshots + o.deletes == 1 ? "" : "s")"
                           + (o.seqs.map { " at seqs \($0.lowerBound)…\($0.upperBound)" } ?? "")
                           + (o.refused.isEmpty ? "" : "; \(o.refused.count) refused by the mapping (quarantine's)") + "; following the source again")
            case .failure(let e):
                log.warning("repair \(id): not journaled: \(e); the verify that asked reports it")
            }
        }
    }

    /// The source went round: it is alive; when `recovered` (it read, or an append succeeded), a degraded source is running again.
    private func beat(recovered: Bool) {
        let back = state.update { s -> Int? in
            s.source.lastBeat = .now
            guard recovered, s.source.state != .running else { return nil }
            let was = s.source.attempts
            s.source.state = .running; s.source.reason = nil; s.source.attempts = 0
            s.journal.state = .running; s.journal.reason = nil
            return was
        }
        if let back, back > 0 { log.notice("source \(sourceText) is running again after \(back) failed attempt\(back == 1 ? "" : "s")") }
    }

    static func text(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(ms) ms"
    }
}

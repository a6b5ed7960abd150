import Foundation
import Synchronization
import TandemCore
import TandemJournal
import TandemSinks

/// The daemon's reverse-replication thread (a `migration` block): while a cohort is in `cut-over`, the new
/// store's change table is journaled into the reverse journal (origin `new`) and applied to the legacy store
/// (`ReverseFlow`), pass after pass; after a rollback it drains what is left, then idles until a phase changes.
/// Only the changes of tenants in `cut-over` (or rolled back from it) are journaled; the others (a `done`
/// cohort's) are passed over and counted (`filteredTotal`), decided per batch from the state file
/// (`ReverseTenants`).
///
/// The phases are re-read from the state file when its files change (a stat per pass) and at least every
/// `rereadEvery`. Reverse events live in their own journal and go only to the legacy store, never to the
/// forward sinks; each side's capture skips Tandem's applying transactions (`ApplyingMarker`), so nothing
/// loops. The worker keeps the reverse journal's writer while active: its lock tells `cohort rollback` that
/// a daemon is draining (it waits for the legacy store's checkpoint instead of running a pass itself).
/// Failures (a store down, a locked journal) make it `degraded` and are retried with the config's back-off.
final class ReverseWorker: Sendable {
    private let config: DaemonConfig
    private let log: DaemonLog
    private let stop: Wakeup
    /// Wakes the worker from a wait (a reload, the daemon's stop).
    private let kick = Wakeup()
    /// A config given by SIGHUP, taken at the top of the next pass.
    private let reloaded: Mutex<DaemonConfig?> = Mutex(nil)
    private let figures: Mutex<ReverseStatus>
    /// What the ticker's watchdog reads (`wedged`).
    private let progress = Mutex(Progress())

    /// When the current pass began (nil between passes) and when the legacy store last advanced or had
    /// nothing pending (or the flow was idle or retrying a fault: neither counts as wedged).
    struct Progress {
        var passSince: ContinuousClock.Instant?
        var lastAdvance = ContinuousClock.now
        var appliedSeq: UInt64 = 0
    }
    /// The pause between passes that found nothing to do.
    static let idlePass: Duration = .milliseconds(50)
    /// The longest the worker trusts its view of the phases without reading the state file.
    static let rereadEvery: Duration = .seconds(1)

    init(config: DaemonConfig, log: DaemonLog, stop: Wakeup) {
        self.config = config; self.log = log; self.stop = stop
        figures = Mutex(ReverseStatus(state: "idle", journal: ReverseSetup.journal(config)))
    }

    /// The worker's figures now.
    var status: ReverseStatus { figures.withLock { $0 } }

    /// What the phases ask of the reverse flow.
    struct Phases: Equatable {
        var cutOver: [String] = []
        var rolledBack = false
        var active: Bool { !cutOver.isEmpty || rolledBack }
    }

    /// SIGHUP: the flow is built again from `config` (the mapping in reverse, the back-off) before the next
    /// pass, and a retry waiting out its back-off goes at once. The migration block itself needs a restart.
    func reload(_ config: DaemonConfig) {
        reloaded.withLock { $0 = config }
        kick.fire()
    }

    /// Wakes the worker now (the daemon's stop).
    func poke() { kick.fire() }

    /// Waits `d`, cut short by the daemon's stop or a kick.
    private func pause(_ d: Duration) {
        if !stop.isFired { kick.wait(d) }
        kick.reset()
    }

    func run() {
        var config = self.config
        guard let m = config.migration else { return }
        let journal = ReverseSetup.journal(config)
        var phases = Phases()
        var stamp: [Double] = []
        var lastRead = ContinuousClock.now - Self.rereadEvery
        var drained = false
        var flow: ReverseFlow?
        var writer: JournalWriter?
        var attempts = 0
        var behindSince: ContinuousClock.Instant?
        var trimmedThrough: UInt64 = 0
        var trimFailure: String?
        defer { writer?.close() }
        while !stop.isFired {
            if let c = reloaded.withLock({ r in defer { r = nil }; return r }) {
                config = c; flow = nil; attempts = 0
                log.notice("reverse replication: mapping \(c.mapping ?? "(none)") reloaded; the next pass uses it in reverse")
            }
            let files = Self.stamp(m.state)
            if files != stamp || ContinuousClock.now - lastRead >= Self.rereadEvery {
                stamp = files; lastRead = .now
                if let read = Self.phases(m.state), read != phases {
                    if read.cutOver != phases.cutOver {
                        log.notice("reverse replication: \(read.cutOver.count) tenant\(read.cutOver.count == 1 ? "" : "s") in cut-over"
                                   + (read.cutOver.isEmpty ? "" : " (" + read.cutOver.prefix(10).joined(separator: ", ")
                                                                + (read.cutOver.count > 10 ? ", …" : "") + ")"))
                    }
                    phases = read; drained = false
                    figures.withLock { $0.tenants = read.cutOver }
                }
            }
            guard phases.active, phases.cutOver.isEmpty ? !drained : true else {
                progress.withLock { $0.lastAdvance = .now }
                figures.withLock { $0.state = "idle"; $0.reason = nil; $0.attempts = 0 }
                writer?.close(); writer = nil
                pause(Self.idlePass)
                continue
            }
            do {
                if flow == nil { flow = try ReverseSetup.flow(config) }
                if writer == nil {
                    var options = JournalOptions()
                    if let size = config.segmentSize { options.segmentSize = size }  // segments roll as the forward journal's
                    try Journal.createIfMissing(at: journal, options: options)
                    writer = try JournalWriter(directory: journal, options: options)
                }
                guard let flow, let w = writer else { continue }
                progress.withLock { $0.passSince = .now }
                defer { progress.withLock { $0.passSince = nil } }
                let (pass, applied) = try flow.pass(writer: w)
                let head = w.lastSeq
                progress.withLock { p in
                    if applied != p.appliedSeq || applied >= head { p.lastAdvance = .now }
                    p.appliedSeq = applied
                }
                if applied < head { behindSince = behindSince ?? .now } else { behindSince = nil }
                let lag = behindSince.map { ContinuousClock.now - $0 }
                let was = figures.withLock { f -> (String, Int) in
                    let was = (f.state, f.attempts)
                    f.state = "running"; f.reason = nil; f.attempts = 0
                    f.headSeq = head; f.appliedSeq = applied
                    f.lagSeconds = lag.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0
                    f.journaledTotal += UInt64(pass.journaled); f.appliedTotal += UInt64(pass.applied)
                    f.filteredTotal += UInt64(pass.filtered)
                    return was
                }
                if applied > trimmedThrough {
                    trimmedThrough = applied
                    trim(w, through: applied, failure: &trimFailure)
                }
                if was.0 == "degraded" { log.notice("reverse replication is running again after \(was.1) failed attempt\(was.1 == 1 ? "" : "s")") }
                if pass.quarantined > 0 {
                    log.warning("reverse replication: \(pass.quarantined) new-store change(s) could not go back to legacy; in the quarantine"
                                + " (`tandem quarantine list --journal \(journal)`)")
                }
                attempts = 0
                if pass.journaled == 0, pass.applied == 0, pass.filtered == 0, applied >= head {
                    if phases.cutOver.isEmpty, !drained {
                        drained = true
                        log.notice("reverse replication drained: the legacy store holds every new-store change (seq \(head)); idle until a cohort cuts over")
                    }
                    pause(Self.idlePass)
                }
            } catch {
                attempts += 1
                if error is JournalError { writer?.close(); writer = nil }
                let delay = config.retry.delay(attempt: attempts)
                progress.withLock { $0.lastAdvance = .now }  // retrying a fault with back-off: degraded, not wedged
                figures.withLock { $0.state = "degraded"; $0.reason = "\(error)"; $0.attempts = attempts }
                log.warning("reverse replication degraded: \(error); retrying in \(SourceWorker.text(delay)) (attempt \(attempts));"
                            + " the forward flow goes on")
                pause(delay)
            }
        }
    }

    /// Drops the reverse journal's segments the legacy store has applied every event of (the newest stays: the
    /// capture resumes from its head event). A failure is logged once and changes nothing else: the flow goes on,
    /// the journal keeps more.
    private func trim(_ w: JournalWriter, through applied: UInt64, failure: inout String?) {
        do {
            if let r = try w.truncateSegments(through: applied), let dropped = r.dropped {
                log.info("reverse journal: dropped seqs \(dropped.lowerBound)…\(dropped.upperBound), applied to the legacy store;"
                         + " it starts at seq \(r.firstSeq)")
            }
            failure = nil
        } catch {
            let line = "reverse journal: could not drop what the legacy store applied: \(error); it keeps it, trying again once the legacy store applies more"
            if line != failure { log.warning(line) }
            failure = line
        }
    }

    /// Why the reverse flow counts as wedged at `now` (nil: it is not), for the daemon's watchdog: a pass that
    /// has not come back for over `bound` (a store that stopped answering), or events pending in the reverse
    /// journal and none applied to the legacy store for over `bound`.
    func wedged(now: ContinuousClock.Instant, bound: Duration) -> String? {
        let (p, lag) = (progress.withLock { $0 }, status.lagEvents)
        if let since = p.passSince, now - since > bound {
            return "the reverse flow has not come back from a pass for over \(SourceWorker.text(bound))"
        }
        if lag > 0, now - p.lastAdvance > bound {
            return "the reverse flow has applied nothing to the legacy store for over \(SourceWorker.text(bound)) with \(lag) events pending"
        }
        return nil
    }

    /// The state file's and its WAL's modification times and sizes (cheap: two stats).
    static func stamp(_ path: String) -> [Double] {
        [path, path + "-wal"].flatMap { p -> [Double] in
            guard let a = try? FileManager.default.attributesOfItem(atPath: p) else { return [0, 0] }
            return [(a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0, Double((a[.size] as? NSNumber)?.uint64Value ?? 0)]
        }
    }

    /// The phases recorded in the state file (nil when it cannot be read now: the last view stays).
    static func phases(_ path: String) -> Phases? {
        guard FileManager.default.fileExists(atPath: path),
              let state = try? MigrationStateFile(path: path, readOnly: true) else { return FileManager.default.fileExists(atPath: path) ? nil : Phases() }
        defer { state.close() }
        guard let cohorts = try? state.cohorts() else { return nil }
        return Phases(cutOver: cohorts.filter { $0.phase == .cutOver }.flatMap(\.tenants).sorted(),
                      rolledBack: cohorts.contains { $0.phase == .rolledBack })
    }
}

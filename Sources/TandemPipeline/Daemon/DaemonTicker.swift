import Foundation
import TandemCore
import TandemJournal

/// The daemon's housekeeping thread, once a second (or at half the watchdog period when that is shorter):
/// persists consumer positions (bounded rate), refreshes the journal's figures and the rates, reads the commit
/// time each lagging sink's lag is measured from (`SinkLag`) and the quarantine and parked counts
/// (`SideFigures`), warns when a sink's lag crosses the threshold, writes the heartbeat line, and tells systemd
/// `STATUS=` and `WATCHDOG=1` — withholding the ping while the pipeline is wedged (a running component without
/// progress for `wedgedAfter` with work pending: the source, a sink, the reverse flow), so systemd restarts it.
final class DaemonTicker: Sendable {
    private let settings: Daemon.Settings
    private let notifier: SystemdNotifier
    private let log: DaemonLog

    init(settings: Daemon.Settings, notifier: SystemdNotifier, log: DaemonLog) {
        self.settings = settings; self.notifier = notifier; self.log = log
    }

    /// The interval between ticks.
    var tick: Duration { min(.seconds(1), notifier.watchdogInterval ?? .seconds(1)) }

    func run(_ d: Daemon) {
        var lastSecond = ContinuousClock.now - .seconds(2)
        var lastHeartbeat = ContinuousClock.now
        var lastStatusLine = ""
        var wedgedLogged: String?
        var seen: [String: UInt64] = [:]
        var side = SideFigures()
        while !d.stopFlag.wait(tick) {
            let now = ContinuousClock.now
            if now - lastSecond >= .seconds(1) {
                lastSecond = now
                refreshFigures(d, now: now)
                side.refresh(d)
                // `verify --repair` cannot take the writer lock while the daemon runs: it leaves a request here.
                if !RepairSpool(journal: d.config.journal).pending().isEmpty { d.sourceWorker.requestRepair() }
                d.recoverMoments()
                do { try d.positions.flush() } catch {
                    log.warning("could not persist the sinks' positions: \(error); trying again in a second")
                }
            }
            let status = d.status()
            d.controlRoom.observe(status)
            let wedged = wedgedReason(d, status: status, now: now, seen: &seen)
            if let wedged, wedgedLogged != wedged {
                log.error("pipeline wedged: \(wedged); withholding the systemd watchdog ping so systemd restarts tandem")
            } else if wedged == nil, wedgedLogged != nil {
                log.notice("pipeline moves again")
            }
            wedgedLogged = wedged
            if wedged == nil { notifier.watchdog() }
            let line = "head seq \(status.journal.headSeq), worst lag \(status.worstLagEvents) events"
                + (status.unhealthyReasons.isEmpty ? "" : "; " + status.unhealthyReasons.joined(separator: "; "))
            if line != lastStatusLine { notifier.status(line); lastStatusLine = line }
            warnLag(d, status: status)
            if now - lastHeartbeat >= settings.heartbeatEvery {
                lastHeartbeat = now
                log.info(Self.heartbeat(status))
            }
        }
    }

    /// The heartbeat line: rates and lag of every part.
    static func heartbeat(_ s: DaemonStatus) -> String {
        let rate = { (r: Double) in String(format: "%.1f", r) }
        var parts = ["source \(s.source.state.rawValue) \(rate(s.source.eventsPerSecond)) events/s (\(s.source.eventsTotal) since start, "
                     + "\(s.source.quarantinedTotal) quarantined)", "journal head seq \(s.journal.headSeq)"]
        for k in s.sinks {
            parts.append("sink \(k.name) \(k.state.rawValue) \(rate(k.eventsPerSecond)) events/s, applied seq \(k.appliedSeq), "
                         + "lag \(k.lagEvents) events (\(String(format: "%.1f", k.lagSeconds)) s)")
        }
        if let r = s.reverse {
            parts.append("reverse \(r.state) applied seq \(r.appliedSeq) of \(r.headSeq), \(r.tenants.count) tenants in cut-over")
        }
        return "heartbeat: " + parts.joined(separator: "; ")
    }

    /// Commit times come from the writer's memory of its recent appends: reading them from the journal each
    /// second meant a new reader re-scanning the active segment (it has no index on disk yet) once per sink.
    /// Only a sink whose lag reference (`SinkLag`) is older than every remembered append is read from the
    /// journal, once per seq it stands at.
    private func refreshFigures(_ d: Daemon, now: ContinuousClock.Instant) {
        let head = d.journal.lastSeq
        var bytes: UInt64 = 0, segments = 0
        if let names = try? FileManager.default.contentsOfDirectory(atPath: d.config.journal) {
            for n in names where n.hasSuffix(".seg") {
                segments += 1
                let size = (try? FileManager.default.attributesOfItem(atPath: d.config.journal + "/" + n)[.size]) as? NSNumber
                bytes += size?.uint64Value ?? 0
            }
        }
        let first = (try? Journal.manifest(at: d.config.journal, options: d.journal.options))?.firstSeq
        let writer = try? d.journal.current()
        let headCommitted = (try? writer?.headCommitTime()) ?? nil
        let held = first.map { head >= $0 ? $0 : 0 }
        let wanted = d.state.update { s in
            s.sinks.map { k in
                (k.name, SinkLag.referenceSeq(appliedSeq: k.appliedSeq, firstSeq: held ?? s.journal.firstSeq, headSeq: head), k.lagReference)
            }
        }
        var lagFrom: [String: (seq: UInt64, committedAt: Timestamp?)] = [:]
        var missing: [(name: String, seq: UInt64)] = []
        for case let (name, seq?, known) in wanted {
            // The same reference as at the last tick: its commit time is known (a stalled sink costs no read).
            if let known, known.seq == seq, known.committedAt != nil { lagFrom[name] = known; continue }
            // A recent append: the writer remembers its commit time (no read of the segment).
            if let recent = writer?.recentCommitTime(of: seq) { lagFrom[name] = (seq, recent.committedAt); continue }
            missing.append((name, seq))
        }
        // Reads from disk (a reference older than the writer's memory) are serialized with truncation.
        if !missing.isEmpty {
            d.journalReads.withLock { _ in
                for (name, seq) in missing { lagFrom[name] = (seq, (try? writer?.event(at: seq))??.committedAt) }
            }
        }
        d.state.update { s in
            s.journal.headSeq = head
            s.source.eventsTotal = head >= s.journal.startHead ? head - s.journal.startHead : 0
            s.journal.bytes = bytes
            s.journal.segments = segments
            if let first { s.journal.firstSeq = head >= first ? first : 0 }
            if let headCommitted { s.journal.headCommittedAt = headCommitted }
            s.source.rate.sample(s.source.eventsTotal, at: now)
            for i in s.sinks.indices {
                s.sinks[i].rate.sample(s.sinks[i].eventsTotal, at: now)
                s.sinks[i].lagReference = lagFrom[s.sinks[i].name]
            }
        }
    }

    /// Why the pipeline counts as wedged now (nil: it is not).
    private func wedgedReason(_ d: Daemon, status: DaemonStatus, now: ContinuousClock.Instant, seen: inout [String: UInt64]) -> String? {
        let bound = settings.wedgedAfter
        let (beat, sinks) = d.state.update { s in
            for i in s.sinks.indices {
                let k = s.sinks[i]
                if seen[k.name] != k.appliedSeq || k.appliedSeq >= s.journal.headSeq || k.state != .running {
                    s.sinks[i].lastAdvance = now
                }
                seen[k.name] = k.appliedSeq
            }
            return (s.source.state == .running ? s.source.lastBeat : nil, s.sinks.map { ($0.name, $0.lastAdvance) })
        }
        if let beat, now - beat > bound { return "the source has not come back from a read for over \(SourceWorker.text(bound))" }
        for (name, since) in sinks where now - since > bound {
            let lag = status.sinks.first { $0.name == name }?.lagEvents ?? 0
            return "sink \(name) has applied nothing for over \(SourceWorker.text(bound)) with \(lag) events pending"
        }
        return d.reverseWorker?.wedged(now: now, bound: bound)
    }

    private func warnLag(_ d: Daemon, status: DaemonStatus) {
        for k in status.sinks {
            let over = k.lagSeconds > settings.lagWarningSeconds
            let changed = d.state.update { s -> Bool in
                guard let i = s.sinks.firstIndex(where: { $0.name == k.name }), s.sinks[i].lagWarned != over else { return false }
                s.sinks[i].lagWarned = over
                return true
            }
            guard changed else { continue }
            if over {
                log.warning("sink \(k.name) lags \(String(format: "%.0f", k.lagSeconds)) s (\(k.lagEvents) events) behind the journal")
            } else {
                log.notice("sink \(k.name) is back within \(String(format: "%.0f", settings.lagWarningSeconds)) s of the journal")
            }
        }
    }
}

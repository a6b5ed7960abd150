import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources

extension DaemonStatus {
    /// The reason every component gives in a status read from disk: nothing moves until the daemon runs.
    public static let notRunningReason = "the daemon is not running"

    /// The status read from disk when no daemon answers (`tandem status`): the journal's head, first seq,
    /// bytes and segments (`Journal.stats`, read-only), the source position of its newest event, the open
    /// quarantine by rule, and each sink's applied seq from its own store's `_tandem_checkpoint` row (opened
    /// read-only; nothing is created), with the lag from the journal's head.
    ///
    /// Every component is `stopped` with the reason `the daemon is not running` (a fault found on the way is
    /// added to it), so an offline status is never healthy: nothing replicates. Counters since the daemon
    /// started, rates and conflicts are 0 (they belong to a running daemon); parked events are counted from the sink's
    /// parked list beside the journal. When a sink's
    /// store cannot be read, its applied seq is the journal's consumer record of the same name, if any. With a
    /// migration block, the reverse flow too (`reverseStatus`) and each cohort's refused writes (read from the stores).
    /// Never throws for a store or a journal it cannot read: that becomes the component's reason.
    public static func offline(config: DaemonConfig, now: Timestamp = Quarantine.now()) -> DaemonStatus {
        let notRunning = notRunningReason
        var journal = JournalStatus(directory: config.journal, state: .stopped, reason: notRunning, headSeq: 0,
                                    firstSeq: 0, bytes: 0, segments: 0)
        var source = SourceStatus(spec: config.sourceText, state: .stopped, reason: notRunning)
        var stats: JournalStats?
        if !Journal.exists(at: config.journal) {
            journal.reason = "\(notRunning); no journal at \(config.journal) yet (the daemon creates it on its first start)"
        } else {
            do {
                let s = try Journal.stats(at: config.journal)
                stats = s
                journal.headSeq = s.lastSeq
                journal.firstSeq = s.events > 0 ? s.firstSeq : 0
                journal.bytes = UInt64(max(0, s.bytes))
                journal.segments = s.segments
                if s.events > 0, let head = try Journal.lastEvent(at: config.journal) {
                    journal.headCommittedAt = head.committedAt
                    source.position = head.sourcePosition
                }
            } catch {
                journal.reason = "\(notRunning); the journal cannot be read: \(error)"
            }
            do { source.quarantineByReason = try Quarantine.openCountsByRule(journal: config.journal) } catch {
                source.reason = "\(notRunning); the quarantine cannot be read: \(error)"
            }
        }
        let sinks = config.sinks.map { sinkStatus($0, journal: journal, stats: stats, now: now) }
        var status = DaemonStatus(live: false, takenAt: now, source: source, journal: journal, sinks: sinks)
        status.cohorts = CohortStatus.read(config)
        let refused = CohortStatus.refusals(config: config, cohorts: status.cohorts.map(\.name))
        for i in status.cohorts.indices { status.cohorts[i].refused = refused[status.cohorts[i].name] ?? [] }
        status.reverse = reverseStatus(config, now: now)
        return status
    }

    /// The reverse flow read from disk (nil without a migration block): its journal's head, the legacy store's
    /// `reverse` checkpoint row, the lag between them, and the tenants in cut-over from the state file; state
    /// `stopped`, counters since start 0.
    static func reverseStatus(_ config: DaemonConfig, now: Timestamp) -> ReverseStatus? {
        guard let m = config.migration else { return nil }
        var r = ReverseStatus(state: "stopped", reason: notRunningReason, journal: ReverseSetup.journal(config))
        var firstSeq: UInt64 = 0
        if Journal.exists(at: r.journal) {
            do {
                let s = try Journal.stats(at: r.journal)
                r.headSeq = s.lastSeq
                firstSeq = s.events > 0 ? s.firstSeq : 0
            } catch {
                r.reason = "\(notRunningReason); the reverse journal cannot be read: \(error)"
            }
        }
        var legacy = m.legacy
        legacy.name = ReverseSetup.consumerName
        do { r.appliedSeq = try legacy.storedCheckpoint()?.seq ?? 0 } catch {
            r.reason = (r.reason ?? notRunningReason) + "; the legacy store cannot be read: \(error)"
        }
        r.tenants = ReverseWorker.phases(m.state)?.cutOver ?? []
        let reference = SinkLag.referenceSeq(appliedSeq: r.appliedSeq, firstSeq: firstSeq, headSeq: r.headSeq)
        r.lagSeconds = SinkLag.seconds(lagEvents: r.lagEvents, referenceCommittedAt: reference.flatMap {
            committedAt(seq: $0, journal: r.journal)
        }, now: now)
        return r
    }

    /// One sink read from its own store, its lag measured against the journal.
    private static func sinkStatus(_ sink: DaemonConfig.Sink, journal: JournalStatus, stats: JournalStats?,
                                   now: Timestamp) -> SinkStatus {
        var status = SinkStatus(name: sink.name, spec: sink.spec.description, state: .stopped, reason: notRunningReason,
                                appliedSeq: 0, lagEvents: 0)
        do {
            if let checkpoint = try sink.spec.storedCheckpoint() {
                status.appliedSeq = checkpoint.seq
                if let stats, checkpoint.journalID != stats.journalID.uuidString {
                    status.reason = "\(notRunningReason); the store was filled from another journal (id \(checkpoint.journalID),"
                        + " this one is \(stats.journalID.uuidString))"
                }
            }
        } catch {
            var reason = "\(notRunningReason); the store cannot be read: \(error)"
            if let recorded = stats?.consumers.first(where: { $0.name == sink.name }) {
                status.appliedSeq = recorded.appliedSeq
                reason += " (applied seq from the journal's consumer record)"
            }
            status.reason = reason
        }
        do { status.parked = try ParkedList(journal: journal.directory, sink: sink.name).entries().count } catch {
            status.reason = (status.reason ?? notRunningReason) + "; the parked list cannot be read: \(error)"
        }
        status.lagEvents = journal.headSeq > status.appliedSeq ? journal.headSeq - status.appliedSeq : 0
        let reference = SinkLag.referenceSeq(appliedSeq: status.appliedSeq, firstSeq: journal.firstSeq, headSeq: journal.headSeq)
        status.lagSeconds = SinkLag.seconds(lagEvents: status.lagEvents, referenceCommittedAt: reference.flatMap {
            committedAt(seq: $0, journal: journal.directory)
        }, now: now)
        return status
    }

    /// The commit time of journal event `seq` (nil when it cannot be read).
    private static func committedAt(seq: UInt64, journal: String) -> Timestamp? {
        guard let reader = try? JournalReader(directory: journal), (try? reader.seek(to: seq)) != nil,
              let event = try? reader.next() else { return nil }
        return event.committedAt
    }
}

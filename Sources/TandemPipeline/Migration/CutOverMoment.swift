import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSQLite
import TandemSources

/// The cut-over moment (`reads-new → cut-over`): fence legacy writes for the cohort's tenants (both stores
/// then refuse them: `writes` is `moving`), wait until every legacy change made before the fence is in the
/// new store, install the reverse flow's capture on the new store (`ReverseSetup.installCapture`), record the
/// phase, lift the new store's fence (the daemon's `ReverseWorker` then carries the cohort's new-store writes
/// back to legacy). The write pause the tenants see is the time
/// between the two fences; it is recorded in the timeline (`pauseMs`).
///
/// "Every legacy change is in the new store" is: the journal holds the source's changes up to the fence (for
/// a `sqlite-changelog` source, its last event's change id reaches the change table's largest id read after
/// the fence), and the new sink has applied every journal event of the cohort's tenants (`ForwardLag`). It
/// needs the daemon running; when the drain does not finish within `drainTimeout`, the legacy fence is
/// lifted again and the cohort stays in `reads-new`.
///
/// A crash in between leaves the state file in `reads-new` and the stores fenced `moving` (no write is
/// accepted on either side, none is lost); the next cohort command (or `tandem fence publish`) publishes
/// the recorded phase again.
struct CutOverMoment {
    let control: CohortControl
    var drainTimeout: Duration = .seconds(30)

    func run(_ cohort: Cohort, who: String, why: String?, now: Timestamp) throws(MigrationError) -> Cohort {
        let clock = ContinuousClock()
        try control.publish(moving: [cohort.name], since: now)
        let fenced = clock.now
        do {
            try drain(cohort, deadline: fenced + drainTimeout)
            // Capture on the new store before its fence lifts: no application write there escapes the reverse flow.
            try ReverseSetup.installCapture(control.config, tables: control.tables(.new))
        } catch {
            try? control.publish()  // lift the legacy fence again: the cohort stays where it was
            throw error
        }
        let recorded = try control.state.record(TimelineEntry(at: now, action: "advance", from: .readsNew, to: .cutOver, who: who, why: why),
                                                cohort: cohort.name)
        try control.publish()
        let pause = clock.now - fenced
        let ms = Double(pause.components.seconds) * 1000 + Double(pause.components.attoseconds) / 1e15
        try control.state.setPause(ms, cohort: cohort.name)
        return recorded
    }

    /// Waits until the source's changes up to the fence are journaled and the cohort's are applied to the new sink.
    func drain(_ cohort: Cohort, deadline: ContinuousClock.Instant) throws(MigrationError) {
        let config = control.config
        guard let sink = config.sink(named: control.migration.new) else { throw .notConfigured(config: config.file) }
        let fenceID = legacyChangeID(config)
        let tenants = Set(cohort.tenants)
        var last = ""
        while ContinuousClock().now < deadline {
            do {
                let journaled = try fenceID.map { id in
                    (try Journal.lastEvent(at: config.journal)?.sourcePosition).flatMap(SnapshotPosition.changeID(of:)) ?? 0 >= id
                } ?? true
                let lag = try ForwardLag.measure(journal: config.journal, sink: sink, tenants: tenants, now: Quarantine.now())
                if journaled, lag.pendingEvents == 0 { return }
                last = journaled ? "\(lag.pendingEvents) event(s) of its tenants not yet applied by sink \(sink.name)"
                    : "the journal does not yet hold the legacy changes up to change id \(fenceID ?? 0)"
            } catch {
                last = "\(error)"
            }
            usleep(5_000)
        }
        throw .refused(cohort: cohort.name, reason: "the new store did not catch up within \(drainTimeout) of the legacy fence (\(last));"
                       + " the fence is lifted and the cohort stays in reads-new; is tandem run running?")
    }

    /// The largest change id in a `sqlite-changelog` source's change table (read after the fence), else nil.
    func legacyChangeID(_ config: DaemonConfig) -> Int64? {
        guard config.source.kind == .sqliteChangelog, let db = try? Database(path: config.source.path, mode: .readOnly) else { return nil }
        defer { db.close() }
        if case .int(let id)? = try? db.scalar("SELECT max(id) FROM \(ChangeTableTriggers.table)") { return id }
        return nil
    }
}

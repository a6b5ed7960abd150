import Foundation
import TandemCore
import TandemSources

/// What happens to a cut-over or rollback whose process ended in the middle (SIGKILL, power loss): the moment
/// is recorded in the state file before the first fence (`MomentRecord`), and whoever next takes the migration
/// lock — any cohort command that records or publishes, `tandem fence publish`, the daemon at start and once a
/// second — completes the recovery:
///
/// - phase not recorded yet (step `fencing`): **undone**. The stores are published from the recorded phase
///   (the one before), lifting the `moving` fence; no write was accepted on either side meanwhile, so nothing
///   needs reconciling. A timeline line `interrupted` says so; the operator runs the command again.
/// - phase recorded (step `recorded`): **finished**. The stores are published from the recorded phase (the one
///   after), lifting the fence of the side that takes the writes.
///
/// Either way the cohort ends in a defined phase, and both stores' routing rows and fences agree with it.
extension CohortControl {
    /// Runs `body` holding the migration lock (waiting up to `lockWait` for another command), after recovering
    /// what an ended process left in hand.
    /// - Throws: `.busy` when another process holds the lock that long; what recovery or `body` throws.
    func exclusive<T>(_ body: () throws(MigrationError) -> T) throws(MigrationError) -> T {
        guard let lock = try MigrationLock.acquire(state: state.path, wait: lockWait) else {
            let m = (try? state.moments())?.first
            throw .busy(m.map { "cohort \($0.cohort) is moving (\($0.action) \($0.from.rawValue) → \($0.to.rawValue) since \($0.startedAt.rfc3339),"
                                + " process \($0.pid))" } ?? "another cohort command holds the migration lock")
        }
        defer { lock.release() }
        for line in try recoverLocked() { onRecovered(line) }
        return try body()
    }

    /// The daemon's recovery: when no other process holds the migration lock, finishes or undoes the moments
    /// left behind. Returns one operator line each (empty when there was nothing to do or the lock is held).
    public func recoverInterrupted() throws(MigrationError) -> [String] {
        guard (try state.moments()).isEmpty == false,
              let lock = try MigrationLock.acquire(state: state.path, wait: .zero) else { return [] }
        defer { lock.release() }
        return try recoverLocked()
    }

    /// Recovers every moment in the state file; the caller holds the lock, so their processes have ended.
    func recoverLocked() throws(MigrationError) -> [String] {
        let left = try state.moments()
        guard !left.isEmpty else { return [] }
        try publish()  // the recorded phases: the one before (undone) or the one after (finished)
        let now = (try? TandemClock.now()) ?? Quarantine.now()
        return try left.map { m throws(MigrationError) in
            let what = m.action == "rollback" ? "the rollback" : "the cut-over"
            let by = "begun at \(m.startedAt.rfc3339) by \(m.who) (process \(m.pid))"
            guard m.step == "fencing" else {
                try state.endMoment(cohort: m.cohort)
                return "cohort \(m.cohort): \(what) \(by) was recorded but its process ended before lifting the fence;"
                    + " fences published for \(m.to.rawValue) (writes \(m.to.writes.rawValue)); nothing more to do"
            }
            let entry = TimelineEntry(at: now, action: "interrupted", from: m.from, to: m.from, who: "tandem",
                                      why: "\(what) \(by) ended before it was recorded; fences set back to \(m.from.rawValue)")
            try state.endMoment(cohort: m.cohort, entry: entry)
            let again = m.action == "rollback" ? "tandem cohort rollback \(m.cohort)" : "tandem cohort advance \(m.cohort) --to \(m.to.rawValue)"
            return "cohort \(m.cohort): \(what) \(by) ended before it was recorded; fences set back to \(m.from.rawValue)"
                + " (writes \(m.from.writes.rawValue) again); run \(again) to try again"
        }
    }
}

extension CohortControl {
    /// The daemon's pass (at start and once a second): when the config's state file records a moment whose
    /// process has ended, recovers it. Cheap when there is none (one read of the state file).
    /// - Returns: one operator line per moment recovered.
    /// - Throws: `MigrationError` when the state file or a store cannot be read or written (tried again next pass).
    public static func recoverLeftBehind(config: DaemonConfig) throws(MigrationError) -> [String] {
        guard let m = config.migration, FileManager.default.fileExists(atPath: m.state) else { return [] }
        let peek = try MigrationStateFile(path: m.state, readOnly: true)
        let left = try peek.moments()
        peek.close()
        guard !left.isEmpty else { return [] }
        let control = try CohortControl(config: config, create: false)
        defer { control.state.close() }
        return try control.recoverInterrupted()
    }
}

import Foundation
import TandemCore
import TandemSinks
import TandemSources
import TandemSQLite

/// What `tandem cohort rollback NAME --dry-run` prints: the steps a rollback would take, nothing done.
public struct RollbackPlan: Sendable {
    /// One store's fence as the rollback sets it.
    public struct Fence: Sendable, Hashable {
        /// The store's side.
        public var role: StoreRole
        /// The store (no secret).
        public var store: String
        /// What its fence would refuse, in words.
        public var refuses: String
    }

    /// The cohort as recorded now.
    public var cohort: Cohort
    /// The fences set at the start (empty from `shadow` or `reads-new`: a routing flip only).
    public var fences: [Fence]
    /// The new store's changes of the cohort's tenants not yet back in legacy (the reverse drain waits for them).
    public var reverseEvents: Int
    /// The routing after the flip, in words.
    public var flip: String
}

extension CohortControl {
    /// Rolls the cohort back (from `shadow`, `reads-new` or `cut-over`) and times each step. From `shadow` or
    /// `reads-new` it is a routing flip (writes stayed on legacy: no fence, no drain). From `cut-over` it is the
    /// mirror of the cut-over moment: fence new (both stores refuse the tenants' writes: `moving`), drain reverse
    /// (`drainReverse`), flip (record `rolled-back`), lift the legacy fence.
    /// - Throws: `.refused` from another phase; `.busy`; what the moment throws.
    public func rollbackTimed(name: String, who: String, why: String?, now: Timestamp) throws(MigrationError) -> PhaseChange {
        try exclusive { () throws(MigrationError) in
            let c = try cohort(name)
            guard c.phase.canRollBack else {
                throw .refused(cohort: name, reason: "a cohort in \(c.phase.rawValue) cannot be rolled back"
                               + (c.phase == .done ? " (reverse replication has stopped for it)" : ""))
            }
            guard c.phase == .cutOver else {
                var steps = MomentSteps(), clock = StepClock()
                let r = try state.record(TimelineEntry(at: now, action: "rollback", from: c.phase, to: .rolledBack, who: who, why: why), cohort: name)
                steps.flipMs = clock.lap()
                try publish()
                steps.liftMs = clock.lap()
                return PhaseChange(cohort: r, steps: steps)
            }
            return try moment(c, action: "rollback", to: .rolledBack, who: who, why: why, now: now) { () throws(MigrationError) in
                try drainReverse(c, deadline: ContinuousClock.now + drainTimeout)
            }
        }
    }

    /// The drain step of leaving cut-over (a rollback, `done`): waits until every change the cohort's tenants
    /// made in the new store is in the legacy store (`ReverseDrain`: the daemon's reverse flow, or a pass of its
    /// own without a daemon), or throws when `deadline` passes. Returns the backlog it found (`reverseBacklog`).
    func drainReverse(_ c: Cohort, deadline: ContinuousClock.Instant) throws(MigrationError) -> Int {
        let backlog = reverseBacklog(c)
        try ReverseDrain(control: self, timeout: drainTimeout).run(c, deadline: deadline)
        return backlog
    }

    /// The new store's captured changes of the cohort's tenants not yet taken back to legacy: the rows of the
    /// change table (`_tandem_changes`, filled by `tandem source install-triggers` on a SQLite new store) whose
    /// row belongs to one of them. 0 when the new store has no change table (or is not SQLite).
    public func reverseBacklog(_ c: Cohort) -> Int {
        guard let sink = config.sink(named: migration.new), case .sqlite(let path, _) = sink.spec.kind,
              FileManager.default.fileExists(atPath: path), let db = try? Database(path: path, mode: .readOnly) else { return 0 }
        defer { db.close() }
        let tenants = Set(c.tenants)
        var n = 0
        for t in tables(.new) {
            guard let s = try? db.prepare("""
                SELECT CAST(coalesce(json_extract(after, ?1), json_extract(before, ?1)) AS TEXT), count(*)
                FROM \(ChangeTableTriggers.table) WHERE "table" = ?2 GROUP BY 1
                """) else { return n }
            try? s.bind("$.\"" + t.tenantColumn.replacingOccurrences(of: "\"", with: "\\\"") + "\"", at: 1)
            try? s.bind(t.table, at: 2)
            while (try? s.step()) == true { if tenants.contains(s.text(0)) { n += Int(s.int64(1)) } }
        }
        return n
    }

    /// The plan of a rollback, read without changing anything (no lock, no recovery, no store written).
    /// - Throws: `.refused` from a phase that cannot be rolled back.
    public func rollbackPlan(name: String) throws(MigrationError) -> RollbackPlan {
        let c = try cohort(name)
        guard c.phase.canRollBack else {
            throw .refused(cohort: name, reason: "a cohort in \(c.phase.rawValue) cannot be rolled back"
                           + (c.phase == .done ? " (reverse replication has stopped for it)" : ""))
        }
        let count = c.tenants.count == 1 ? "tenant \(c.tenants[0])" : "\(c.tenants.count) tenants"
        let fences = c.phase != .cutOver ? [] : stores.map { s in
            RollbackPlan.Fence(role: s.role, store: "\(s.spec)",
                               refuses: "writes of \(count) (moving), on \(tables(s.role).map(\.table).joined(separator: ", "))")
        }
        return RollbackPlan(cohort: c, fences: fences, reverseEvents: c.phase == .cutOver ? reverseBacklog(c) : 0,
                            flip: "\(c.phase.rawValue) → rolled-back: reads legacy, writes legacy for \(count) (routing version above \(c.version))")
    }
}

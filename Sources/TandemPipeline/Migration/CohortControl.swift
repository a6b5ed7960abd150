import Foundation
import TandemCore
import TandemSinks
import TandemSources

/// The cohort verbs' work (`tandem cohort …`): each reads and records the state file, checks gates, and
/// publishes the routing (and with it the write fences) to both stores.
///
/// A phase change is recorded in the state file first (FULL sync), then published to each store in one
/// transaction per store (routing rows and fences together). Every publish but a moment's fence and lift (its
/// cohort's rows only) writes every cohort's routes, so
/// a store missed by a failed publish is brought up to date by the next cohort command (or `tandem fence
/// publish`); a route's `version` tells an application which is newer.
///
/// - Important: not `Sendable` (it holds the state file's connection).
public final class CohortControl {
    /// The config.
    public let config: DaemonConfig
    /// Its migration block.
    public let migration: DaemonConfig.Migration
    /// The mapping (tenant columns, migrated tables).
    public let mapping: Mapping
    /// The state file.
    public let state: MigrationStateFile

    /// Opens the state file of `config` (created on first use when `create`).
    /// - Throws: `MigrationError` without a migration block, with a bad mapping or state file.
    public init(config: DaemonConfig, create: Bool = true) throws(MigrationError) {
        guard let m = config.migration else { throw .notConfigured(config: config.file) }
        self.config = config; migration = m
        do { mapping = try config.mapping.map { path throws(MappingError) in try Mapping.load(path: path) } ?? .passThrough } catch {
            throw .badDefinition("the mapping cannot be loaded: \(error)")
        }
        state = try MigrationStateFile(path: m.state, create: create)
    }

    /// The user recorded when no `--by` is given: the OS user.
    public static var osUser: String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
    }

    /// The cohort named `name`, or `noSuchCohort` listing the others.
    public func cohort(_ name: String) throws(MigrationError) -> Cohort {
        if let c = try state.cohort(named: name) { return c }
        throw .noSuchCohort(name, known: try state.cohorts().map(\.name))
    }

    /// Creates a cohort in `planned` and publishes its routes.
    public func create(name: String, selection: CohortSelection, who: String, why: String?, now: Timestamp) throws(MigrationError) -> Cohort {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw .badDefinition("a cohort name is 1 to 64 ASCII letters, digits, '-', '_' or '.', not \"\(name)\"")
        }
        return try exclusive { () throws(MigrationError) in
            if try state.cohort(named: name) != nil { throw .cohortExists(name) }
            let tenants = try selection.choose(known: { () throws(MigrationError) in
                try KnownTenants.all(config: config, migration: migration, mapping: mapping)
            }, taken: try state.tenantOwners())
            let c = try state.create(name: name, definition: selection.definition, tenants: tenants, who: who, why: why, at: now)
            try publish()
            return c
        }
    }

    /// Moves the cohort to the next phase, or step by step to `target`, checking each step's gates (their
    /// results are saved). Returns the cohort after each recorded step. `cut-over → done` first drains the
    /// reverse flow behind a fence (`leaveCutOver`): after `done`, the cohort's new-store writes stay there.
    /// `force` moves past a failing gate the operator may override (`notice`), recording the gate's finding
    /// and `why` in the timeline; other gates (forward lag) are never forced.
    /// - Throws: `.refused` (paused, `done`, not a later phase), `.gateFailed` naming the gate and its finding.
    public func advance(name: String, to target: MigrationPhase?, who: String, why: String?, now: Timestamp,
                        force: Bool = false) throws(MigrationError) -> [Cohort] {
        try exclusive { () throws(MigrationError) in try advanceLocked(name: name, to: target, who: who, why: why, now: now, force: force) }
    }

    private func advanceLocked(name: String, to target: MigrationPhase?, who: String, why: String?, now: Timestamp,
                               force: Bool) throws(MigrationError) -> [Cohort] {
        var c = try cohort(name)
        if c.paused { throw .refused(cohort: name, reason: "it is paused (tandem cohort resume \(name) to go on)") }
        let steps: [MigrationPhase]
        if let target {
            guard let path = c.phase.path(to: target) else {
                throw .refused(cohort: name, reason: "\(target.rawValue) is not ahead of \(c.phase.rawValue)"
                               + (target == .rolledBack ? " (use tandem cohort rollback)" : ""))
            }
            steps = path
        } else {
            guard let n = c.phase.next else { throw .refused(cohort: name, reason: "it is done; nothing follows") }
            steps = [n]
        }
        var recorded: [Cohort] = []
        for to in steps {
            let from = c.phase
            var forced: [GateResult] = []
            for result in checkGates(c, to: to, now: now) where !result.passed {
                guard force, Self.forcibleGates.contains(result.gate) else {
                    throw .gateFailed(cohort: name, from: from, to: to, gate: result.gate, detail: result.detail)
                }
                forced.append(result)
            }
            let why = forced.isEmpty ? why
                : "forced past " + forced.map { "gate \($0.gate) (\($0.detail))" }.joined(separator: ", ") + (why.map { ": " + $0 } ?? "")
            if from == .readsNew, to == .cutOver {
                c = try CutOverMoment(control: self, drainTimeout: drainTimeout).run(c, who: who, why: why, now: now)
            } else if from == .cutOver {
                // Reverse replication stops for the cohort once `done` is recorded: every new-store change made
                // before goes back to legacy first (behind the fence, as a rollback does).
                c = try leaveCutOver(c, to: to, action: "advance", who: who, why: why, now: now).cohort
            } else {
                c = try state.record(TimelineEntry(at: now, action: "advance", from: from, to: to, who: who, why: why), cohort: name)
                try publish()
            }
            recorded.append(c)
        }
        return recorded
    }

    /// The gates `advance --force --why` may move past (a human decision); forward lag is data, never forced.
    public static let forcibleGates: Set<String> = ["notice"]

    /// Checks (and saves) the gates guarding `cohort.phase → to`.
    @discardableResult
    public func checkGates(_ cohort: Cohort, to: MigrationPhase, now: Timestamp) -> [GateResult] {
        let context = GateContext(config: config, migration: migration, cohort: cohort, now: now)
        return CohortGates.guarding(from: cohort.phase, to: to).map { gate in
            let r = gate.check(context)
            try? state.save(r, cohort: cohort.name)  // a result that cannot be saved still decides this advance
            return r
        }
    }

    /// Holds the cohort where it is (`advance` refuses until `resume`).
    public func pause(name: String, paused: Bool, who: String, why: String?, now: Timestamp) throws(MigrationError) -> Cohort {
        try exclusive { () throws(MigrationError) in
            let c = try cohort(name)
            guard c.paused != paused else { throw .refused(cohort: name, reason: paused ? "it is paused already" : "it is not paused") }
            return try state.record(TimelineEntry(at: now, action: paused ? "pause" : "resume", from: c.phase, to: c.phase, who: who, why: why),
                                    cohort: name, paused: paused)
        }
    }

    /// Moves the cohort to `rolled-back` (from `shadow`, `reads-new` or `cut-over`): legacy takes its reads and
    /// writes again. `CohortRollback` does it and times its steps; this returns the cohort as recorded.
    public func rollback(name: String, who: String, why: String?, now: Timestamp) throws(MigrationError) -> Cohort {
        try rollbackTimed(name: name, who: who, why: why, now: now).cohort
    }

    /// Leaves `cut-over` for `to` (`done`; a rollback goes through `rollbackTimed`) as the mirror of the cut-over
    /// moment: fence new (both stores refuse: `moving`), drain the reverse flow (`drainReverse`), record, lift.
    /// A drain that does not finish lifts the fence again: the cohort stays in cut-over.
    func leaveCutOver(_ c: Cohort, to: MigrationPhase, action: String, who: String, why: String?, now: Timestamp) throws(MigrationError) -> PhaseChange {
        try moment(c, action: action, to: to, who: who, why: why, now: now) { () throws(MigrationError) in
            try drainReverse(c, deadline: ContinuousClock.now + drainTimeout)
        }
    }

    /// How long the cut-over moment (and leaving cut-over: a rollback, `done`) waits for the other store to catch up before
    /// it lifts the fence again.
    public var drainTimeout: Duration = .seconds(30)

    /// How long a cohort command waits for another one holding the migration lock (a moment in hand) before it
    /// refuses (`.busy`, exit 75).
    public var lockWait: Duration = .seconds(5)

    /// Told one operator line for each moment an ended process left behind and this control recovered.
    public var onRecovered: (String) -> Void = { _ in }

    /// Publishes the recorded routing again (`tandem fence publish`), under the migration lock, after recovering
    /// what an ended process left behind.
    public func publishRecorded() throws(MigrationError) {
        try exclusive { () throws(MigrationError) in try publish() }
    }

    /// Every tenant's route, from the recorded phases; the cohorts in `moving` write nowhere since `since`.
    public func routes(moving: Set<String> = [], since: Timestamp? = nil) throws(MigrationError) -> [TenantRoute] {
        try state.cohorts().flatMap { c in
            Self.routes(of: c).map { r in
                guard moving.contains(c.name) else { return r }
                var m = r; m.writes = "moving"; m.since = (since ?? c.since).rfc3339
                return m
            }
        }.sorted { $0.tenant < $1.tenant }
    }

    /// The routes of one cohort's tenants.
    public static func routes(of c: Cohort) -> [TenantRoute] {
        c.tenants.map {
            TenantRoute(tenant: $0, cohort: c.name, phase: c.phase.rawValue, reads: c.phase.reads.rawValue,
                        writes: c.phase.writes.rawValue, version: c.version, since: c.since.rfc3339)
        }
    }

    /// The two stores with their sides.
    public var stores: [RoutingStore] { Self.stores(config: config, migration: migration) }

    /// The two stores of `config`'s migration with their sides, the new store first.
    public static func stores(config: DaemonConfig, migration: DaemonConfig.Migration) -> [RoutingStore] {
        var out: [RoutingStore] = []
        if let s = config.sink(named: migration.new) { out.append(RoutingStore(spec: s.spec, role: .new)) }
        out.append(RoutingStore(spec: migration.legacy, role: .legacy))
        return out
    }

    /// The migrated tables of one side.
    public func tables(_ role: StoreRole) -> [FencedTable] { MigratedTables.tables(mapping, role: role) }

    /// Writes every route (and the fences) to both stores (the new store first: lifting its fence ends a
    /// cut-over's pause); the cohorts in `moving` are fenced in both.
    /// - Throws: `MigrationError.store` naming the store that could not be written (the phase stays recorded).
    /// `only` limits the rows written to those of one cohort (a moment's fence and lift: the other rows are as the
    /// last full publish left them, and a shorter transaction is a shorter write pause).
    public func publish(moving: Set<String> = [], since: Timestamp? = nil, only: String? = nil) throws(MigrationError) {
        let routes = try self.routes(moving: moving, since: since).filter { only == nil || $0.cohort == only }
        for store in stores {
            do { try store.publish(routes, tables: tables(store.role)) } catch {
                throw .store(target: "\(store.role.rawValue) store \(store.spec)",
                             reason: "routing not published: \(error) (the phase is recorded; the next cohort command publishes it again)")
            }
        }
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSQLite
import TandemSources

/// `tandem drill`: rehearses a cohort's cut-over and rollback on copies of both stores and of the state file
/// (issue 14), and records the result (pass/fail with its reason, the measured cut-over pause and rollback
/// time, the mapping version) in the live state file, where the drill gate reads it.
///
/// On the copies: the fences as the live stores have them are checked; a synthetic application writes for a
/// sample of the cohort's tenants honouring the routing (to legacy, and refused by the new store); the real
/// cut-over moment runs, its catch-up done in-process (the live journal from the new copy's checkpoint, then
/// the legacy copy's newer changes); the application writes to the new store (and is refused by legacy) and
/// deletes a row it wrote before; the rollback fences, drains reverse replication into the legacy copy, flips
/// and lifts; last a verify of the copies for the cohort's tenants. Nothing live is written but the result;
/// the copies are deleted, also on failure. Each store is copied by its own strategy (`DrillCopy`): a SQLite
/// file by the online backup API, a PostgreSQL database into a scratch database on the same server.
public final class Drill {
    /// What a drill found, with the rollback's parts.
    public struct Outcome: Sendable {
        /// The result as recorded.
        public var record: DrillRecord
        /// The rollback's parts in milliseconds, in order (`fence`, `drain`, `flip+lift`).
        public var rollbackParts: [(name: String, ms: Double)] = []
        /// Rows the synthetic application wrote to legacy before the cut-over and to the new store after it.
        public var legacyWrites = 0, newWrites = 0
        /// Reverse events drained into the legacy copy by the rollback.
        public var drained = 0
        /// Copies that could not be removed (a PostgreSQL scratch database the server would not drop), one line each.
        public var cleanupProblems: [String] = []
    }

    /// The live config.
    public let config: DaemonConfig
    /// At most this many of the cohort's tenants write in the rehearsal (the first by name).
    public var sampleTenants = 20
    /// Where the copies go (default: a new directory beside the state file).
    public var workDirectory: String?

    /// A drill of `config`'s migration.
    public init(config: DaemonConfig) { self.config = config }

    /// Rehearses the cohort and records the result in the live state file.
    /// - Throws: `MigrationError` when there is nothing to rehearse (no migration block, no such cohort, a phase
    ///   past the cut-over), a PostgreSQL store cannot be copied at all (`.store`: unreachable, or its role lacks
    ///   CREATEDB) or the result cannot be recorded; a failed rehearsal is a result, not a throw.
    public func run(cohort name: String, now: Timestamp) throws(MigrationError) -> Outcome {
        let live = try CohortControl(config: config, create: false)
        defer { live.state.close() }
        let cohort = try live.cohort(name)
        guard [.planned, .shadow, .readsNew, .rolledBack].contains(cohort.phase) else {
            throw .refused(cohort: name, reason: "a drill rehearses the cut-over; the cohort is in \(cohort.phase.rawValue) already")
        }
        let version: String
        do { version = try Verifier.mappingVersion(config.mapping) } catch { throw .badDefinition("the mapping cannot be read: \(error)") }
        // A PostgreSQL store is copied into a scratch database on its server: the role must be allowed to create it.
        for (spec, role) in [(config.sink(named: live.migration.new)?.spec, StoreRole.new), (live.migration.legacy, .legacy)] {
            if case .postgres(let conninfo)? = spec?.kind { try PostgresDrillCopy.preflight(conninfo, role: role) }
        }
        let dir = workDirectory ?? ((live.migration.state as NSString).deletingLastPathComponent + "/.tandem-drill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var outcome = Outcome(record: DrillRecord(cohort: name, at: now, passed: false, reason: "", cutOverPauseMs: nil, rollbackMs: nil,
                                                  mappingVersion: version))
        var copies: [DrillCopy] = []  // removed at the end, also on failure
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try rehearse(cohort, live: live, dir: dir, now: now, copies: &copies, into: &outcome)
            outcome.record.passed = true
        } catch {
            outcome.record.reason = "\(error)"
        }
        outcome.cleanupProblems = copies.compactMap { $0.remove() }
        try live.state.save(outcome.record)
        return outcome
    }

    func rehearse(_ cohort: Cohort, live: CohortControl, dir: String, now: Timestamp, copies: inout [DrillCopy], into outcome: inout Outcome) throws {
        let m = live.migration
        guard let newSink = config.sink(named: m.new) else { throw DrillFailure("the migration's new store is sink \"\(m.new)\", which the config does not define") }
        let changeLog: SourceSpec.Kind
        switch m.legacy.kind {
        case .sqlite: changeLog = .sqliteChangelog
        case .postgres: changeLog = .postgresChangelog
        }
        guard config.source.kind == changeLog else {
            throw DrillFailure("the drill needs the legacy store's change table as the source (\(changeLog.rawValue):), not \(config.sourceText)")
        }
        // The copies, each as of one moment, the live stores running on (`DrillCopy`: SQLite's online backup API,
        // a PostgreSQL scratch database filled from one snapshot); removed at the end, also on failure.
        // The live journal's newest event first, then the new store, then legacy: the new copy holds nothing the
        // legacy copy lacks, the live journal up to that event is all in the legacy copy, and what legacy took after
        // it is in the copy's change table (the forward catch-up starts there; see DrillForward).
        let liveMark = Journal.exists(at: config.journal) ? try Journal.lastEvent(at: config.journal) : nil
        let newCopy = try DrillCopy.take(newSink.spec, role: .new, tables: live.tables(.new), withoutRows: [ChangeTableTriggers.table], dir: dir)
        copies.append(newCopy)
        let legacyCopy = try DrillCopy.take(m.legacy, role: .legacy, tables: live.tables(.legacy), dir: dir)
        copies.append(legacyCopy)
        let stateCopy = dir + "/state.db"
        try DrillCopy.backup(m.state, to: stateCopy)
        var copy = config
        copy.migration?.legacy = legacyCopy.spec
        copy.migration?.state = stateCopy
        copy.journal = dir + "/journal"
        // The copies' reverse flow has a journal of its own (the drill's, not the live one), reads the new copy's
        // change table (derived from its sink spec), and the legacy copy forgets the live reverse flow's
        // checkpoint: what the live flow applied is in the copy already.
        copy.migration?.reverseJournal = dir + "/reverse-journal"
        copy.migration?.reverseSource = nil
        try legacyCopy.with { store in
            if try store.hasTable("_tandem_checkpoint") {
                try store.execute("DELETE FROM _tandem_checkpoint WHERE sink = '\(ReverseSetup.consumerName)'")
            }
        }
        // And the new copy's change table starts empty (a PostgreSQL copy took none of its rows): the copies'
        // reverse flow carries the rehearsal's writes only. What it held is in legacy already for the cohort's tenants (a cohort leaves cut-over only after
        // its drain); carried again, an old write would overwrite the tenant's newer legacy rows.
        try newCopy.with { try $0.empty(ChangeTableTriggers.table) }
        copy.source = legacyCopy.source
        if let i = copy.sinks.firstIndex(where: { $0.name == m.new }) { copy.sinks[i].spec = newCopy.spec }
        let control = try CohortControl(config: copy, create: false)
        defer { control.state.close() }
        let legacyTables = control.tables(.legacy), newTables = control.tables(.new)

        // The fences as the live stores have them (before any publish re-creates them).
        for (store, role, tables) in [(legacyCopy, StoreRole.legacy, legacyTables), (newCopy, .new, newTables)] {
            let missing = try store.with { try $0.missingFences(tables) }
            if !missing.isEmpty {
                throw DrillFailure("a write fence is missing in the \(role.rawValue) store: \(missing.joined(separator: ", ")) (tandem fence status; tandem fence publish)")
            }
        }
        // Capture on both copies: legacy's for the forward catch-up, the new store's for reverse replication.
        try legacyCopy.with { try $0.installCapture(legacyTables.map(\.table)) }
        try newCopy.with { try $0.installCapture(newTables.map(\.table)) }

        var c = cohort
        if c.phase != .readsNew {
            c = try control.state.record(TimelineEntry(at: now, action: "drill", from: c.phase, to: .readsNew, who: "tandem drill", why: "rehearsal"),
                                         cohort: c.name)
            try control.publish()
        }
        let writer = DrillWriter(tenants: Array(cohort.tenants.sorted().prefix(sampleTenants)))
        // Before the cut-over: writes go to legacy; the new store refuses them.
        let before = try writer.write(store: legacyCopy, role: .legacy, tables: legacyTables, expectRefusal: false)
        guard !before.isEmpty else {
            throw DrillFailure("the cohort's tenants have no row in a migrated table with an integer primary key: nothing to rehearse with")
        }
        outcome.legacyWrites = before.count
        _ = try writer.write(store: newCopy, role: .new, tables: newTables, expectRefusal: true)

        // The cut-over moment, its catch-up in-process.
        let mapping = control.mapping
        let forward = DrillForward(live: config, liveMark: liveMark, legacySource: legacyCopy.source, newCopy: newCopy.spec, journal: dir + "/journal", mapping: mapping)
        var moment = CutOverMoment(control: control)
        moment.catchUp = { cohort throws(MigrationError) in
            do { try forward.catchUp() } catch { throw .refused(cohort: cohort.name, reason: "the forward catch-up failed: \(error)") }
        }
        c = try moment.run(c, who: "tandem drill", why: "rehearsal", now: now)
        outcome.record.cutOverPauseMs = try control.state.timeline(of: c.name).last?.pauseMs

        // In cut-over: writes go to the new store; legacy refuses them. A row written before is deleted.
        _ = try writer.write(store: legacyCopy, role: .legacy, tables: legacyTables, expectRefusal: true)
        let after = try writer.write(store: newCopy, role: .new, tables: newTables, expectRefusal: false)
        outcome.newWrites = after.count
        let legacyToNew = Dictionary(zip(legacyTables, newTables), uniquingKeysWith: { a, _ in a })
        let deleted = before.map { DrillWriter.Written(table: legacyToNew[$0.table] ?? $0.table, id: $0.id, tenant: $0.tenant) }
        try writer.delete(deleted, store: newCopy, tables: newTables)

        // The rollback, timed by its parts: fence the new store, drain reverse replication, flip and lift.
        let clock = ContinuousClock()
        let t0 = clock.now
        try control.publish(moving: [c.name], since: now)
        let t1 = clock.now
        // The copies' reverse flow as the rollback's own drain runs it next (its journal, the legacy copy's checkpoint
        // row `reverse`, the tenants in cut-over by the state copy): with other settings, that drain would apply the
        // journal again (and log each event as a conflict).
        var settings = try ReverseSetup.settings(copy)
        settings.legacySchemas = try legacyCopy.with { try $0.declaredSchemas(legacyTables.map(\.table)) }
        let flow: ReverseFlow
        do { flow = try ReverseFlow(mapping: mapping, settings: settings) } catch {
            throw DrillFailure("the reverse mapping cannot take the cohort's writes back: \(error) (tandem mapping check FILE --reverse)")
        }
        let pass = try flow.runOnce()
        outcome.drained = pass.applied
        if pass.quarantined > 0 {
            let why = (try? Quarantine(journal: settings.journal).list().first.map { "\($0.rule) on \($0.column ?? "?"): \($0.reason)" }) ?? nil
            throw DrillFailure("\(pass.quarantined) write(s) in the new store could not go back to legacy (\(why ?? "see the quarantine"))")
        }
        let t2 = clock.now
        _ = try control.rollback(name: c.name, who: "tandem drill", why: "rehearsal", now: now)
        let t3 = clock.now
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        outcome.rollbackParts = [("fence", ms(t1 - t0)), ("drain", ms(t2 - t1)), ("flip+lift", ms(t3 - t2))]
        outcome.record.rollbackMs = ms(t3 - t0)

        // Rolled back: writes go to legacy again; the new store refuses them.
        _ = try writer.write(store: newCopy, role: .new, tables: newTables, expectRefusal: true)
        // Every write made in the new store is in legacy, and the row deleted there is gone from legacy.
        let newToLegacy = Dictionary(zip(newTables, legacyTables), uniquingKeysWith: { a, _ in a })
        let back = after.map { DrillWriter.Written(table: newToLegacy[$0.table] ?? $0.table, id: $0.id, tenant: $0.tenant) }
        let present = try DrillWriter.present(back, store: legacyCopy)
        if let lost = back.first(where: { !present.contains($0) }) {
            throw DrillFailure("a write was lost in the rollback: row \(lost.id) of tenant \(lost.tenant), written to \(lost.table.table)'s new table in cut-over, is not in legacy")
        }
        if let kept = try DrillWriter.present(before, store: legacyCopy).first {
            throw DrillFailure("a delete was lost in the rollback: row \(kept.id) of tenant \(kept.tenant), deleted in the new store in cut-over, is still in legacy \(kept.table.table)")
        }
        // Last, the verify of the copies: nothing lost either way, for every tenant of the cohort.
        var options = Verifier.Options()
        options.settleSeconds = 0.1; options.maxRechecks = 2; options.catchUpSeconds = 0
        let legacyStore = try Verifier.store(legacyCopy.spec, role: "legacy")
        let newStore: any VerifyStore
        do { newStore = try Verifier.store(newCopy.spec, role: "new") } catch { legacyStore.close(); throw error }
        let verifier = Verifier(legacy: legacyStore, new: newStore, mapping: mapping,
                                scope: VerifyScope(tenants: Set(cohort.tenants), cohort: cohort.name), options: options,
                                mappingVersion: outcome.record.mappingVersion, appliedSeq: { 0 }, journalHead: { 0 }, journaledChange: { nil })
        defer { verifier.close() }
        let result = try verifier.run()
        guard result.clean else { throw DrillFailure("the copies differ after the rollback: \(result.summary)") }
        outcome.record.reason = "cut-over and rollback rehearsed for \(writer.tenants.count) tenant(s): \(before.count) write(s) to legacy, "
            + "\(after.count) to the new store, \(pass.applied) drained back; verify of the copies clean: \(result.summary)"
    }
}

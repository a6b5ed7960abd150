import Foundation
import TandemCore
import TandemSQLite

/// The migration's durable state (config `migration.state`): cohorts, their tenants, phases, the timeline
/// and the gates' last results, in one SQLite file written with `synchronous = FULL` (a recorded phase change
/// survives power loss). Every change is one transaction.
///
/// - Important: not `Sendable` (one SQLite connection); open one per thread.
public final class MigrationStateFile {
    /// The file.
    public let path: String
    let db: Database

    static let schema = """
        CREATE TABLE IF NOT EXISTS cohorts (name TEXT PRIMARY KEY, phase TEXT NOT NULL, paused INTEGER NOT NULL DEFAULT 0,
            definition TEXT NOT NULL, version INTEGER NOT NULL, since TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS cohort_tenants (tenant TEXT PRIMARY KEY, cohort TEXT NOT NULL REFERENCES cohorts(name));
        CREATE INDEX IF NOT EXISTS cohort_tenants_by_cohort ON cohort_tenants (cohort, tenant);
        CREATE TABLE IF NOT EXISTS timeline (id INTEGER PRIMARY KEY, cohort TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL,
            from_phase TEXT, to_phase TEXT NOT NULL, who TEXT NOT NULL, why TEXT, pause_ms REAL);
        CREATE TABLE IF NOT EXISTS gate_results (cohort TEXT NOT NULL, gate TEXT NOT NULL, passed INTEGER NOT NULL,
            detail TEXT NOT NULL, checked_at TEXT NOT NULL, PRIMARY KEY (cohort, gate));
        CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        \(MigrationStateFile.notifySchema)
        """

    /// Opens the state file, creating it (and its tables) when `create` and missing. `readOnly` opens it for
    /// the daemon's pages: no schema change, queries only, a short busy wait (a page must come back).
    /// - Throws: `MigrationError.state` when it cannot be opened or is not a state file.
    public init(path: String, create: Bool = true, readOnly: Bool = false) throws(MigrationError) {
        self.path = path
        if !create || readOnly, !FileManager.default.fileExists(atPath: path) {
            throw .state(file: path, reason: "no such file (no cohort was created yet: tandem cohort create)")
        }
        if readOnly {
            // Read-write with query_only, as stored checkpoints are read: a read-only open of a WAL file fails
            // when its -shm is gone.
            do {
                db = try Database(path: path, mode: .readWrite, busyTimeoutMilliseconds: 1000)
                try db.execute("PRAGMA query_only = ON")
            } catch { throw .state(file: path, reason: "\(error)") }
            return
        }
        do {
            db = try Database(path: path, mode: create ? .readWriteCreate : .readWrite)
            try db.execute("PRAGMA journal_mode = WAL")
            try db.execute("PRAGMA synchronous = FULL")
            try db.execute("PRAGMA foreign_keys = ON")
            try db.execute(Self.schema)
        } catch {
            throw .state(file: path, reason: "\(error)")
        }
    }

    /// Closes the connection.
    public func close() { db.close() }

    func wrap<T>(_ body: () throws -> T) throws(MigrationError) -> T {
        do { return try body() } catch let e as MigrationError { throw e } catch { throw .state(file: path, reason: "\(error)") }
    }

    /// Every cohort, by name.
    public func cohorts() throws(MigrationError) -> [Cohort] {
        try wrap {
            let s = try db.prepare("SELECT name, phase, definition, paused, version, since FROM cohorts ORDER BY name")
            var out: [Cohort] = []
            while try s.step() {
                out.append(try cohortRow(s))
            }
            for i in out.indices { out[i].tenants = try tenants(of: out[i].name) }
            return out
        }
    }

    /// The cohort named `name`, or nil.
    public func cohort(named name: String) throws(MigrationError) -> Cohort? {
        try wrap {
            let s = try db.prepare("SELECT name, phase, definition, paused, version, since FROM cohorts WHERE name = ?")
            try s.bind(name, at: 1)
            guard try s.step() else { return nil }
            var c = try cohortRow(s)
            c.tenants = try tenants(of: name)
            return c
        }
    }

    private func cohortRow(_ s: Statement) throws -> Cohort {
        guard let phase = MigrationPhase(rawValue: s.text(1)) else {
            throw MigrationError.state(file: path, reason: "cohort \(s.text(0)) has an unknown phase \"\(s.text(1))\" (written by a newer Tandem?)")
        }
        return Cohort(name: s.text(0), phase: phase, tenants: [], definition: s.text(2), paused: s.int64(3) != 0,
                      version: s.int64(4), since: (try? Timestamp(rfc3339: s.text(5))) ?? Timestamp(microseconds: 0))
    }

    private func tenants(of cohort: String) throws -> [String] {
        let s = try db.cachedStatement("SELECT tenant FROM cohort_tenants WHERE cohort = ? ORDER BY tenant")
        try s.bind(cohort, at: 1)
        var out: [String] = []
        while try s.step() { out.append(s.text(0)) }
        return out
    }

    /// Each tenant already in a cohort, to its cohort.
    public func tenantOwners() throws(MigrationError) -> [String: String] {
        try wrap {
            let s = try db.prepare("SELECT tenant, cohort FROM cohort_tenants")
            var out: [String: String] = [:]
            while try s.step() { out[s.text(0)] = s.text(1) }
            return out
        }
    }

    /// Records a new cohort in `planned` with its tenants (refused when the name or a tenant is taken).
    @discardableResult
    public func create(name: String, definition: String, tenants: [String], who: String, why: String?,
                       at: Timestamp) throws(MigrationError) -> Cohort {
        try wrap {
            try db.transaction {
                if try cohortExists(name) { throw MigrationError.cohortExists(name) }
                let owner = try db.prepare("SELECT cohort FROM cohort_tenants WHERE tenant = ?")
                for t in tenants {
                    try owner.bind(t, at: 1)
                    if try owner.step() { throw MigrationError.tenantTaken(tenant: t, cohort: owner.text(0)) }
                    try owner.reset()
                }
                let version = try nextVersion()
                let c = try db.prepare("INSERT INTO cohorts (name, phase, definition, version, since) VALUES (?, ?, ?, ?, ?)")
                try c.bind(name, at: 1); try c.bind(MigrationPhase.planned.rawValue, at: 2); try c.bind(definition, at: 3)
                try c.bind(version, at: 4); try c.bind(at.rfc3339, at: 5)
                try c.execute()
                let t = try db.prepare("INSERT INTO cohort_tenants (tenant, cohort) VALUES (?, ?)")
                for tenant in tenants {
                    try t.bind(tenant, at: 1); try t.bind(name, at: 2); try t.execute()
                }
                try appendTimeline(TimelineEntry(at: at, action: "create", from: nil, to: .planned, who: who, why: why), cohort: name)
            }
            return try cohort(named: name)!
        }
    }

    private func cohortExists(_ name: String) throws -> Bool {
        let s = try db.prepare("SELECT 1 FROM cohorts WHERE name = ?")
        try s.bind(name, at: 1)
        return try s.step()
    }

    /// The next routing version (one counter for the whole state file: a route's version only grows).
    private func nextVersion() throws -> Int64 {
        try db.execute("INSERT INTO counters (name, value) VALUES ('routing_version', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1")
        guard case .int(let v)? = try db.scalar("SELECT value FROM counters WHERE name = 'routing_version'") else { return 1 }
        return v
    }

    /// Records a phase change (or a pause/resume when `entry.from == entry.to`) and its timeline line in one
    /// transaction; returns the cohort as recorded. `paused` sets the pause flag when given; `alsoInTransaction`
    /// runs inside the same transaction (a moment's step).
    @discardableResult
    public func record(_ entry: TimelineEntry, cohort name: String, paused: Bool? = nil,
                       alsoInTransaction: ((Database) throws -> Void)? = nil) throws(MigrationError) -> Cohort {
        try wrap {
            if alsoInTransaction != nil { try db.execute(Self.momentSchema) }
            try db.transaction {
                let version = entry.from == entry.to ? nil : try nextVersion()
                let s = try db.prepare("""
                    UPDATE cohorts SET phase = ?, paused = coalesce(?, paused), version = coalesce(?, version),
                        since = CASE WHEN ? IS NULL THEN since ELSE ? END WHERE name = ?
                    """)
                try s.bind(entry.to.rawValue, at: 1)
                try s.bind(paused.map { .int($0 ? 1 : 0) } ?? .null, at: 2)
                try s.bind(version.map { .int($0) } ?? .null, at: 3)
                try s.bind(version.map { .int($0) } ?? .null, at: 4)
                try s.bind(entry.at.rfc3339, at: 5)
                try s.bind(name, at: 6)
                try s.execute()
                guard db.changes == 1 else { throw MigrationError.noSuchCohort(name, known: []) }
                try appendTimeline(entry, cohort: name)
                try alsoInTransaction?(db)
            }
            return try cohort(named: name)!
        }
    }

    func appendTimeline(_ e: TimelineEntry, cohort: String) throws {
        let s = try db.prepare("""
            INSERT INTO timeline (cohort, at, action, from_phase, to_phase, who, why, pause_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try s.bind(cohort, at: 1); try s.bind(e.at.rfc3339, at: 2); try s.bind(e.action, at: 3)
        try s.bind(e.from.map { .string($0.rawValue) } ?? .null, at: 4); try s.bind(e.to.rawValue, at: 5)
        try s.bind(e.who, at: 6); try s.bind(e.why.map { .string($0) } ?? .null, at: 7)
        try s.bind(e.pauseMs.map { .double($0) } ?? .null, at: 8)
        try s.execute()
    }

    /// Sets the write pause of the cohort's latest timeline line (measured after the phase was recorded).
    public func setPause(_ ms: Double, cohort: String) throws(MigrationError) {
        try wrap {
            let s = try db.prepare("UPDATE timeline SET pause_ms = ? WHERE id = (SELECT max(id) FROM timeline WHERE cohort = ?)")
            try s.bind(.double(ms), at: 1); try s.bind(cohort, at: 2)
            try s.execute()
        }
    }

    /// The cohort's timeline, oldest first.
    public func timeline(of cohort: String) throws(MigrationError) -> [TimelineEntry] {
        try wrap {
            let s = try db.prepare("SELECT at, action, from_phase, to_phase, who, why, pause_ms FROM timeline WHERE cohort = ? ORDER BY id")
            try s.bind(cohort, at: 1)
            var out: [TimelineEntry] = []
            while try s.step() {
                out.append(TimelineEntry(at: (try? Timestamp(rfc3339: s.text(0))) ?? Timestamp(microseconds: 0), action: s.text(1),
                                         from: s.isNull(2) ? nil : MigrationPhase(rawValue: s.text(2)),
                                         to: MigrationPhase(rawValue: s.text(3)) ?? .planned, who: s.text(4),
                                         why: s.isNull(5) ? nil : s.text(5), pauseMs: s.isNull(6) ? nil : s.double(6)))
            }
            return out
        }
    }

    /// Stores a gate's result for the cohort (replacing its previous one).
    public func save(_ result: GateResult, cohort: String) throws(MigrationError) {
        try wrap {
            let s = try db.prepare("""
                INSERT INTO gate_results (cohort, gate, passed, detail, checked_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (cohort, gate) DO UPDATE SET passed = excluded.passed, detail = excluded.detail, checked_at = excluded.checked_at
                """)
            try s.bind(cohort, at: 1); try s.bind(result.gate, at: 2); try s.bind(result.passed ? 1 : 0, at: 3)
            try s.bind(result.detail, at: 4); try s.bind(result.checkedAt.rfc3339, at: 5)
            try s.execute()
        }
    }

    /// The gates' last results for the cohort, by gate name.
    public func gateResults(of cohort: String) throws(MigrationError) -> [GateResult] {
        try wrap {
            let s = try db.prepare("SELECT gate, passed, detail, checked_at FROM gate_results WHERE cohort = ? ORDER BY gate")
            try s.bind(cohort, at: 1)
            var out: [GateResult] = []
            while try s.step() {
                out.append(GateResult(gate: s.text(0), passed: s.int64(1) != 0, detail: s.text(2),
                                      checkedAt: (try? Timestamp(rfc3339: s.text(3))) ?? Timestamp(microseconds: 0)))
            }
            return out
        }
    }
}

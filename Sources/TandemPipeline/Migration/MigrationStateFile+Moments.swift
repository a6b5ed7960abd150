import TandemCore
import TandemSQLite

/// A cut-over or a rollback from cut-over in hand (a "moment"), recorded in the state file before the first
/// fence is set, so that a process killed in the middle leaves a record of what it was doing (`MomentRecovery`).
public struct MomentRecord: Sendable, Hashable {
    /// The cohort moving.
    public var cohort: String
    /// `advance` (reads-new → cut-over) or `rollback` (cut-over → rolled-back).
    public var action: String
    /// The phase it leaves.
    public var from: MigrationPhase
    /// The phase it goes to.
    public var to: MigrationPhase
    /// How far it got: `fencing` (the phase is not recorded: undone on recovery) or `recorded` (the phase is
    /// recorded, the fences may not be lifted yet: finished on recovery).
    public var step: String
    /// When it began.
    public var startedAt: Timestamp
    /// Who asked.
    public var who: String
    /// The process doing it (for the operator; liveness is the migration lock's, not the pid's).
    public var pid: Int32
}

/// How long each step of a moment took, in milliseconds: fence (both stores refuse the cohort's writes:
/// `moving`), drain (every change the side losing the writes took is in the other), flip (the phase recorded),
/// lift (the side taking the writes accepts them). The tenants' write pause is drain + flip + lift.
public struct MomentSteps: Sendable, Hashable {
    /// Setting the `moving` fence in both stores.
    public var fenceMs: Double = 0
    /// Waiting for the changes in flight (forward at cut-over; reverse at rollback).
    public var drainMs: Double = 0
    /// Recording the phase in the state file.
    public var flipMs: Double = 0
    /// Publishing the recorded phase (lifting the fence of the side that takes the writes).
    public var liftMs: Double = 0
    /// How many events the drain waited for (nil when not counted).
    public var drainedEvents: Int?

    /// The write pause the tenants saw: from the fence to its lifting.
    public var pauseMs: Double { drainMs + flipMs + liftMs }

    /// `fence 3 ms, drain 0 ms, flip 2 ms, lift 4 ms` (for the CLI and `cohort show`).
    public var text: String {
        func ms(_ v: Double) -> String { v < 10 ? String(format: "%.1f ms", v) : String(format: "%.0f ms", v) }
        return "fence \(ms(fenceMs)), drain \(ms(drainMs))\(drainedEvents.map { " (\($0) event\($0 == 1 ? "" : "s"))" } ?? ""),"
            + " flip \(ms(flipMs)), lift \(ms(liftMs))"
    }

    /// The steps as a JSON object (`cohort show --json`, the state file).
    public var json: JSONValue {
        .object([("fenceMs", .double(fenceMs)), ("drainMs", .double(drainMs)), ("flipMs", .double(flipMs)), ("liftMs", .double(liftMs)),
                 ("drainedEvents", drainedEvents.map { .int(Int64($0)) } ?? .null)])
    }

    /// Reads steps back from `json` (nil when malformed).
    public init?(json v: JSONValue) {
        guard let f = v["fenceMs"]?.double, let d = v["drainMs"]?.double, let fl = v["flipMs"]?.double, let l = v["liftMs"]?.double else { return nil }
        fenceMs = f; drainMs = d; flipMs = fl; liftMs = l
        drainedEvents = v["drainedEvents"]?.int64.map { Int($0) }
    }

    /// No step timed yet.
    public init() {}
}

/// Times the steps of a moment one after the other.
struct StepClock {
    private let clock = ContinuousClock()
    private var mark: ContinuousClock.Instant

    init() { mark = clock.now }

    /// Milliseconds since the previous lap (or the start).
    mutating func lap() -> Double {
        let now = clock.now, d = now - mark
        mark = now
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}

extension MigrationStateFile {
    /// Moments in hand and the steps of timeline lines (created on first use: an older state file has neither).
    static let momentSchema = """
        CREATE TABLE IF NOT EXISTS moments (cohort TEXT PRIMARY KEY, action TEXT NOT NULL, from_phase TEXT NOT NULL, to_phase TEXT NOT NULL,
            step TEXT NOT NULL, started_at TEXT NOT NULL, who TEXT NOT NULL, pid INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS timeline_steps (timeline_id INTEGER PRIMARY KEY, steps TEXT NOT NULL);
        """

    /// Records that `m` begins (FULL sync: durable before the first fence is set).
    public func beginMoment(_ m: MomentRecord) throws(MigrationError) {
        try wrap {
            try db.execute(Self.momentSchema)
            let s = try db.prepare("""
                INSERT OR REPLACE INTO moments (cohort, action, from_phase, to_phase, step, started_at, who, pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (i, v) in [m.cohort, m.action, m.from.rawValue, m.to.rawValue, m.step, m.startedAt.rfc3339, m.who].enumerated() {
                try s.bind(v, at: Int32(i + 1))
            }
            try s.bind(Int64(m.pid), at: 8)
            try s.execute()
        }
    }

    /// Records the moment's phase change and marks the moment `recorded`, in one transaction.
    @discardableResult
    public func recordMoment(_ entry: TimelineEntry, cohort: String) throws(MigrationError) -> Cohort {
        try record(entry, cohort: cohort, alsoInTransaction: { db in
            let s = try db.prepare("UPDATE moments SET step = 'recorded' WHERE cohort = ?")
            try s.bind(cohort, at: 1)
            try s.execute()
        })
    }

    /// Ends the cohort's moment (done, undone or recovered); `entry`, when given, is appended in the same transaction.
    public func endMoment(cohort: String, entry: TimelineEntry? = nil) throws(MigrationError) {
        try wrap {
            try db.execute(Self.momentSchema)
            try db.transaction {
                let s = try db.prepare("DELETE FROM moments WHERE cohort = ?")
                try s.bind(cohort, at: 1)
                try s.execute()
                if let entry { try appendTimeline(entry, cohort: cohort) }
            }
        }
    }

    /// The moments in hand (or left behind by a process that ended), by cohort.
    public func moments() throws(MigrationError) -> [MomentRecord] {
        try wrap {
            guard try hasTable("moments") else { return [] }
            let s = try db.prepare("SELECT cohort, action, from_phase, to_phase, step, started_at, who, pid FROM moments ORDER BY cohort")
            var out: [MomentRecord] = []
            while try s.step() {
                guard let from = MigrationPhase(rawValue: s.text(2)), let to = MigrationPhase(rawValue: s.text(3)) else { continue }
                out.append(MomentRecord(cohort: s.text(0), action: s.text(1), from: from, to: to, step: s.text(4),
                                        startedAt: (try? Timestamp(rfc3339: s.text(5))) ?? Timestamp(microseconds: 0), who: s.text(6),
                                        pid: Int32(truncatingIfNeeded: s.int64(7))))
            }
            return out
        }
    }

    /// Sets the write pause and the steps of the cohort's latest timeline line.
    public func setSteps(_ steps: MomentSteps, cohort: String) throws(MigrationError) {
        try setPause(steps.pauseMs, cohort: cohort)
        try wrap {
            try db.execute(Self.momentSchema)
            let s = try db.prepare("""
                INSERT OR REPLACE INTO timeline_steps (timeline_id, steps) SELECT max(id), ? FROM timeline WHERE cohort = ?
                """)
            try s.bind(steps.json.description, at: 1); try s.bind(cohort, at: 2)
            try s.execute()
        }
    }

    /// The steps of the cohort's timeline lines that have them, by the line's position in `timeline(of:)`.
    public func timelineSteps(of cohort: String) throws(MigrationError) -> [Int: MomentSteps] {
        try wrap {
            guard try hasTable("timeline_steps") else { return [:] }
            let s = try db.prepare("""
                SELECT n, steps FROM (SELECT t.id, row_number() OVER (ORDER BY t.id) - 1 AS n FROM timeline t WHERE t.cohort = ?) l
                JOIN timeline_steps s ON s.timeline_id = l.id
                """)
            try s.bind(cohort, at: 1)
            var out: [Int: MomentSteps] = [:]
            while try s.step() {
                if let v = try? JSONValue.parse(s.text(1)), let steps = MomentSteps(json: v) { out[Int(s.int64(0))] = steps }
            }
            return out
        }
    }
}

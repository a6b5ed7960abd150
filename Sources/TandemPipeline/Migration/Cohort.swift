import TandemCore

/// A named set of tenants moving together, with its phase (read from the state file).
public struct Cohort: Sendable, Hashable {
    /// The cohort's name (`tandem cohort create NAME`).
    public var name: String
    /// Its phase now.
    public var phase: MigrationPhase
    /// Its tenants, sorted.
    public var tenants: [String]
    /// How it was defined, in words (`--tenants …`, `--percent 1 --seed s`, `--lowest-risk 1 --audit DIR`).
    public var definition: String
    /// Whether `pause` holds it (advance refuses until `resume`).
    public var paused: Bool
    /// The routing version of its last phase change (every change takes the next number).
    public var version: Int64
    /// When its current phase was recorded.
    public var since: Timestamp
}

/// One line of a cohort's timeline: a phase change, a pause or a resume.
public struct TimelineEntry: Sendable, Hashable {
    /// When it was recorded.
    public var at: Timestamp
    /// What happened: `create`, `advance`, `rollback`, `pause`, `resume`.
    public var action: String
    /// The phase before (nil at create).
    public var from: MigrationPhase?
    /// The phase after.
    public var to: MigrationPhase
    /// The OS user, or `--by`.
    public var who: String
    /// `--why`, if given.
    public var why: String?
    /// The write pause the cohort's tenants saw, in milliseconds (cut-over and rollback from cut-over).
    public var pauseMs: Double?

    /// A line from its parts (tools outside this module record phases too: the rollback bench).
    public init(at: Timestamp, action: String, from: MigrationPhase?, to: MigrationPhase, who: String, why: String?, pauseMs: Double? = nil) {
        self.at = at; self.action = action; self.from = from; self.to = to; self.who = who; self.why = why; self.pauseMs = pauseMs
    }
}

/// The last result of one gate for one cohort.
public struct GateResult: Sendable, Hashable {
    /// The gate's name (`forward-lag`).
    public var gate: String
    /// Whether it held.
    public var passed: Bool
    /// What it found, in words (the reason when it did not hold).
    public var detail: String
    /// When it was checked.
    public var checkedAt: Timestamp
}

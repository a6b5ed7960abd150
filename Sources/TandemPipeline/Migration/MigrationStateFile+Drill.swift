import TandemCore
import TandemSQLite

/// A drill's result as the state file keeps it: the last one per cohort (`tandem drill`).
public struct DrillRecord: Sendable, Hashable {
    /// The cohort rehearsed.
    public var cohort: String
    /// When it finished.
    public var at: Timestamp
    /// Whether it passed.
    public var passed: Bool
    /// Why it failed, or what it did when it passed (one line).
    public var reason: String
    /// The measured write pause of the rehearsed cut-over, in milliseconds (nil: it did not get that far).
    public var cutOverPauseMs: Double?
    /// The measured time of the rehearsed rollback (fence, drain, flip, lift), in milliseconds.
    public var rollbackMs: Double?
    /// The mapping's version it rehearsed with (`Verifier.mappingVersion`).
    public var mappingVersion: String

    /// A record from its parts.
    public init(cohort: String, at: Timestamp, passed: Bool, reason: String, cutOverPauseMs: Double?, rollbackMs: Double?, mappingVersion: String) {
        self.cohort = cohort; self.at = at; self.passed = passed; self.reason = reason
        self.cutOverPauseMs = cutOverPauseMs; self.rollbackMs = rollbackMs; self.mappingVersion = mappingVersion
    }
}

extension MigrationStateFile {
    /// The table of drill results (created on first save: a state file of an older Tandem has none).
    static let drillSchema = """
        CREATE TABLE IF NOT EXISTS drill_results (cohort TEXT PRIMARY KEY, at TEXT NOT NULL, passed INTEGER NOT NULL,
            reason TEXT NOT NULL, cutover_pause_ms REAL, rollback_ms REAL, mapping_version TEXT NOT NULL)
        """

    /// Records a drill's result (replacing the cohort's previous one).
    public func save(_ r: DrillRecord) throws(MigrationError) {
        try wrap {
            try db.execute(Self.drillSchema)
            let s = try db.prepare("""
                INSERT INTO drill_results (cohort, at, passed, reason, cutover_pause_ms, rollback_ms, mapping_version) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (cohort) DO UPDATE SET at = excluded.at, passed = excluded.passed, reason = excluded.reason,
                    cutover_pause_ms = excluded.cutover_pause_ms, rollback_ms = excluded.rollback_ms, mapping_version = excluded.mapping_version
                """)
            try s.bind(r.cohort, at: 1); try s.bind(r.at.rfc3339, at: 2); try s.bind(r.passed ? 1 : 0, at: 3); try s.bind(r.reason, at: 4)
            try s.bind(r.cutOverPauseMs.map { .double($0) } ?? .null, at: 5); try s.bind(r.rollbackMs.map { .double($0) } ?? .null, at: 6)
            try s.bind(r.mappingVersion, at: 7)
            try s.execute()
        }
    }

    /// The cohort's last drill, or nil.
    public func lastDrill(cohort: String) throws(MigrationError) -> DrillRecord? {
        try wrap {
            guard try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drill_results'") != nil else { return nil }
            let s = try db.prepare("""
                SELECT cohort, at, passed, reason, cutover_pause_ms, rollback_ms, mapping_version FROM drill_results WHERE cohort = ?
                """)
            try s.bind(cohort, at: 1)
            guard try s.step() else { return nil }
            return DrillRecord(cohort: s.text(0), at: (try? Timestamp(rfc3339: s.text(1))) ?? Timestamp(microseconds: 0), passed: s.int64(2) != 0,
                               reason: s.text(3), cutOverPauseMs: s.isNull(4) ? nil : s.double(4), rollbackMs: s.isNull(5) ? nil : s.double(5),
                               mappingVersion: s.text(6))
        }
    }
}

import TandemCore
import TandemSQLite

/// A verify's result as the state file keeps it: the last one per scope.
public struct VerifyRecord: Sendable, Hashable {
    /// The scope in words (`cohort pilot`, `tenants a,b`, `every tenant`).
    public var scope: String
    /// The cohort, when the scope was one.
    public var cohort: String?
    /// When it finished.
    public var at: Timestamp
    /// Whether it was clean.
    public var clean: Bool
    /// Its one-line summary.
    public var summary: String
    /// The journal seq the stores agreed at.
    public var consistentAtSeq: UInt64
    /// The mapping's version it compared with.
    public var mappingVersion: String
}

extension MigrationStateFile {
    /// The table of verify results (created on first save: a state file of an older Tandem has none).
    static let verifySchema = """
        CREATE TABLE IF NOT EXISTS verify_results (scope TEXT PRIMARY KEY, cohort TEXT, at TEXT NOT NULL, clean INTEGER NOT NULL,
            summary TEXT NOT NULL, consistent_seq INTEGER NOT NULL, mapping_version TEXT NOT NULL)
        """

    /// Records a verify's result (replacing the previous one of its scope).
    public func save(_ r: VerifyResult) throws(MigrationError) {
        try wrap {
            try db.execute(Self.verifySchema)
            let s = try db.prepare("""
                INSERT INTO verify_results (scope, cohort, at, clean, summary, consistent_seq, mapping_version) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scope) DO UPDATE SET cohort = excluded.cohort, at = excluded.at, clean = excluded.clean,
                    summary = excluded.summary, consistent_seq = excluded.consistent_seq, mapping_version = excluded.mapping_version
                """)
            try s.bind(r.scope.text, at: 1); try s.bind(r.scope.cohort.map { .string($0) } ?? .null, at: 2)
            try s.bind(r.finishedAt.rfc3339, at: 3); try s.bind(r.clean ? 1 : 0, at: 4); try s.bind(r.summary, at: 5)
            try s.bind(Int64(r.consistentAtSeq), at: 6); try s.bind(r.mappingVersion, at: 7)
            try s.execute()
        }
    }

    /// The last verify of the cohort (a verify by `--cohort NAME`), or nil.
    public func lastVerify(cohort: String) throws(MigrationError) -> VerifyRecord? {
        try wrap {
            guard try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verify_results'") != nil else { return nil }
            let s = try db.prepare("""
                SELECT scope, cohort, at, clean, summary, consistent_seq, mapping_version FROM verify_results
                WHERE cohort = ? ORDER BY at DESC LIMIT 1
                """)
            try s.bind(cohort, at: 1)
            guard try s.step() else { return nil }
            return VerifyRecord(scope: s.text(0), cohort: s.isNull(1) ? nil : s.text(1),
                                at: (try? Timestamp(rfc3339: s.text(2))) ?? Timestamp(microseconds: 0), clean: s.int64(3) != 0,
                                summary: s.text(4), consistentAtSeq: UInt64(max(0, s.int64(5))), mappingVersion: s.text(6))
        }
    }

    /// Where a verify of `scope` with mapping `version` keeps its progress in this file (table
    /// `verify_progress`, one row per scope; a row of another mapping version is not resumed).
    public func verifyProgress(scope: String, version: String) -> VerifyProgressStore {
        VerifyProgressStore(
            load: { [self] in
                try wrap {
                    guard try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verify_progress'") != nil else { return nil }
                    let s = try db.prepare("SELECT progress FROM verify_progress WHERE scope = ? AND mapping_version = ?")
                    try s.bind(scope, at: 1); try s.bind(version, at: 2)
                    return try s.step() ? s.text(0) : nil
                }
            },
            save: { [self] text in
                try wrap {
                    try db.execute(Self.progressSchema)
                    let s = try db.prepare("""
                        INSERT INTO verify_progress (scope, mapping_version, progress) VALUES (?, ?, ?)
                        ON CONFLICT (scope) DO UPDATE SET mapping_version = excluded.mapping_version, progress = excluded.progress
                        """)
                    try s.bind(scope, at: 1); try s.bind(version, at: 2); try s.bind(text, at: 3)
                    try s.execute()
                }
            },
            clear: { [self] in
                try wrap {
                    guard try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verify_progress'") != nil else { return }
                    let s = try db.prepare("DELETE FROM verify_progress WHERE scope = ?")
                    try s.bind(scope, at: 1)
                    try s.execute()
                }
            })
    }

    static let progressSchema = """
        CREATE TABLE IF NOT EXISTS verify_progress (scope TEXT PRIMARY KEY, mapping_version TEXT NOT NULL, progress TEXT NOT NULL)
        """
}

import TandemCore
import TandemSQLite

/// A recorded check (a verify or a drill) as the control room shows it: when, whether it passed, in words.
public struct CheckRecord: Sendable, Hashable {
    /// When it finished.
    public var at: Timestamp
    /// Whether it passed (a clean verify, a passing drill).
    public var passed: Bool
    /// Its one-line summary (counts and keys, no row values).
    public var summary: String

    /// A record from its parts.
    public init(at: Timestamp, passed: Bool, summary: String) { self.at = at; self.passed = passed; self.summary = summary }

    var json: JSONValue {
        .object([("at", .string(at.rfc3339)), ("passed", .bool(passed)), ("summary", .string(summary))])
    }
}

/// The notices recorded for one cohort, counted (no address: counts only).
public struct NoticeCounts: Sendable, Hashable {
    /// Notices recorded `sent`.
    public var sent = 0
    /// Notices a mailer reported delivered.
    public var delivered = 0
    /// Notices a mailer reported bounced.
    public var bounced = 0
    /// Tenants with at least one notice.
    public var tenants = 0
    /// When the newest was recorded (nil: none).
    public var last: Timestamp?

    /// No notices.
    public init() {}

    var json: JSONValue {
        .object([("sent", .int(Int64(sent))), ("delivered", .int(Int64(delivered))), ("bounced", .int(Int64(bounced))),
                 ("tenants", .int(Int64(tenants))), ("last", last.map { .string($0.rfc3339) } ?? .null)])
    }
}

/// One timeline line of any cohort, with its cohort.
public struct CohortTimelineEntry: Sendable, Hashable {
    /// The cohort.
    public var cohort: String
    /// The line.
    public var entry: TimelineEntry
}

extension MigrationStateFile {
    /// The newest `limit` timeline lines over every cohort, newest first.
    public func recentTimeline(limit: Int) throws(MigrationError) -> [CohortTimelineEntry] {
        try wrap {
            let s = try db.prepare("""
                SELECT cohort, at, action, from_phase, to_phase, who, why, pause_ms FROM timeline ORDER BY id DESC LIMIT ?
                """)
            try s.bind(Int64(limit), at: 1)
            var out: [CohortTimelineEntry] = []
            while try s.step() {
                let e = TimelineEntry(at: Self.time(s.text(1)), action: s.text(2),
                                      from: s.isNull(3) ? nil : MigrationPhase(rawValue: s.text(3)),
                                      to: MigrationPhase(rawValue: s.text(4)) ?? .planned, who: s.text(5),
                                      why: s.isNull(6) ? nil : s.text(6), pauseMs: s.isNull(7) ? nil : s.double(7))
                out.append(CohortTimelineEntry(cohort: s.text(0), entry: e))
            }
            return out
        }
    }

    /// The cohort's notices, counted by status (a state file older than notices has none).
    public func noticeCounts(of cohort: String) throws(MigrationError) -> NoticeCounts {
        try wrap {
            var n = NoticeCounts()
            guard try tableExists("notices") else { return n }
            let s = try db.prepare("SELECT status, count(*), count(DISTINCT tenant), max(at) FROM notices WHERE cohort = ? GROUP BY status")
            try s.bind(cohort, at: 1)
            var latest: String?
            while try s.step() {
                let count = Int(s.int64(1))
                switch s.text(0) {
                case "delivered": n.delivered += count
                case "bounced": n.bounced += count
                default: n.sent += count
                }
                if !s.isNull(3), latest.map({ s.text(3) > $0 }) ?? true { latest = s.text(3) }
            }
            let t = try db.prepare("SELECT count(DISTINCT tenant) FROM notices WHERE cohort = ?")
            try t.bind(cohort, at: 1)
            if try t.step() { n.tenants = Int(t.int64(0)) }
            n.last = latest.flatMap { try? Timestamp(rfc3339: $0) }
            return n
        }
    }

    /// The cohort's last drill: the newest row of a `drill_results` table when the file has one (read by
    /// column name: `at`/`finished_at`, `passed`/`pass`, `summary`/`detail`), else the `drill` gate's last
    /// result; nil when neither exists.
    public func lastDrill(cohort: String) throws(MigrationError) -> CheckRecord? {
        try wrap {
            if try tableExists("drill_results") {
                let s = try db.prepare("SELECT * FROM drill_results WHERE cohort = ? ORDER BY rowid DESC LIMIT 1")
                try s.bind(cohort, at: 1)
                if try s.step() {
                    var columns: [String: Int32] = [:]
                    for i in 0..<s.columnCount { columns[s.columnName(i).lowercased()] = i }
                    let at = ["at", "finished_at", "finishedat", "ended_at"].compactMap { columns[$0] }.first
                    let passed = ["passed", "pass", "ok", "clean"].compactMap { columns[$0] }.first
                    let summary = ["summary", "detail", "result"].compactMap { columns[$0] }.first
                    if let at, let passed {
                        return CheckRecord(at: Self.time(s.text(at)), passed: s.int64(passed) != 0,
                                           summary: summary.map { s.text($0) } ?? "")
                    }
                }
            }
            return try gateResults(of: cohort).first { $0.gate == "drill" }
                .map { CheckRecord(at: $0.checkedAt, passed: $0.passed, summary: $0.detail) }
        }
    }

    private func tableExists(_ name: String) throws -> Bool {
        let s = try db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        try s.bind(name, at: 1)
        return try s.step()
    }

    private static func time(_ text: String) -> Timestamp { (try? Timestamp(rfc3339: text)) ?? Timestamp(microseconds: 0) }
}

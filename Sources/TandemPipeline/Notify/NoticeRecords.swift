import TandemCore
import TandemSQLite

/// A cohort's scheduled window: when its tenants move (cut-over may start at `start`).
public struct CohortWindow: Sendable, Hashable, CustomStringConvertible {
    /// When it opens.
    public var start: Timestamp
    /// When it closes.
    public var end: Timestamp

    /// A window; `start` must be before `end`.
    public init(start: Timestamp, end: Timestamp) { self.start = start; self.end = end }

    /// Parses `START..END` (two RFC 3339 times).
    /// - Throws: `NotifyError.badTime` naming what is wrong.
    public init(parsing text: String) throws(NotifyError) {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else { throw .badTime("--window takes START..END (two RFC 3339 times), not '\(TerminalText.escaped(text))'") }
        do {
            start = try Timestamp(rfc3339: parts[0]); end = try Timestamp(rfc3339: parts[1])
        } catch { throw .badTime("--window '\(TerminalText.escaped(text))': \(error); write e.g. 2026-12-14T22:00:00Z..2026-12-15T02:00:00Z") }
        guard start.microseconds < end.microseconds else { throw .badTime("--window: its start \(parts[0]) is not before its end \(parts[1])") }
    }

    /// `START..END`.
    public var description: String { "\(start.rfc3339Short)..\(end.rfc3339Short)" }
}

/// One notice recorded for one address of a cohort: sent by hand, or delivered / bounced per a mailer's report.
public struct NoticeRecord: Sendable, Hashable {
    /// The tenant.
    public var tenant: String
    /// The address.
    public var email: String
    /// The message kind (`moving`, `action-needed`, `done`, `moved-back`).
    public var kind: String
    /// `sent`, `delivered` or `bounced`.
    public var status: String
    /// When it went out (or was reported).
    public var at: Timestamp
    /// Who recorded it.
    public var who: String

    /// A record from its parts.
    public init(tenant: String, email: String, kind: String, status: String, at: Timestamp, who: String) {
        self.tenant = tenant; self.email = email; self.kind = kind; self.status = status; self.at = at; self.who = who
    }

    /// Whether the customer counts as told (sent or delivered, not bounced).
    public var told: Bool { status != "bounced" }
}

extension MigrationStateFile {
    /// The notify tables (issue 15), created beside the cohort tables; a state file written before them opens
    /// and gains them (`CREATE … IF NOT EXISTS`).
    static let notifySchema = """
        CREATE TABLE IF NOT EXISTS cohort_windows (cohort TEXT PRIMARY KEY REFERENCES cohorts(name), start TEXT NOT NULL, end_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS notices (id INTEGER PRIMARY KEY, cohort TEXT NOT NULL, tenant TEXT NOT NULL, email TEXT NOT NULL,
            kind TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL, who TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS notices_by_cohort ON notices (cohort, email, id);
        """

    /// Sets (or replaces) the cohort's window.
    public func setWindow(_ w: CohortWindow, cohort: String) throws(MigrationError) {
        try wrap {
            let s = try db.prepare("""
                INSERT INTO cohort_windows (cohort, start, end_at) VALUES (?, ?, ?)
                ON CONFLICT (cohort) DO UPDATE SET start = excluded.start, end_at = excluded.end_at
                """)
            try s.bind(cohort, at: 1); try s.bind(w.start.rfc3339Short, at: 2); try s.bind(w.end.rfc3339Short, at: 3)
            try s.execute()
        }
    }

    /// The cohort's window, or nil (also for a read-only state file written before windows existed).
    public func window(of cohort: String) throws(MigrationError) -> CohortWindow? {
        try wrap {
            guard try hasTable("cohort_windows") else { return nil }
            let s = try db.prepare("SELECT start, end_at FROM cohort_windows WHERE cohort = ?")
            try s.bind(cohort, at: 1)
            guard try s.step() else { return nil }
            return CohortWindow(start: try Timestamp(rfc3339: s.text(0)), end: try Timestamp(rfc3339: s.text(1)))
        }
    }

    /// Records notices, in one transaction.
    public func record(_ notices: [NoticeRecord], cohort: String) throws(MigrationError) {
        try wrap {
            try db.transaction {
                let s = try db.prepare("INSERT INTO notices (cohort, tenant, email, kind, status, at, who) VALUES (?, ?, ?, ?, ?, ?, ?)")
                for n in notices {
                    try s.bind(cohort, at: 1); try s.bind(n.tenant, at: 2); try s.bind(n.email, at: 3); try s.bind(n.kind, at: 4)
                    try s.bind(n.status, at: 5); try s.bind(n.at.rfc3339Short, at: 6); try s.bind(n.who, at: 7)
                    try s.execute(); try s.reset()
                }
            }
        }
    }

    /// Each address's latest notice for the cohort (told since the first time it was told, until a bounce) (per kind in `kinds`, all when nil), by address.
    public func latestNotices(of cohort: String, kinds: Set<String>? = nil) throws(MigrationError) -> [String: NoticeRecord] {
        try wrap {
            guard try hasTable("notices") else { return [:] }
            let s = try db.prepare("SELECT tenant, email, kind, status, at, who FROM notices WHERE cohort = ? ORDER BY id")
            try s.bind(cohort, at: 1)
            var out: [String: NoticeRecord] = [:]
            while try s.step() {
                var n = NoticeRecord(tenant: s.text(0), email: s.text(1), kind: s.text(2), status: s.text(3),
                                     at: (try? Timestamp(rfc3339: s.text(4))) ?? Timestamp(microseconds: 0), who: s.text(5))
                guard kinds?.contains(n.kind) ?? true else { continue }
                // A delivery report ("delivered") after a notice sent keeps when it went out; a notice marked
                // "sent" again is a new one (the next attempt after a rollback) with its own time.
                if let prev = out[n.email], prev.told, n.told, n.status != "sent", prev.at.microseconds < n.at.microseconds { n.at = prev.at }
                out[n.email] = n
            }
            return out
        }
    }

    /// Whether the state file has table `name` (one an older Tandem did not create).
    func hasTable(_ name: String) throws -> Bool {
        let s = try db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        try s.bind(name, at: 1)
        return try s.step()
    }
}

extension Timestamp {
    /// RFC 3339 without the fraction when it is zero (`2026-12-14T22:00:00Z`): times an operator typed, shown as typed.
    public var rfc3339Short: String {
        microseconds % 1_000_000 == 0 ? rfc3339.replacingOccurrences(of: ".000000Z", with: "Z") : rfc3339
    }
}

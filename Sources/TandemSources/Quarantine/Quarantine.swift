import Foundation
import TandemCore
import TandemSQLite

/// One quarantined input: the raw bytes, where they came from, the rule that failed and when.
public struct QuarantineEntry: Sendable, Equatable {
    /// Dense id within this quarantine, from 1.
    public var id: Int64
    /// The source description (e.g. `jsonl:/data/changes.log?format=debezium`).
    public var source: String
    /// The source position of the input (resume strictly after it).
    public var position: String
    /// How `raw` is decoded again on retry.
    public var format: RawFormat
    /// The rule that failed (`parse`, `size`, `key`, `tenant`, `type`, `transform`, a validation rule).
    public var rule: String
    /// The column, when the rule is about one.
    public var column: String?
    /// What is wrong.
    public var reason: String
    /// The raw input (cut to its first bytes for oversized lines).
    public var raw: [UInt8]
    /// The input's full length in bytes.
    public var rawLength: Int64
    /// When it was quarantined.
    public var quarantinedAt: Timestamp
    /// `quarantined`, `retrying` (a retry was interrupted around its append), `retried` (journaled on retry),
    /// `superseded` (a retry found a newer journaled change of its key and the source cannot be read again by
    /// key, e.g. a file; left for the operator) or `dropped`.
    public var state: State
    /// The journal seq it got on a successful retry (while `retrying`: the seq its event was to get; when
    /// `superseded`: the seq of the newer change of its key).
    public var journaledSeq: UInt64?
    /// How many times retry was tried.
    public var retries: Int

    /// The life of an entry.
    public enum State: String, Sendable, CaseIterable { case quarantined, retrying, retried, dropped, superseded }
}

/// Errors of the quarantine store.
public enum QuarantineError: CategorizedError, CustomStringConvertible {
    case noSuchEntry(id: Int64, path: String)
    case notQuarantined(id: Int64, state: QuarantineEntry.State)
    case storage(path: String, SQLiteError)

    /// The kind of failure (the CLI's exit code).
    public var category: ErrorCategory {
        switch self {
        case .noSuchEntry: return .noInput  // a missing thing, not bad data
        case .notQuarantined: return .badData
        case .storage: return .ioError
        }
    }

    public var description: String {
        switch self {
        case .noSuchEntry(let id, let path): return "\(path): no quarantine entry \(id); hint: `tandem quarantine list` shows the ids"
        case .notQuarantined(let id, .retrying):
            return "quarantine entry \(id) is retrying (a retry was interrupted); hint: `tandem quarantine retry \(id)` settles it"
        case .notQuarantined(let id, .superseded):
            return "quarantine entry \(id) is superseded: the journal holds a newer change of its key; "
                + "hint: `tandem quarantine drop \(id)`, or make the change again at the source"
        case .notQuarantined(let id, let state): return "quarantine entry \(id) is already \(state.rawValue)"
        case .storage(let path, let e): return "\(path): quarantine store failed: \(e)"
        }
    }
}

/// The quarantine (README.md): a durable store beside the journal (`<journal>/quarantine/quarantine.db`,
/// SQLite with `synchronous=FULL`, so an entry is on disk when `add` returns).
///
/// Entries are unique per (source, position): input re-read after a crash is not quarantined twice.
/// Dropped and retried entries are kept (marked), so they stay unique too.
/// - Important: not thread-safe; one user at a time.
public final class Quarantine {
    /// The database file.
    public let path: String
    let db: Database

    /// The store's path for a journal directory.
    public static func path(journal: String) -> String { journal + "/quarantine/quarantine.db" }

    /// Opens (creating when missing) the quarantine of a journal directory.
    /// - Throws: `QuarantineError.storage` when the store cannot be opened.
    public init(journal: String) throws {
        let dir = journal + "/quarantine"
        // Owner only: quarantined input is legacy data that failed parsing, personal data included.
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        path = Quarantine.path(journal: journal)
        do {
            db = try Database(path: path)
            try db.execute("""
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS quarantine (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  source TEXT NOT NULL, position TEXT NOT NULL, format TEXT NOT NULL,
                  rule TEXT NOT NULL, column_name TEXT, reason TEXT NOT NULL,
                  raw BLOB NOT NULL, raw_length INTEGER NOT NULL, quarantined_at INTEGER NOT NULL,
                  state TEXT NOT NULL DEFAULT 'quarantined', journaled_seq INTEGER, retries INTEGER NOT NULL DEFAULT 0,
                  UNIQUE (source, position));
                CREATE TABLE IF NOT EXISTS quarantine_cursor (
                  source TEXT PRIMARY KEY, position TEXT NOT NULL, after_journal_position TEXT);
                """)
        } catch let e as SQLiteError { throw QuarantineError.storage(path: journal + "/quarantine/quarantine.db", e) }
    }

    /// A new entry before it is stored.
    public struct NewEntry: Sendable {
        /// The source position of the input.
        public var position: String
        /// Why it is quarantined.
        public var rejection: Rejection
        /// The raw input (possibly cut).
        public var raw: [UInt8]
        /// The input's full length.
        public var rawLength: Int64
        /// How `raw` is decoded on retry.
        public var format: RawFormat

        /// An entry for `raw` input at `position` rejected for `rejection`.
        public init(position: String, rejection: Rejection, raw: [UInt8], rawLength: Int64? = nil, format: RawFormat) {
            self.position = position; self.rejection = rejection; self.raw = raw
            self.rawLength = rawLength ?? Int64(raw.count); self.format = format
        }
    }

    /// Stores entries in one durable transaction and returns how many of them are now open (quarantined or
    /// retrying): what a caller may report as quarantined. An entry already stored (same source and position)
    /// is kept as it is, except a `retried` one whose event the journal no longer holds (`stillJournaled` says
    /// no, e.g. after `truncate --after`): it is quarantined again with the new reason, so input that fails
    /// again is never in neither place. `cursor` records that the source has read past the journal's last
    /// position (see `Ingestor`).
    /// - Throws: `QuarantineError.storage`, or what `stillJournaled` throws.
    @discardableResult
    public func add(_ entries: [NewEntry], source: String, cursor: (position: String, afterJournalPosition: String?)? = nil,
                    now: Timestamp = Quarantine.now(),
                    stillJournaled: (_ id: Int64, _ seq: UInt64) throws -> Bool = { _, _ in true }) throws -> Int {
        var open = 0
        do {
            try db.transaction {
                let ins = try db.cachedStatement("""
                    INSERT OR IGNORE INTO quarantine (source, position, format, rule, column_name, reason, raw, raw_length, quarantined_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for e in entries {
                    try ins.bind(.string(source), at: 1)
                    try ins.bind(.string(e.position), at: 2)
                    try ins.bind(.string(e.format.rawValue), at: 3)
                    try ins.bind(.string(e.rejection.rule), at: 4)
                    try ins.bind(e.rejection.column.map(Value.string) ?? .null, at: 5)
                    try ins.bind(.string(e.rejection.reason), at: 6)
                    try ins.bind(.bytes(e.raw), at: 7)
                    try ins.bind(.int(e.rawLength), at: 8)
                    try ins.bind(.int(now.microseconds), at: 9)
                    try ins.execute()
                    if db.changes > 0 { open += 1; continue }
                    if try settleExisting(e, source: source, now: now, stillJournaled: stillJournaled) { open += 1 }
                }
                if let c = cursor {
                    let up = try db.cachedStatement("INSERT OR REPLACE INTO quarantine_cursor (source, position, after_journal_position) VALUES (?, ?, ?)")
                    try up.bind(.string(source), at: 1)
                    try up.bind(.string(c.position), at: 2)
                    try up.bind(c.afterJournalPosition.map(Value.string) ?? .null, at: 3)
                    try up.execute()
                }
            }
        } catch let e as SQLiteError { throw QuarantineError.storage(path: path, e) }
        return open
    }

    /// For input stored before: true when its entry is open after this (it was, or it is quarantined again
    /// because its retried event is gone from the journal); false when it stays dropped or journaled.
    private func settleExisting(_ e: NewEntry, source: String, now: Timestamp,
                                stillJournaled: (Int64, UInt64) throws -> Bool) throws -> Bool {
        let st = try db.cachedStatement("SELECT id, state, journaled_seq FROM quarantine WHERE source = ? AND position = ?")
        try st.bind(.string(source), at: 1)
        try st.bind(.string(e.position), at: 2)
        defer { try? st.reset() }
        guard try st.step() else { return false }
        let id = st.int64(0)
        let state = QuarantineEntry.State(rawValue: st.text(1)) ?? .quarantined
        let seq: UInt64? = st.isNull(2) ? nil : UInt64(st.int64(2))
        try st.reset()
        switch state {
        case .quarantined, .retrying, .superseded: return true
        case .dropped: return false
        case .retried:
            if let seq, try stillJournaled(id, seq) { return false }
            try update("""
                UPDATE quarantine SET state = 'quarantined', journaled_seq = NULL, format = ?, rule = ?, column_name = ?,
                  reason = ?, raw = ?, raw_length = ?, quarantined_at = ? WHERE id = ?
                """, [.string(e.format.rawValue), .string(e.rejection.rule), e.rejection.column.map(Value.string) ?? .null,
                      .string(e.rejection.reason), .bytes(e.raw), .int(e.rawLength), .int(now.microseconds), .int(id)])
            return true
        }
    }

    /// The position the source read past the journal, when `journalPosition` is still the journal's last.
    public func cursor(source: String, journalPosition: String?) throws -> String? {
        do {
            let st = try db.cachedStatement("SELECT position, after_journal_position FROM quarantine_cursor WHERE source = ?")
            try st.bind(.string(source), at: 1)
            defer { try? st.reset() }
            guard try st.step() else { return nil }
            let after: String? = st.isNull(1) ? nil : st.text(1)
            return after == journalPosition ? st.text(0) : nil
        } catch let e as SQLiteError { throw QuarantineError.storage(path: path, e) }
    }

    /// Entries in id order, by default only those not journaled yet (quarantined, retrying or superseded).
    public func list(states: [QuarantineEntry.State] = [.quarantined, .retrying, .superseded], limit: Int = Int.max) throws -> [QuarantineEntry] {
        let marks = states.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try query("WHERE state IN (\(marks)) ORDER BY id LIMIT \(min(limit, Int(Int64.max)))")
    }

    /// One entry by id.
    /// - Throws: `QuarantineError.noSuchEntry`.
    public func entry(_ id: Int64) throws -> QuarantineEntry {
        guard let e = try query("WHERE id = \(id)").first else { throw QuarantineError.noSuchEntry(id: id, path: path) }
        return e
    }

    /// Counts per state.
    public func counts() throws -> [QuarantineEntry.State: Int] {
        var out: [QuarantineEntry.State: Int] = [.quarantined: 0, .retrying: 0, .retried: 0, .dropped: 0, .superseded: 0]
        do {
            let st = try db.prepare("SELECT state, count(*) FROM quarantine GROUP BY state")
            while try st.step() {
                if let s = QuarantineEntry.State(rawValue: st.text(0)) { out[s] = Int(st.int64(1)) }
            }
        } catch let e as SQLiteError { throw QuarantineError.storage(path: path, e) }
        return out
    }

    /// Marks an entry dropped (kept for the record, no longer listed or retried).
    /// - Throws: `QuarantineError.noSuchEntry`, `.notQuarantined` (also for `retrying`: its event may be in the
    ///   journal already; `retry` settles that first).
    public func drop(_ id: Int64) throws {
        let e = try entry(id)
        guard e.state == .quarantined || e.state == .superseded else { throw QuarantineError.notQuarantined(id: id, state: e.state) }
        try update("UPDATE quarantine SET state = 'dropped' WHERE id = ?", [.int(id)])
    }

    /// Marks an entry superseded by the journal's newer change `seq` of its key (a retry left it out).
    public func markSuperseded(_ id: Int64, by seq: UInt64) throws {
        try update("UPDATE quarantine SET state = 'superseded', journaled_seq = ?, retries = retries + 1 WHERE id = ?",
                   [.int(Int64(seq)), .int(id)])
    }

    /// Marks an entry journaled by a retry, with its seq.
    public func markRetried(_ id: Int64, seq: UInt64) throws {
        try update("UPDATE quarantine SET state = 'retried', journaled_seq = ?, retries = retries + 1 WHERE id = ?",
                   [.int(Int64(seq)), .int(id)])
    }

    /// Durably records, before the append, that the entry's event is about to get `expectedSeq`.
    public func markRetrying(_ id: Int64, expectedSeq: UInt64) throws {
        try update("UPDATE quarantine SET state = 'retrying', journaled_seq = ? WHERE id = ?", [.int(Int64(expectedSeq)), .int(id)])
    }

    /// Records a failed retry with the new reason (the entry is quarantined again).
    public func markRetryFailed(_ id: Int64, _ r: Rejection) throws {
        try update("UPDATE quarantine SET state = 'quarantined', journaled_seq = NULL, rule = ?, column_name = ?, reason = ?, retries = retries + 1 WHERE id = ?",
                   [.string(r.rule), r.column.map(Value.string) ?? .null, .string(r.reason), .int(id)])
    }

    private func update(_ sql: String, _ values: [Value]) throws {
        do {
            let st = try db.cachedStatement(sql)
            for (i, v) in values.enumerated() { try st.bind(v, at: Int32(i + 1)) }
            try st.execute()
        } catch let e as SQLiteError { throw QuarantineError.storage(path: path, e) }
    }

    private func query(_ tail: String) throws -> [QuarantineEntry] {
        var out: [QuarantineEntry] = []
        do {
            let st = try db.prepare("""
                SELECT id, source, position, format, rule, column_name, reason, raw, raw_length, quarantined_at,
                       state, journaled_seq, retries FROM quarantine \(tail)
                """)
            while try st.step() {
                out.append(QuarantineEntry(
                    id: st.int64(0), source: st.text(1), position: st.text(2),
                    format: RawFormat(rawValue: st.text(3)) ?? .tandem, rule: st.text(4),
                    column: st.isNull(5) ? nil : st.text(5), reason: st.text(6), raw: st.blob(7), rawLength: st.int64(8),
                    quarantinedAt: Timestamp(microseconds: st.int64(9)),
                    state: QuarantineEntry.State(rawValue: st.text(10)) ?? .quarantined,
                    journaledSeq: st.isNull(11) ? nil : UInt64(st.int64(11)), retries: Int(st.int64(12))))
            }
        } catch let e as SQLiteError { throw QuarantineError.storage(path: path, e) }
        return out
    }

    /// The current time as a timestamp.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }
}

import TandemCore
import TandemSQLite

/// The `sqlite-changelog` source: reads the trigger-fed `_tandem_changes` table of a legacy SQLite database
/// in id order, in batches, with low latency (`PRAGMA data_version` checked with a short back-off, so an idle
/// source costs next to nothing).
///
/// Transactions: SQLite cannot tell a trigger where a transaction ends, but writers are serialized and the ids
/// increase, so every change up to the newest committed id is a union of whole legacy transactions. The source
/// reads in ranges `(last, newest committed id]`, and every change of a range carries the same txn
/// (`sqlite-changelog:<end>`), so sinks apply it atomically. A range is returned by one read up to 4 batch
/// limits; a longer one (a backlog) is read in batches, and the position inside it (`<id>/<end>`) lets a restart
/// finish the same range under the same txn. Position = the change id (`<id>` at the end of a range).
///
/// A lock the legacy application holds is waited out: following, as long as it lasts (one log line per
/// episode); reading once, up to `lockWait`, then `SourceError.busy` (exit 75, try again).
///
/// With `prune`, rows are deleted only in `acknowledge(through:)`, i.e. after the journal holds them durably,
/// and at `open(after:)` up to the resume position (journaled or quarantined by an earlier run).
public final class SQLiteChangeLogSource: ChangeSource {
    /// How the source is set up.
    public struct Settings: Sendable {
        /// The legacy database file.
        public var path: String
        /// Delete acknowledged rows from the change table.
        public var prune: Bool
        /// Where operator log lines go (stderr by default).
        public var log: @Sendable (String) -> Void
        /// How long a read waits for a lock the legacy application holds before trying again later.
        public var busyTimeoutMilliseconds: Int32
        /// Reading once (no wait), how long a lock the legacy application holds is waited out before the read
        /// fails with "try again"; a following read waits as long as the lock lasts.
        public var lockWait: Duration = .seconds(30)

        /// Settings for a database file.
        public init(path: String, prune: Bool = false, busyTimeoutMilliseconds: Int32 = 1000,
                    log: @escaping @Sendable (String) -> Void = OperatorLog.stderr) {
            self.path = path; self.prune = prune; self.log = log; self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        }
    }

    /// How the source is set up.
    public let settings: Settings
    /// The highest change id a read returns (nil: no bound); the snapshot reads the stream up to its cut.
    public var readThrough: Int64?
    private var db: Database?
    private var lastID: Int64 = 0
    /// The end of the range being read; `lastID == rangeEnd` when none is open.
    private var rangeEnd: Int64 = 0
    /// The change table and the triggers were checked (deferred to `read` while the database is locked).
    private var checked = false
    /// A lock episode was logged and has not ended yet.
    private var waitingForLock = false
    private var dataVersion: Int64 = -1
    private var backoffMs: Int64 = 1

    /// A source over one database; call `open(after:)` before reading.
    public init(_ settings: Settings) { self.settings = settings }

    public var description: String { "sqlite-changelog:\(settings.path)" }
    public var rawFormat: RawFormat { .tandem }

    // A snapshot's positions (`ID;snapshot:…`) are this stream's too: ingest resumes after their ID.
    public func recognizes(_ position: String) -> Bool { SnapshotPosition(position) != nil }

    /// A read range of up to this many batches is returned by one read, exceeding the batch limit (as a source
    /// transaction does in every source).
    /// Memory: the records of one read are held, decoded and journaled at once; at 16 batches of 4,096 the last
    /// page of a backlog took `tandem run` from 22 to 116 MiB.
    static let wholeRangeBatches: Int64 = 4

    /// `<id>` (the end of a range) or `<id>/<end>` (inside the range that ends at `end`).
    static func parse(_ position: String) -> (id: Int64, end: Int64)? {
        let parts = position.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let id = Int64(parts[0]), id >= 0 else { return nil }
        guard parts.count == 2 else { return (id, id) }
        guard let end = Int64(parts[1]), end > id else { return nil }
        return (id, end)
    }

    public func open(after position: String?) throws {
        if let position {
            guard let p = SnapshotPosition(position) else { throw SourceError.badPosition(position: position, source: description) }
            (lastID, rangeEnd) = (p.changeID, p.rangeEnd)
        } else {
            (lastID, rangeEnd) = (0, 0)
        }
        let d = try SourceError.wrapping(settings.path) {
            try Database(path: settings.path, mode: .readWrite, busyTimeoutMilliseconds: settings.busyTimeoutMilliseconds)
        }
        checked = false
        do { try check(d) } catch let e as SQLiteError where e.isBusy {
            // The legacy application holds a lock: `read` checks once it is released.
            noteLock(e)
        } catch let e as SQLiteError { throw SourceError.sqlite(e, path: settings.path) }
        db = d
    }

    /// Refuses a database without the change table or with triggers that key a table by rowid; warns once
    /// about triggers of an older Tandem (they lose REAL digits and leave the old row of a key change).
    private func check(_ db: Database) throws {
        let hasTable = try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(ChangeTableTriggers.table)'") != nil
        guard hasTable else {
            throw SourceError.config("\(settings.path): no change table \(ChangeTableTriggers.table); hint: run `tandem source install-triggers --db \(settings.path) --tables …` first")
        }
        var old: Set<String> = [], echoing: Set<String> = []
        for (table, sql) in try ChangeTableTriggers.installedTriggers(db: db) {
            if sql.contains(".rowid") { throw SourceError.unkeyedTable(path: settings.path, table: table) }
            if !sql.contains(ChangeTableTriggers.formatMark) { old.insert(table) }
            if !sql.contains(ApplyingMarker.sqliteTable) { echoing.insert(table) }
        }
        if !echoing.isEmpty, echoing != old {
            settings.log("\(settings.path): the triggers on \(echoing.sorted().joined(separator: ", ")) do not skip Tandem's own writes (\(ApplyingMarker.sqliteTable)), so a change Tandem applies to this database would be captured back; hint: run `tandem source install-triggers` again")
        }
        if !old.isEmpty {
            settings.log("\(settings.path): the triggers on \(old.sorted().joined(separator: ", ")) were installed by an older Tandem (a REAL keeps 15 digits, a key change leaves the old row); hint: run `tandem source install-triggers` again")
        }
        checked = true
        // The rows up to the resume position are journaled (or quarantined) already: prune them now, so a run
        // with nothing new still leaves the change table clean.
        if settings.prune, lastID > 0 { try prune(db, through: lastID) }
    }

    public func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        guard let db else { throw SourceError.config("\(description): read before open") }
        let clock = ContinuousClock()
        let lockDeadline = clock.now + settings.lockWait
        let deadline = wait.map { clock.now + $0 }
        var pause: Int64 = 10
        while true {
            do {
                let out = try read(db, limit: limit, wait: deadline.map { clock.now.duration(to: $0) }, stop: stop)
                if waitingForLock { settings.log("\(settings.path): the lock is released; reading again") }
                waitingForLock = false
                return out
            } catch let e as SQLiteError where e.isBusy {
                // The legacy application holds a lock longer than the busy timeout: never a reason to stop.
                noteLock(e)
                let end = deadline ?? lockDeadline
                // Following: the ingest loop calls again (and checks its stop signal). Once: try again later.
                if stop?.isFired == true || (deadline != nil && clock.now >= end) { return [] }
                if clock.now >= end { throw SourceError.busy(path: settings.path, message: e.message, waited: settings.lockWait) }
                StopSignal.wait(min(.milliseconds(pause), clock.now.duration(to: end)), stop: stop)
                pause = min(pause * 2, 200)
            } catch let e as SQLiteError {
                throw SourceError.sqlite(e, path: settings.path)
            }
        }
    }

    /// Logs the start of a lock episode (once, until a read succeeds again).
    private func noteLock(_ e: SQLiteError) {
        guard !waitingForLock else { return }
        settings.log("\(settings.path): the legacy application holds a lock on the database (\(e.message)); Tandem waits for it")
        waitingForLock = true
    }

    private func read(_ db: Database, limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        if !checked { try check(db) }
        let clock = ContinuousClock()
        let deadline = wait.map { clock.now + $0 }
        while true {
            let out = try readBatch(db, limit: limit)
            if !out.isEmpty { backoffMs = 1; return out }
            guard let deadline, stop?.isFired != true else { return [] }
            // Sleep until another connection commits (data_version moves) or the wait ends.
            let seen = try dataVersion(db)
            while try dataVersion(db) == seen {
                let left = clock.now.duration(to: deadline)
                if left <= .zero || stop?.isFired == true { return [] }
                StopSignal.wait(min(.milliseconds(backoffMs), left), stop: stop)
                backoffMs = min(backoffMs * 2, 50)
            }
            backoffMs = 1
        }
    }

    private func dataVersion(_ db: Database) throws -> Int64 {
        if case .int(let v)? = try db.scalar("PRAGMA data_version") { return v }
        return 0
    }

    private func readBatch(_ db: Database, limit: Int) throws -> [SourceRecord] {
        if lastID >= rangeEnd {
            // Open the next range: every id up to the newest committed one belongs to a committed transaction,
            // and a later transaction only gets larger ids (SQLite serializes writers; AUTOINCREMENT never reuses).
            let st = try db.cachedStatement("SELECT max(id) FROM \(ChangeTableTriggers.table)")
            // Reset at once: a statement left open holds a read transaction that would stall the legacy writer.
            defer { try? st.reset() }
            guard try st.step(), case .int(let newest) = st.value(at: 0) else { return [] }
            // A snapshot reads the stream up to its cut: every id up to it is committed too.
            let end = min(newest, readThrough ?? .max)
            guard end > lastID else { return [] }
            rangeEnd = end
        }
        let st = try db.cachedStatement("""
            SELECT id, "table", op, key, before, after, time FROM \(ChangeTableTriggers.table) WHERE id > ? AND id <= ? ORDER BY id LIMIT ?
            """)
        try st.bind(lastID, at: 1)
        try st.bind(rangeEnd, at: 2)
        // A range of up to `wholeRangeBatches` batches is read whole: one journal append, which a replayer that
        // follows the journal sees at once. Only a longer backlog is read (and journaled) in pages of `limit`.
        let whole = rangeEnd - lastID <= Int64(limit) * Self.wholeRangeBatches
        try st.bind(whole ? -1 : Int64(limit), at: 3)
        defer { try? st.reset() }
        let txn = "sqlite-changelog:\(rangeEnd)"
        var out: [SourceRecord] = []
        var last = lastID
        while try st.step() {
            let id = st.int64(0)
            let position = id == rangeEnd ? String(id) : "\(id)/\(rangeEnd)"
            do throws(Reason) {
                var e = try ChangeRowDecoder.event(table: st.text(1), op: st.text(2), key: st.text(3),
                                                   before: st.isNull(4) ? nil : st.text(4),
                                                   after: st.isNull(5) ? nil : st.text(5), time: st.text(6), position: position)
                e.txn = txn
                out.append(SourceRecord(position: position, change: e, raw: []))
            } catch {
                // The row as the change table holds it, for the operator to read.
                var raw: [UInt8] = []
                JSONValue.object([("id", .int(id)), ("table", .string(st.text(1))), ("op", .string(st.text(2))),
                                  ("key", .string(st.text(3))), ("before", st.isNull(4) ? .null : .string(st.text(4))),
                                  ("after", st.isNull(5) ? .null : .string(st.text(5)))]).write(into: &raw)
                out.append(SourceRecord(position: position, failure: Rejection(rule: "parse", reason: error.text), raw: raw))
            }
            last = id
        }
        // Only now: a step that fails (e.g. busy, retried by `read`) must not skip the rows read before it.
        // No row at all: the rest of the range was deleted meanwhile (by hand), so the range is done.
        lastID = out.isEmpty ? rangeEnd : last
        return out
    }

    /// A backlog's range (one journal transaction) is read in pages: only its last page ends it.
    public var lastReadEndsTransaction: Bool { lastID >= rangeEnd }

    public func acknowledge(through position: String) throws {
        guard settings.prune, let db, let id = SnapshotPosition.changeID(of: position) else { return }
        try SourceError.wrapping(settings.path) { try prune(db, through: id) }
    }

    private func prune(_ db: Database, through id: Int64) throws {
        do {
            let st = try db.cachedStatement("DELETE FROM \(ChangeTableTriggers.table) WHERE id <= ?")
            try st.bind(id, at: 1)
            try st.execute()
        } catch let e as SQLiteError where e.isBusy {
            // Pruning is housekeeping: the rows are journaled; a later acknowledgement deletes them.
            settings.log("\(settings.path): could not prune the change table (\(e.message)); will prune later")
        }
    }

    public func close() { db?.close(); db = nil }

    /// The captured tables' columns with their declared types (PRAGMA table_info) and primary keys.
    public func declaredSchemas() throws -> [EntitySchema] {
        guard let db else { throw SourceError.config("\(description): schemas read before open") }
        return try SourceError.wrapping(settings.path) { try Self.declaredSchemas(db, tables: ChangeTableTriggers.installedTables(db: db)) }
    }

    /// The declared schemas of `tables` in `db`.
    public static func declaredSchemas(_ db: Database, tables: [String]) throws -> [EntitySchema] {
        var out: [EntitySchema] = []
        for t in tables {
            let st = try db.prepare("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid")
            try st.bind(t, at: 1)
            var s = EntitySchema(entity: t, columns: [], types: [])
            var pk: [(Int64, String)] = []
            while try st.step() {
                s.columns.append(st.text(0))
                s.types.append(ColumnType.sqlite(declared: st.text(1)))
                if st.int64(2) > 0 { pk.append((st.int64(2), st.text(0))) }
            }
            s.key = pk.sorted { $0.0 < $1.0 }.map(\.1)
            if !s.columns.isEmpty { out.append(s) }
        }
        return out
    }
}

/// Turns one change-table row into a change.
enum ChangeRowDecoder {
    static func event(table: String, op: String, key: String, before: String?, after: String?, time: String,
                      position: String) throws(Reason) -> Event {
        guard let o = ChangeKind(rawValue: op), o == .insert || o == .update || o == .delete else {
            throw Reason(text: "unknown op \"\(op)\" in the change table")
        }
        return Event(sourcePosition: position, txn: nil, committedAt: try? Timestamp(rfc3339: time), entity: table,
                     key: try row(key, "key"), op: o, before: try before.map { t throws(Reason) in try row(t, "before") },
                     after: try after.map { t throws(Reason) in try row(t, "after") },
                     beforeComplete: before != nil)  // the triggers record the whole OLD row
    }

    static func row(_ text: String, _ what: String) throws(Reason) -> Row {
        // Most rows: straight into a row (a fifth of ingest's instructions went to building JSON trees).
        var text = text
        if let r = text.withUTF8({ EventJSON.flatRow(UnsafeRawBufferPointer($0), tagged: tagged) }) { return r }
        return try generalRow(text, what)
    }

    /// `row` through a JSON tree: every form the change table may hold, and the reason for one it cannot.
    static func generalRow(_ text: String, _ what: String) throws(Reason) -> Row {
        let v: JSONValue
        do throws(JSONError) { v = try JSONValue.parse(text) } catch { throw Reason(text: "\(what) is not JSON: \(error)") }
        guard let members = v.object else { throw Reason(text: "\(what) is not a JSON object") }
        var r = Row()
        r.reserveCapacity(members.count)
        for (name, value) in members {
            switch value {
            case .null: r.appendUnchecked(name, .null)
            case .bool(let b): r.appendUnchecked(name, .bool(b))
            case .number: r.appendUnchecked(name, value.int64.map(Value.int) ?? value.double.map(Value.double) ?? .null)
            case .string(let s): r.appendUnchecked(name, .string(s))
            case .object where value["real"] != nil:
                guard case .string(let text)? = value["real"], let d = real(text) else {
                    throw Reason(text: "\(what).\(name): a REAL that is not a number")
                }
                r.appendUnchecked(name, .double(d))
            // Written by the PostgreSQL triggers only (PostgresChangeTableTriggers): numeric and timestamps.
            case .object where value["decimal"] != nil:
                guard case .string(let text)? = value["decimal"], Coercion.isDecimalText(text) else {
                    throw Reason(text: "\(what).\(name): a decimal that is not a number")
                }
                r.appendUnchecked(name, .decimal(text))
            case .object where value["timestamp"] != nil:
                guard case .string(let text)? = value["timestamp"], let t = try? Timestamp(rfc3339: text) else {
                    throw Reason(text: "\(what).\(name): a timestamp that is not RFC 3339 text")
                }
                r.appendUnchecked(name, .timestamp(t))
            case .object:
                guard case .string(let hex)? = value["bytes_hex"], let b = hexBytes(hex) else {
                    throw Reason(text: "\(what).\(name): unexpected JSON object")
                }
                r.appendUnchecked(name, .bytes(b))
            case .array: throw Reason(text: "\(what).\(name): unexpected JSON array")
            }
        }
        return r
    }

    /// The triggers' tagged values, as `row` reads them below (nil: not one, or not valid).
    static func tagged(_ tag: String, _ text: String) -> Value? {
        switch tag {
        case "real": return real(text).map(Value.double)
        case "bytes_hex": return hexBytes(text).map(Value.bytes)
        default: return nil
        }
    }

    /// A REAL as the triggers print it (`%!.20e`, or `Inf`/`-Inf`), read with correct rounding.
    static func real(_ s: String) -> Double? {
        switch s {
        case "Inf", "Infinity": return .infinity
        case "-Inf", "-Infinity": return -.infinity
        default: return Double(s).flatMap { $0.isNaN ? nil : $0 }
        }
    }

    static func hexBytes(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func nib(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nib(u[i]), let l = nib(u[i + 1]) else { return nil }
            out.append(h << 4 | l); i += 2
        }
        return out
    }
}

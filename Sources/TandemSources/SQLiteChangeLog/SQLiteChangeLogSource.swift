import TandemCore
import TandemSQLite

/// The `sqlite-changelog` source: reads the trigger-fed `_tandem_changes` table of a legacy SQLite database
/// in id order, in batches (one read per batch), with low latency (`PRAGMA data_version` checked with a short
/// back-off, so an idle source costs next to nothing). Position = the change id.
///
/// With `prune`, rows are deleted only in `acknowledge(through:)`, i.e. after the journal holds them durably.
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

        /// Settings for a database file.
        public init(path: String, prune: Bool = false, busyTimeoutMilliseconds: Int32 = 1000,
                    log: @escaping @Sendable (String) -> Void = OperatorLog.stderr) {
            self.path = path; self.prune = prune; self.log = log; self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        }
    }

    /// How the source is set up.
    public let settings: Settings
    private var db: Database?
    private var lastID: Int64 = 0
    private var dataVersion: Int64 = -1
    private var backoffMs: Int64 = 1

    /// A source over one database; call `open(after:)` before reading.
    public init(_ settings: Settings) { self.settings = settings }

    public var description: String { "sqlite-changelog:\(settings.path)" }
    public var rawFormat: RawFormat { .tandem }

    public func recognizes(_ position: String) -> Bool { Int64(position).map { $0 >= 0 } ?? false }

    public func open(after position: String?) throws {
        if let position {
            guard let id = Int64(position), id >= 0 else { throw SourceError.badPosition(position: position, source: description) }
            lastID = id
        } else {
            lastID = 0
        }
        let d = try SourceError.wrapping(settings.path) {
            try Database(path: settings.path, mode: .readWrite, busyTimeoutMilliseconds: settings.busyTimeoutMilliseconds)
        }
        let hasTable = try SourceError.wrapping(settings.path) {
            try d.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(ChangeTableTriggers.table)'") != nil
        }
        guard hasTable else {
            throw SourceError.config("\(settings.path): no change table \(ChangeTableTriggers.table); hint: run `tandem source install-triggers --db \(settings.path) --tables …` first")
        }
        db = d
    }

    public func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        guard let db else { throw SourceError.config("\(description): read before open") }
        return try SourceError.wrapping(settings.path) { try read(db, limit: limit, wait: wait, stop: stop) }
    }

    private func read(_ db: Database, limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        let clock = ContinuousClock()
        let deadline = wait.map { clock.now + $0 }
        while true {
            let out: [SourceRecord]
            do { out = try readBatch(db, limit: limit) } catch let e as SQLiteError where e.isBusy {
                // The legacy application holds a lock longer than the busy timeout: try again later.
                settings.log("\(settings.path): the change table is locked (\(e.message)); reading again shortly")
                out = []
            }
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
        // One statement is one read transaction: the batch sees whole committed legacy transactions.
        let st = try db.cachedStatement("""
            SELECT id, "table", op, key, before, after, time FROM \(ChangeTableTriggers.table) WHERE id > ? ORDER BY id LIMIT ?
            """)
        try st.bind(lastID, at: 1)
        try st.bind(Int64(limit), at: 2)
        defer { try? st.reset() }
        var out: [SourceRecord] = []
        while try st.step() {
            let id = st.int64(0)
            let position = String(id)
            do throws(Reason) {
                let e = try ChangeRowDecoder.event(table: st.text(1), op: st.text(2), key: st.text(3),
                                                   before: st.isNull(4) ? nil : st.text(4),
                                                   after: st.isNull(5) ? nil : st.text(5), time: st.text(6), position: position)
                out.append(SourceRecord(position: position, change: e, raw: []))
            } catch {
                // The row as the change table holds it, for the operator to read.
                var raw: [UInt8] = []
                JSONValue.object([("id", .int(id)), ("table", .string(st.text(1))), ("op", .string(st.text(2))),
                                  ("key", .string(st.text(3))), ("before", st.isNull(4) ? .null : .string(st.text(4))),
                                  ("after", st.isNull(5) ? .null : .string(st.text(5)))]).write(into: &raw)
                out.append(SourceRecord(position: position, failure: Rejection(rule: "parse", reason: error.text), raw: raw))
            }
            lastID = id
        }
        return out
    }

    public func acknowledge(through position: String) throws {
        guard settings.prune, let db, let id = Int64(position) else { return }
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
        guard let o = Operation(rawValue: op), o == .insert || o == .update || o == .delete else {
            throw Reason(text: "unknown op \"\(op)\" in the change table")
        }
        return Event(sourcePosition: position, txn: nil, committedAt: try? Timestamp(rfc3339: time), entity: table,
                     key: try row(key, "key"), op: o, before: try before.map { t throws(Reason) in try row(t, "before") },
                     after: try after.map { t throws(Reason) in try row(t, "after") })
    }

    static func row(_ text: String, _ what: String) throws(Reason) -> Row {
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

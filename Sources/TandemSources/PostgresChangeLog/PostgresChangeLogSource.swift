import TandemCore
import TandemPostgres

/// The `postgres-changelog` source: reads the trigger-fed `_tandem_changes` table of a PostgreSQL store
/// (`PostgresChangeTableTriggers`) with the positions and batching of `sqlite-changelog`: ranges
/// `(last, newest committed id]` (the triggers draw ids in commit order), every change of a range under one txn
/// (`postgres-changelog:<end>`), a range of up to 4 batch limits returned by one read, a longer backlog in
/// batches with positions `<id>/<end>`; position = the change id. Following polls with a short back-off.
///
/// With `prune`, rows are deleted only in `acknowledge(through:)` (once the journal holds them) and at
/// `open(after:)` up to the resume position.
public final class PostgresChangeLogSource: ChangeSource {
    /// How the source is set up.
    public struct Settings: Sendable {
        /// The libpq connection string (URI or key=value); never printed (see `PostgresRedactor`).
        public var conninfo: String
        /// Delete acknowledged rows from the change table.
        public var prune: Bool
        /// Where operator log lines go (stderr by default).
        public var log: @Sendable (String) -> Void

        /// Settings for one store.
        public init(conninfo: String, prune: Bool = false, log: @escaping @Sendable (String) -> Void = OperatorLog.stderr) {
            self.conninfo = conninfo; self.prune = prune; self.log = log
        }
    }

    /// How the source is set up.
    public let settings: Settings
    private var connection: PostgresConnection?
    private var target: String
    private var lastID: Int64 = 0
    /// The end of the range being read; `lastID == rangeEnd` when none is open.
    private var rangeEnd: Int64 = 0
    private var backoffMs: Int64 = 1
    /// `open` succeeded (the connection may be lost and made again since).
    private var opened = false
    /// The connection was lost and not yet made again (logged once).
    private var lost = false

    /// A source over one store; call `open(after:)` before reading.
    public init(_ settings: Settings) {
        self.settings = settings
        target = (try? PostgresRedactor(conninfo: settings.conninfo))?.target ?? "postgres:(unparsable connection string)"
    }

    public var description: String { "postgres-changelog:\(target)" }
    public var rawFormat: RawFormat { .tandem }
    public func recognizes(_ position: String) -> Bool { SQLiteChangeLogSource.parse(position) != nil }

    public func open(after position: String?) throws {
        if let position {
            guard let p = SQLiteChangeLogSource.parse(position) else { throw SourceError.badPosition(position: position, source: description) }
            (lastID, rangeEnd) = p
        } else {
            (lastID, rangeEnd) = (0, 0)
        }
        let c = try connect()
        try PostgresChangeTableTriggers.wrapping(c) {
            guard try c.query("SELECT to_regclass($1) IS NOT NULL", [ChangeTableTriggers.table])[0, 0] == "t" else {
                throw SourceError.config("\(target): no change table \(ChangeTableTriggers.table); hint: run `tandem source install-triggers --db POSTGRES-URL --tables …` first")
            }
            if settings.prune, lastID > 0 { try c.query("DELETE FROM \(ChangeTableTriggers.table) WHERE id <= $1", [String(lastID)]) }
        }
        connection = c
        opened = true
    }

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection(conninfo: settings.conninfo, redactor: try PostgresRedactor(conninfo: settings.conninfo))
        } catch {
            throw SourceError.missing(path: target, what: "cannot connect (\(error))", hint: "check the connection string and that the server runs")
        }
    }

    public func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        guard opened else { throw SourceError.config("\(description): read before open") }
        let clock = ContinuousClock()
        let deadline = wait.map { clock.now + $0 }
        while true {
            let out: [SourceRecord]
            do {
                let c = try connection ?? connect()
                connection = c
                let after = lastID
                out = try readBatch(c, limit: limit)
                if lost { settings.log("\(target): connected again; reading the change table after id \(after)") }
                lost = false
            } catch let e as PostgresError {
                guard case .connectionLost(_, let message) = e else { throw SourceError.storage(path: target, message: "\(e)") }
                // A restarted server or a dropped connection: nothing read is lost (the position stays), so a
                // follower connects again; reading once, the caller is told to try again.
                connection?.close(); connection = nil
                if !lost { settings.log("\(target): the connection was lost (\(message)); Tandem connects again") }
                lost = true
                guard let deadline else { throw SourceError.connectionLost(target: target, message: message) }
                StopSignal.wait(min(.milliseconds(200), clock.now.duration(to: deadline)), stop: stop)
                if clock.now >= deadline || stop?.isFired == true { return [] }
                continue
            } catch let e as SourceError {
                // Connecting again failed: a follower keeps trying.
                guard lost, connection == nil, let deadline else { throw e }
                StopSignal.wait(min(.milliseconds(200), clock.now.duration(to: deadline)), stop: stop)
                if clock.now >= deadline || stop?.isFired == true { return [] }
                continue
            }
            if !out.isEmpty { backoffMs = 1; return out }
            guard let deadline, stop?.isFired != true else { return [] }
            let left = clock.now.duration(to: deadline)
            if left <= .zero { return [] }
            StopSignal.wait(min(.milliseconds(backoffMs), left), stop: stop)
            backoffMs = min(backoffMs * 2, 50)
        }
    }

    private func readBatch(_ c: PostgresConnection, limit: Int) throws -> [SourceRecord] {
        if lastID >= rangeEnd {
            // Every id up to the newest visible one is committed: the triggers draw ids in commit order.
            guard let text = try c.query("SELECT max(id) FROM \(ChangeTableTriggers.table)")[0, 0], let newest = Int64(text),
                  newest > lastID else { return [] }
            rangeEnd = newest
        }
        let whole = rangeEnd - lastID <= Int64(limit) * SQLiteChangeLogSource.wholeRangeBatches
        let rows = try c.query("""
            SELECT id, "table", op, key, before, after, time FROM \(ChangeTableTriggers.table)
            WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3
            """, [String(lastID), String(rangeEnd), whole ? nil : String(limit)])
        let txn = "postgres-changelog:\(rangeEnd)"
        var out: [SourceRecord] = []
        var last = lastID
        for i in 0..<rows.count {
            let id = Int64(rows[i, 0]!)!
            let position = id == rangeEnd ? String(id) : "\(id)/\(rangeEnd)"
            do throws(Reason) {
                var e = try ChangeRowDecoder.event(table: rows[i, 1]!, op: rows[i, 2]!, key: rows[i, 3]!, before: rows[i, 4],
                                                   after: rows[i, 5], time: rows[i, 6]!, position: position)
                e.txn = txn
                out.append(SourceRecord(position: position, change: e, raw: []))
            } catch {
                var raw: [UInt8] = []
                JSONValue.object([("id", .int(id)), ("table", .string(rows[i, 1]!)), ("op", .string(rows[i, 2]!)),
                                  ("key", .string(rows[i, 3]!)), ("before", rows[i, 4].map(JSONValue.string) ?? .null),
                                  ("after", rows[i, 5].map(JSONValue.string) ?? .null)]).write(into: &raw)
                out.append(SourceRecord(position: position, failure: Rejection(rule: "parse", reason: error.text), raw: raw))
            }
            last = id
        }
        lastID = out.isEmpty ? rangeEnd : last
        return out
    }

    public func acknowledge(through position: String) throws {
        guard settings.prune, let c = connection, let p = SQLiteChangeLogSource.parse(position) else { return }
        try PostgresChangeTableTriggers.wrapping(c) {
            try c.query("DELETE FROM \(ChangeTableTriggers.table) WHERE id <= $1", [String(p.id)])
        }
    }

    public func close() { connection?.close(); connection = nil; opened = false }
}

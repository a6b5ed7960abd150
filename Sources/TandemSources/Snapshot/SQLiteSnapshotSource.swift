import Foundation
import TandemCore
import TandemSQLite

/// Catch-up for a trigger-fed SQLite database: the rows that existed before the triggers, as `snapshot`
/// events, interleaved with the change stream so the journal describes each table as of some change plus
/// every change after it, with no gap and no duplicate. It is a `ChangeSource`, so `Ingestor` runs it and its
/// rows take the same mapping, quarantine and durable-append path as every change.
///
/// How (the DBLog idea, Netflix 2019, specialised to SQLite): the change table is written in the same
/// transaction as the application's change, so one read transaction is a consistent cut. Per chunk:
/// `BEGIN; M = max(id) of _tandem_changes; SELECT the next rows by primary key; COMMIT`, the chunk being the
/// table as of change M. Then every change up to M is handed out first (the stream, bounded at M), and then
/// the chunk's rows. A change ≤ M is before the copy in the journal and a change > M after it, so a later
/// change always wins over the snapshot copy and no watermark dedup is needed. (DBLog and Debezium's
/// incremental snapshots bracket the chunk with low/high watermarks in the stream and drop chunk rows
/// changed between them because their cut and their stream cannot be read in one transaction; here they can.)
///
/// The application waits at most for one chunk's read (rollback-journal mode; never in WAL mode): chunks
/// shrink when a read takes longer than `Settings.chunkMilliseconds` and grow back when reads are quick; in
/// WAL mode they are `Settings.maxChunkRows` throughout.
/// Every event's position is `SnapshotPosition` (stream id + table + last key), so a killed run resumes after
/// its last journaled row even when only part of a chunk became durable.
public final class SQLiteSnapshotSource: ChangeSource {
    /// How the snapshot is set up.
    public struct Settings: Sendable {
        /// The legacy database file.
        public var path: String
        /// The journal directory (its `snapshot/state.json` records completed tables).
        public var journal: String
        /// The tables to copy (sorted into a stable order); empty: every table with Tandem triggers.
        public var tables: [String] = []
        /// Copy these tables again even when complete.
        public var again: Bool = false
        /// The most rows a chunk reads (its memory bound).
        public var maxChunkRows: Int = 16_384
        /// A chunk read longer than this halves the chunk (it is how long the legacy writer may wait).
        public var chunkMilliseconds: Double = 10
        /// Rows counted per read for the progress estimate (each count is a short read of its own; in WAL mode a
        /// fresh table is counted in one read).
        public var countStep: Int = 65_536
        /// Rows gathered (over several chunks) into one journal append: its memory bound.
        public var batchRows: Int = 8_192
        /// Rows go to the journal encoded straight from the table (no event per row); off, an `Event` per row
        /// (the older path, kept to check the encoded one against: both journal the same events).
        public var encodesRows: Bool = true
        /// Where operator log lines go.
        public var log: @Sendable (String) -> Void = OperatorLog.stderr
        /// How long a read waits for a lock the legacy application holds. Long: in rollback-journal mode a
        /// busy writer can keep a reader out for seconds, and a copy that waits costs the application nothing.
        public var busyTimeoutMilliseconds: Int32 = 30_000

        /// Settings for a database and a journal.
        public init(path: String, journal: String) { self.path = path; self.journal = journal }
    }

    /// Figures for progress displays.
    public struct Progress: Sendable {
        /// The table being copied (nil before the first and after the last).
        public var table: String?
        /// Rows of it journaled in this run.
        public var tableRows = 0
        /// Rows of it still to copy when this run started on it, plus `tableRows`: the estimate of its size.
        public var tableEstimate = 0
        /// Snapshot rows handed out in this run, all tables.
        public var rows = 0
        /// Tables completed in this run or earlier, of `tablesTotal`.
        public var tablesDone = 0
        /// Tables this run covers.
        public var tablesTotal = 0
        /// The rows of the current chunk size.
        public var chunkRows = 0
        /// The longest single chunk read, in seconds (what the legacy writer may have waited).
        public var longestChunkRead = 0.0
    }

    /// How the snapshot is set up.
    public let settings: Settings
    /// Figures so far.
    public internal(set) var progress = Progress()
    /// Finds the newest journaled progress of a table (set by the caller that owns the journal); used when a
    /// table was interrupted and later events do not carry its progress.
    public var findProgress: ((String) throws -> SnapshotPosition.Progress?)?

    let stream: SQLiteChangeLogSource
    var db: Database?
    var state = SnapshotState()
    var plan: [String] = []
    var current: (table: SnapshotTable, lastKey: [Value]?)?
    /// Carried on every position handed out, so the newest journaled event always says how far the copy got.
    var carried: SnapshotPosition.Progress?
    var streamAt: Int64 = 0
    var pending: Chunk?
    /// Each table's row encoder (its names encoded once).
    var encoders: [String: SnapshotRowEncoder] = [:]
    /// About how many bytes an encoded row takes (of the last chunk): the room a chunk reserves.
    var rowBytes = 128
    /// The batch being gathered (handed out as number `ordinal + 1`).
    var building: [SourceRecord] = []
    var chunkRows = 0
    /// The legacy database is in WAL mode: a read never makes its writer wait.
    var walMode = false
    // Batches handed out and not yet acknowledged, and tables waiting for their last batch to be durable.
    var ordinal = 0, ackedOrdinal = 0
    var unacked: [(position: String, ordinal: Int)] = []
    var completions: [(ordinal: Int, table: String, through: Int64)] = []

    /// A snapshot of one database; call `open(after:)` before reading.
    public init(_ settings: Settings) {
        self.settings = settings
        stream = SQLiteChangeLogSource(.init(path: settings.path, busyTimeoutMilliseconds: settings.busyTimeoutMilliseconds,
                                             log: settings.log))
        chunkRows = min(4096, settings.maxChunkRows)
    }

    public var description: String { stream.description }
    public var rawFormat: RawFormat { .tandem }
    public func recognizes(_ position: String) -> Bool { SnapshotPosition(position) != nil }

    // The stream's declared tables are the snapshot's: replay creates them from these types, not from a
    // first copied value (a NUMERIC column whose first row holds 14 is not an integer column).
    public func declaredSchemas() throws -> [EntitySchema] { try stream.declaredSchemas() }

    public func open(after position: String?) throws {
        let at = try position.map { p in
            guard let s = SnapshotPosition(p) else { throw SourceError.badPosition(position: p, source: description) }
            return s
        }
        streamAt = at?.changeID ?? 0
        let d = try SourceError.wrapping(settings.path) {
            try Database(path: settings.path, mode: .readOnly, busyTimeoutMilliseconds: settings.busyTimeoutMilliseconds)
        }
        d.pollWhenBusy(upToMilliseconds: settings.busyTimeoutMilliseconds)
        db = d
        walMode = try SourceError.wrapping(settings.path) { () throws -> Bool in
            let st = try d.prepare("PRAGMA journal_mode")
            return try st.step() && st.text(0).lowercased() == "wal"
        }
        if walMode { chunkRows = settings.maxChunkRows }
        try makePlan(d, resumingAt: at?.progress)
        try stream.open(after: at.map(\.streamText))
    }

    /// Chooses the tables to copy and where the first one resumes.
    private func makePlan(_ db: Database, resumingAt resume: SnapshotPosition.Progress?) throws {
        let triggered = try ChangeTableTriggers.installedTables(db: db)
        let wanted = (settings.tables.isEmpty ? triggered : settings.tables).sorted()
        guard !wanted.isEmpty else {
            throw SourceError.config("snapshot: \(settings.path) has no table with Tandem triggers; hint: run `tandem source install-triggers --db \(settings.path) --tables …` first")
        }
        var tables: [SnapshotTable] = []
        for t in wanted {
            let table = try SnapshotTable.load(db: db, table: t)
            guard triggered.contains(t) else {
                // Without triggers, changes after the copy would never reach the journal.
                throw SourceError.config("snapshot: table \"\(t)\" has no Tandem triggers, so changes after the snapshot would be missed; hint: run `tandem source install-triggers --db \(settings.path) --tables \(t)` first")
            }
            tables.append(table)
        }
        state = try SnapshotState.load(journal: settings.journal)
        // An interrupted copy of a table this run does not cover: keep its progress for a later run.
        if let r = resume, !wanted.contains(r.table), state.tables[r.table]?.complete != true {
            state.tables[r.table, default: .init(complete: false)].resumeAfter = SnapshotPosition(changeID: streamAt, progress: r).text
            try save()
        }
        progress.tablesTotal = tables.count
        var redo: Set<String> = []
        for t in tables {
            if state.tables[t.name]?.complete == true {
                if !settings.again {
                    progress.tablesDone += 1
                    settings.log("snapshot: \(t.name) is already complete in this journal (through change \(state.tables[t.name]?.throughChange ?? 0)); --again copies it again")
                    continue
                }
                // Copy again from the start: the old progress is not this copy's.
                redo.insert(t.name)
                state.tables[t.name] = .init(complete: false)
                try save()
            } else if resume?.table != t.name, state.tables[t.name] != nil, state.tables[t.name]?.resumeAfter == nil {
                // Started earlier, its progress not on the newest event: look for it in the journal.
                if let p = try findProgress?(t.name) {
                    state.tables[t.name]?.resumeAfter = SnapshotPosition(changeID: streamAt, progress: p).text
                }
            }
            plan.append(t.name)
        }
        // The table the newest event names continues first, from its last journaled row.
        if let r = resume, !redo.contains(r.table), let i = plan.firstIndex(of: r.table) {
            plan.remove(at: i)
            plan.insert(r.table, at: 0)
            carried = r
        }
        tablesByName = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    var tablesByName: [String: SnapshotTable] = [:]

    public func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        guard let db else { throw SourceError.config("\(description): read before open") }
        // Chunks (each after the changes up to its cut) gather into one batch of about `batchRows`: one
        // journal append, one fdatasync. A chunk's read is short for the legacy writer; a batch is long for
        // the disk. Order within the batch is journal order, so a torn append still leaves a valid prefix.
        let bound = max(limit, settings.batchRows)
        while stop?.isFired != true {
            if let p = pending {
                if streamAt < p.through {
                    // A long backlog of changes goes out in batches before the rows.
                    if buildingRows >= bound { return issueBuilding() }
                    building.append(contentsOf: try catchUp(db, through: p.through, limit: limit, stop: stop))
                    continue
                }
                // From here on every position says these rows are journaled (they are, when it is).
                let rows = p.count
                try append(pending.take()!, to: &building)
                if rows > 0, buildingRows >= settings.batchRows { return issueBuilding() }
                continue
            }
            guard try nextChunk(db, stop: stop) else { break }
        }
        return building.isEmpty ? [] : issueBuilding()
    }

    /// The stream's changes after `streamAt` up to `through`, positions carrying the snapshot's progress.
    private func catchUp(_ db: Database, through: Int64, limit: Int, stop: StopSignal?) throws -> [SourceRecord] {
        stream.readThrough = through
        var records = try stream.read(limit: limit, wait: nil, stop: stop)
        guard !records.isEmpty else {
            // Locked (the stream logged it) or the rows are gone (pruned): check which before waiting.
            let left = try SourceError.wrapping(settings.path) { () throws -> Value? in
                let st = try db.cachedStatement("SELECT count(*) FROM \(ChangeTableTriggers.table) WHERE id > ? AND id <= ?")
                try st.bind(streamAt, at: 1)
                try st.bind(through, at: 2)
                defer { try? st.reset() }
                return try st.step() ? st.value(at: 0) : nil
            }
            if case .int(let n)? = left, n > 0 { StopSignal.wait(.milliseconds(20), stop: stop) } else { streamAt = through }
            return []
        }
        for i in records.indices {
            // The stream's own position (`ID` or `ID/END`) stays whole, so a restart inside a read range keeps its txn.
            let at = SnapshotPosition.stream(of: records[i].position) ?? (streamAt, streamAt)
            let position = SnapshotPosition(changeID: at.id, rangeEnd: at.end, progress: carried).text
            records[i].position = position
            records[i].change?.sourcePosition = position
        }
        streamAt = SnapshotPosition.changeID(of: records[records.count - 1].position) ?? streamAt
        return records
    }

    /// The changes in `building` (an encoded record holds many).
    private var buildingRows: Int { building.reduce(0) { $0 + ($1.encoded?.count ?? 1) } }

    /// Hands out the batch being built and remembers its last position, to learn when it is durable.
    private func issueBuilding() -> [SourceRecord] {
        var records: [SourceRecord] = []
        swap(&records, &building)
        issuedEndsTransaction = SnapshotPosition(records[records.count - 1].position).map { $0.changeID >= $0.rangeEnd } ?? true
        ordinal += 1
        unacked.append((records[records.count - 1].position, ordinal))
        return records
    }

    /// Whether the last batch ends a source transaction: not when it ends with a change inside a read range
    /// (`ID/END`, a page of a long backlog), whose transaction the next batch goes on with.
    public var lastReadEndsTransaction: Bool { issuedEndsTransaction }
    private var issuedEndsTransaction = true

    public func acknowledge(through position: String) throws {
        if let i = unacked.lastIndex(where: { $0.position == position }) {
            ackedOrdinal = max(ackedOrdinal, unacked[i].ordinal)
            unacked.removeFirst(i + 1)
        }
        try completeDurableTables()
        if let id = SnapshotPosition.changeID(of: position) { try stream.acknowledge(through: String(id)) }
    }

    /// Marks complete the tables whose last rows are now durable.
    func completeDurableTables() throws {
        let done = completions.filter { $0.ordinal <= ackedOrdinal }
        guard !done.isEmpty else { return }
        completions.removeAll { $0.ordinal <= ackedOrdinal }
        for c in done {
            state.tables[c.table] = .init(complete: true, throughChange: c.through,
                                          completedAt: Quarantine.now().rfc3339, resumeAfter: nil)
        }
        try save()
        // No earlier table waits any more: the positions name the table in hand (with no row yet).
        if let c = current, carried?.table != c.table.name { carried = .init(table: c.table.name, lastKey: []) }
    }

    private func save() throws { try state.save(journal: settings.journal) }

    public func close() { stream.close(); db?.close(); db = nil }
}

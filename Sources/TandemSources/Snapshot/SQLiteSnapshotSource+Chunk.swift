import TandemCore
import TandemSQLite

extension SQLiteSnapshotSource {
    /// Starts the next table when none is in hand, then cuts its next chunk into `pending`; false when every
    /// table is done.
    func nextChunk(_ db: Database, stop: StopSignal?) throws -> Bool {
        if current == nil {
            guard !plan.isEmpty else { return false }
            try start(db, table: plan.removeFirst())
        }
        guard let (table, lastKey) = current else { return false }
        guard let chunk = try cut(db, table, after: lastKey, stop: stop) else { return false }
        if let last = chunk.lastKey {
            current = (table, last)
            progress.tableRows += chunk.count
            progress.rows += chunk.count
        } else {
            // Every row is gathered; the table is complete once the batch being built, or else the last one
            // handed out, is durable.
            completions.append((ordinal + (building.isEmpty ? 0 : 1), table.name, chunk.through))
            progress.tablesDone += 1
            settings.log("snapshot: \(table.name) done: \(progress.tableRows) row\(progress.tableRows == 1 ? "" : "s") in this run, as of change \(chunk.through)")
            current = nil
            progress.table = nil
            try completeDurableTables()
        }
        pending = chunk
        return true
    }

    /// Makes `table` the one in hand, continuing after its recorded progress.
    private func start(_ db: Database, table name: String) throws {
        guard let table = tablesByName[name] else { return }
        var lastKey: [Value]?
        if let c = carried, c.table == name {
            lastKey = c.lastKey.isEmpty ? nil : c.lastKey
        } else if let r = state.tables[name]?.resumeAfter, let p = SnapshotPosition(r)?.progress, p.table == name {
            lastKey = p.lastKey.isEmpty ? nil : p.lastKey
        }
        if state.tables[name] == nil {
            // Started: a later run that finds no progress of it on the newest event looks in the journal.
            state.tables[name] = .init(complete: false)
            try state.save(journal: settings.journal)
        }
        current = (table, lastKey)
        // Once no earlier table waits for durability, the positions name this one (with no row yet).
        if completions.isEmpty, carried?.table != name { carried = .init(table: name, lastKey: []) }
        progress.table = name
        progress.tableRows = 0
        progress.tableEstimate = try count(db, table, after: lastKey)
        if let lastKey {
            settings.log("snapshot: \(name): continuing after key \(SnapshotPosition.keyText(lastKey)), about \(progress.tableEstimate) rows to go")
        } else {
            settings.log("snapshot: \(name): copying about \(progress.tableEstimate) rows")
        }
    }

    /// The rows after `lastKey`, read in one transaction; the estimate of what is left.
    private func count(_ db: Database, _ t: SnapshotTable, after lastKey: [Value]?) throws -> Int {
        let step = Int64(max(1, settings.countStep))
        return try SourceError.wrapping(settings.path) {
            if walMode, lastKey == nil {
                // A reader never makes the writer wait in WAL mode: one count, which SQLite answers from the
                // b-tree's pages without stepping through every row as the counting steps below do.
                let all = try db.prepare("SELECT count(*) FROM \(ChangeTableTriggers.quote(t.name))")
                guard try all.step(), case .int(let n) = all.value(at: 0) else { return 0 }
                return Int(n)
            }
            var total = 0
            var after = lastKey
            let boundary = try db.prepare(t.countStepSQL(after: true, keys: true))
            let first = try db.prepare(t.countStepSQL(after: false, keys: true))
            while true {
                // Each statement is its own read: the legacy writer waits for one step at most.
                let st = after == nil ? first : boundary
                defer { try? st.reset() }
                var n: Int32 = 1
                for v in after ?? [] { try st.bind(v, at: n); n += 1 }
                try st.bind(step - 1, at: n)
                guard try st.step() else { break }
                after = (0..<Int32(t.keyIndexes.count)).map { st.value(at: $0) }
                total += Int(step)
            }
            let rest = try db.prepare(t.countStepSQL(after: after != nil, keys: false))
            var n: Int32 = 1
            for v in after ?? [] { try rest.bind(v, at: n); n += 1 }
            try rest.bind(step, at: n)
            guard try rest.step(), case .int(let r) = rest.value(at: 0) else { return total }
            return total + Int(r)
        }
    }

    /// One consistent cut: the change id M it is as of, the chunk's rows as snapshot records, their last key.
    /// Retries while the legacy application holds a lock longer than the busy timeout; nil when `stop` fired.
    private func cut(_ db: Database, _ t: SnapshotTable, after lastKey: [Value]?, stop: StopSignal?) throws -> Chunk? {
        while stop?.isFired != true {
            do {
                return try readChunk(db, t, after: lastKey)
            } catch let e as SQLiteError where e.isBusy {
                // The legacy application holds a lock longer than the busy timeout: it goes first.
                settings.log("\(settings.path): \(t.name) is locked (\(e.message)); reading the chunk again shortly")
                StopSignal.wait(.milliseconds(50), stop: stop)
            } catch let e as SQLiteError {
                throw SourceError.sqlite(e, path: settings.path)
            }
        }
        return nil
    }

    private func readChunk(_ db: Database, _ t: SnapshotTable, after lastKey: [Value]?) throws -> Chunk {
        let clock = ContinuousClock()
        var started = clock.now
        let maxID = try db.cachedStatement("SELECT max(id) FROM \(ChangeTableTriggers.table)")
        let rows = try db.cachedStatement(t.chunkSQL(after: lastKey != nil))
        var through = streamAt
        let width = Int32(t.columns.count)
        var values: [[Value]] = []
        var chunk = Chunk(through: streamAt, table: t)
        if !settings.encodesRows { values.reserveCapacity(chunkRows) }
        // Deferred: the read transaction (the cut) starts at the first SELECT and covers both.
        try db.execute("BEGIN")
        defer { try? maxID.reset(); try? rows.reset() }
        do {
            let stepped = try maxID.step()
            // The shared lock is held from here: time what the legacy writer may wait for, not our wait for it.
            started = clock.now
            if stepped, case .int(let m) = maxID.value(at: 0) { through = max(m, streamAt) }
            var n: Int32 = 1
            for v in lastKey ?? [] { try rows.bind(v, at: n); n += 1 }
            try rows.bind(Int64(chunkRows), at: n)
            chunk.through = max(through, streamAt)
            if settings.encodesRows {
                // Straight into the journal's payload layout: no event (rows, values, strings) per row.
                try encode(rows, into: &chunk)
            } else {
                // Only the values while the lock is held; events are built after it is released.
                while try rows.step() {
                    var row: [Value] = []
                    row.reserveCapacity(Int(width))
                    for i in 0..<width { row.append(rows.value(at: i)) }
                    values.append(row)
                }
            }
            try maxID.reset()
            try rows.reset()
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        let took = (clock.now - started).components
        let ms = Double(took.seconds) * 1000 + Double(took.attoseconds) / 1e15
        progress.longestChunkRead = max(progress.longestChunkRead, ms / 1000)
        // The legacy writer may wait this long (rollback-journal mode): keep a chunk's read short. In WAL mode
        // a reader never makes the writer wait, so chunks stay at their largest (the memory bound).
        if !walMode, ms > settings.chunkMilliseconds, chunkRows > 64 {
            chunkRows = max(64, chunkRows / 2)
        } else if walMode || ms < settings.chunkMilliseconds / 2, values.count + chunk.count == chunkRows {
            chunkRows = min(settings.maxChunkRows, chunkRows * 2)
        }
        progress.chunkRows = chunkRows
        if !values.isEmpty {
            chunk.lastKey = t.keyIndexes.map { values[values.count - 1][$0] }
            chunk.rows = values
        }
        return chunk
    }

    /// Steps `rows` to its end, encoding each row as a snapshot event of `chunk`'s table as of its cut.
    private func encode(_ rows: Statement, into chunk: inout Chunk) throws {
        let t = chunk.table
        let prefix = SnapshotPosition.prefix(changeID: chunk.through, table: t.name)
        let encoder = encoders[t.name] ?? SnapshotRowEncoder(entity: t.name, columns: t.columns, keyIndexes: t.keyIndexes)
        encoders[t.name] = encoder
        var events = EncodedEvents()
        events.reserveCapacity(events: chunkRows, bytes: chunkRows * rowBytes)
        var text = prefix
        text.reserveCapacity(prefix.count + 64)
        let keyCount = t.keyIndexes.count
        while try rows.step() {
            encoder.load(rows)
            // The prefix stays; only the key after it is written again.
            text.removeLast(text.count - prefix.count)
            // The key as the position writes it, from the loaded values; other kinds (and NULL) as `Value`s.
            var inPlace = true
            for j in 0..<keyCount {
                if j > 0 { text.append(UInt8(ascii: ",")) }
                if !SnapshotPosition.appendKeyValue(encoder.key(j), to: &text) { inPlace = false; break }
            }
            if inPlace {
                text.append(UInt8(ascii: "]"))
                text.append(UInt8(ascii: "]"))
            } else {
                let key = t.keyIndexes.map { rows.value(at: Int32($0)) }
                try Self.checkKey(key, t)
                text.removeAll(keepingCapacity: true)
                text.append(contentsOf: prefix)
                SnapshotPosition.appendKey(key, to: &text)
            }
            text.withUnsafeBytes { encoder.append(sourcePosition: $0, to: &events) }
        }
        if !events.isEmpty {
            // The chunk's last key, as the events hold it (decoded once a chunk, not kept per row).
            chunk.lastKey = events.event(at: events.count - 1).key.values
            rowBytes = events.byteCount / events.count + 16
        }
        chunk.encoded = events
    }

    /// Refuses a row whose key is NULL.
    private static func checkKey(_ key: [Value], _ t: SnapshotTable) throws {
        if key.contains(where: \.isNull) {
            // SQLite allows NULL in a non-INTEGER primary key of a rowid table; no later change could name it.
            throw SourceError.config("snapshot: table \"\(t.name)\" has a row whose primary key (\(t.keyColumns.joined(separator: ", "))) is NULL; it cannot be replicated by key; hint: give those rows a key, or leave the table out with --entities")
        }
    }

    /// Appends a chunk's rows to `out` as snapshot records (positions: as of its cut, after each row's key)
    /// and makes the positions that follow say they are journaled.
    func append(_ chunk: consuming Chunk, to out: inout [SourceRecord]) throws {
        if let encoded = chunk.encoded {
            if let position = encoded.lastPosition, let last = chunk.lastKey {
                out.append(SourceRecord(position: position, encoded: encoded))
                carried = .init(table: chunk.table.name, lastKey: last)
            }
            return
        }
        let t = chunk.table, keyNames = t.keyColumns
        let prefix = SnapshotPosition.prefix(changeID: chunk.through, table: t.name)
        var last: [Value] = []
        var text: [UInt8] = []
        text.reserveCapacity(prefix.count + 64)
        for row in chunk.rows {
            last = t.keyIndexes.map { row[$0] }
            try Self.checkKey(last, t)
            // One buffer for every row's position text: the String is its only allocation.
            text.removeAll(keepingCapacity: true)
            text.append(contentsOf: prefix)
            SnapshotPosition.appendKey(last, to: &text)
            let position = String(decoding: text, as: UTF8.self)
            let e = Event(sourcePosition: position, entity: t.name, key: Row(uncheckedNames: keyNames, values: last),
                          op: .snapshot, after: Row(uncheckedNames: t.columns, values: row))
            out.append(SourceRecord(position: position, change: e, raw: []))
        }
        if !last.isEmpty { carried = .init(table: t.name, lastKey: last) }
    }
}

/// One chunk cut from a table as of change `through`: its rows encoded as snapshot events, or (with
/// `Settings.encodesRows` off) their values in column order.
struct Chunk {
    var through: Int64
    var table: SnapshotTable
    var rows: [[Value]] = []
    var encoded: EncodedEvents?
    /// The key of the last row, nil when the chunk has none (the table is done).
    var lastKey: [Value]?

    /// The number of rows.
    var count: Int { encoded?.count ?? rows.count }
}

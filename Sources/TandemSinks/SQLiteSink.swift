import Glibc
import TandemCore
import TandemSQLite

/// The embedded default sink: a SQLite file in WAL mode.
///
/// Tables are created when missing from the entity's declared schema (`declare`: the affinity of the
/// source's declared type, else of the mapping's `type`), columns nobody declared with no type at all, so
/// each value keeps its storage class (22 stays INTEGER, 22.0 REAL); a single integer key becomes the rowid.
/// New columns are added with ALTER TABLE ADD COLUMN to tables Tandem created (`_tandem_tables`), to others
/// only with `evolve` (names compared ignoring ASCII case, as SQLite does: `Name` and a later `name` are one
/// column). Values: bool as 0/1, decimal as its exact text, timestamp as RFC 3339 text with six fractional
/// digits in UTC.
public final class SQLiteSink: EventSink {
    /// How hard SQLite syncs at commit.
    public enum Synchronous: String, Sendable {
        /// Sync the WAL at every commit: a committed batch survives power loss. The default, because the
        /// journal's manifest (fsynced) records what the sink applied, and `truncate --before` trusts it.
        case full = "FULL"
        /// Sync at WAL checkpoints only: a power loss may lose the last batches (data and checkpoint together)
        /// while the manifest already says they were applied, so a `truncate --before` may then drop events
        /// the store lost. Faster; only for stores that can be rebuilt from elsewhere.
        case normal = "NORMAL"
    }

    public let name: String
    public let target: String
    /// The file as an absolute path with the directory's symlinks resolved (`o.db` and `./o.db` are one).
    public let canonicalTarget: String
    let db: Database
    // Keyed byte for byte: Swift's String equality would take a table (or a statement's SQL) spelled in NFD
    // for its NFC twin, which SQLite holds as another table.
    private var tables: [ExactText: SQLiteTable] = [:]
    private var statements: [ExactText: Statement] = [:]
    /// Conflicts the last committed plan met against the store.
    public private(set) var conflicts: [Conflict] = []
    private var met: [Conflict] = []
    private var schemas = EntitySchemaCatalog()
    /// Whether columns may be added to tables Tandem did not create.
    public let evolve: Bool

    /// Opens (creating when missing) the SQLite file at `path` for the sink named `name`.
    /// - Throws: `SinkError.database` when the file cannot be opened or prepared.
    public init(path: String, name: String = "default", synchronous: Synchronous = .full,
                busyTimeoutMilliseconds: Int32 = 5000, evolve: Bool = false) throws {
        self.name = name
        self.evolve = evolve
        self.target = "sqlite:\(path)"
        self.canonicalTarget = "sqlite:" + Self.canonicalPath(path)
        do {
            db = try Database(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try db.execute("PRAGMA journal_mode=WAL")
            try db.execute("PRAGMA synchronous=\(synchronous.rawValue)")
            try db.execute(CheckpointSQL.sqlite)
            try db.execute(DeclaredSchema.tablesSQLite)
            if try db.scalar("SELECT count(*) FROM pragma_table_info('_tandem_checkpoint') WHERE name = 'filter'") == .int(0) {
                try db.execute(CheckpointSQL.sqliteUpgrade)  // a store of an older Tandem
            }
        } catch let e as SQLiteError {
            throw SinkError.sqlite(e, target: "sqlite:\(path)", entity: nil)
        }
    }

    public func checkpoint() throws -> SinkCheckpoint? {
        try wrap(nil) { try readCheckpoint() }
    }

    private func readCheckpoint() throws -> SinkCheckpoint? {
        let s = try db.cachedStatement("SELECT journal_id, seq, filter FROM _tandem_checkpoint WHERE sink = ?")
        try s.bind(name, at: 1)
        defer { try? s.reset() }
        guard try s.step() else { return nil }
        return SinkCheckpoint(journalID: s.text(0), seq: UInt64(s.int64(1)), filter: s.isNull(2) ? nil : s.text(2))
    }

    public func commit(_ plan: WritePlan, from: SinkCheckpoint?, to: SinkCheckpoint) throws {
        try commit([plan], from: from, to: to)
    }

    public func commit(_ plans: [WritePlan], from: SinkCheckpoint?, to: SinkCheckpoint) throws {
        do {
            try db.transaction {
                let found = try readCheckpoint()
                if found != from {
                    throw SinkError.checkpointMoved(target: target, sink: name, expected: from?.seq ?? 0, found: found?.seq ?? 0)
                }
                met = []
                let marked = try markApplying()
                // Each plan sees the store the plans before it left: as one plan of all their events would.
                for plan in plans {
                    for entity in plan.entities { try apply(entity) }
                    for s in plan.declaredTables where !s.key.isEmpty {
                        if try table(s.entity) == nil { _ = try ensureTable(EntityPlan(declared: s)) }
                    }
                }
                if marked { try unmarkApplying() }
                try writeCheckpoint(to)
            }
            conflicts = met
        } catch {
            // DDL of the failed transaction rolled back with it: forget what we learned about the schema.
            tables.removeAll()
            statements.removeAll()
            if let e = error as? SinkError { throw e }
            if let e = error as? SQLiteError, e.isCausedByData {
                // A deferred rule checked at COMMIT.
                throw SinkError.refusedData(target: target, entity: "", key: nil, message: e.message)
            }
            if let e = error as? SQLiteError { throw SinkError.sqlite(e, target: target, entity: nil) }
            throw SinkError.database(target: target, entity: nil, message: "\(error)")
        }
    }

    public func reset(entities: [String]) throws {
        try wrap(nil) {
            try db.transaction {
                let marked = try markApplying()
                for e in entities where try table(e) != nil {
                    try db.execute("DELETE FROM \(SQL.quote(e))")
                }
                if marked { try unmarkApplying() }
                let s = try db.cachedStatement("DELETE FROM _tandem_checkpoint WHERE sink = ?")
                try s.bind(name, at: 1)
                try s.execute()
            }
        }
    }

    public func reconnect() throws {}

    public func declare(_ schemas: EntitySchemaCatalog) { self.schemas = schemas }

    public func close() {
        statements.removeAll()
        db.close()
    }

    /// The write-fence marker (`RoutingStore`'s contract): when the store has `_tandem_applying` (fences or
    /// reverse capture installed), this transaction inserts its row so that fences let its writes pass and
    /// capture ignores them. One cached lookup a batch otherwise (a batch commits at most a few hundred
    /// times a second; its fsync costs thousands of times more). Returns whether it marked.
    private func markApplying() throws -> Bool {
        let probe = try db.cachedStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(ApplyingMarker.sqliteTable)'")
        defer { try? probe.reset() }
        guard try probe.step() else { return false }
        try db.cachedStatement(ApplyingMarker.sqliteMark).execute()
        return true
    }

    /// Removes the marker before COMMIT: no committed state ever holds it.
    private func unmarkApplying() throws {
        try db.cachedStatement(ApplyingMarker.sqliteUnmark).execute()
    }

    private func writeCheckpoint(_ c: SinkCheckpoint) throws {
        let s = try db.cachedStatement("""
            INSERT INTO _tandem_checkpoint (sink, journal_id, seq, updated_at, filter) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)
            ON CONFLICT (sink) DO UPDATE SET journal_id = excluded.journal_id, seq = excluded.seq, updated_at = excluded.updated_at,
                filter = coalesce(excluded.filter, _tandem_checkpoint.filter)
            """)
        try s.bind(name, at: 1)
        try s.bind(c.journalID, at: 2)
        try s.bind(Int64(c.seq), at: 3)
        try s.bind(c.filter.map { Value.string($0) } ?? .null, at: 4)
        try s.execute()
    }

    public func rehearse(_ plan: WritePlan) throws {
        // DDL of the rehearsal rolls back with it: forget what we learned about the schema.
        defer { tables.removeAll(); statements.removeAll() }
        do {
            try db.execute("BEGIN IMMEDIATE")
            defer { if !db.isAutocommit { try? db.execute("ROLLBACK") } }
            _ = try markApplying()  // rehearses what replay would do, fences passed as replay passes them
            for entity in plan.entities { try apply(entity) }
        } catch let e as SQLiteError {
            throw SinkError.database(target: target, entity: nil, message: e.description)
        }
    }

    private func apply(_ plan: EntityPlan) throws {
        let entity = plan.entity
        var current: Row?
        do {
            try SinkNames.check(plan, target: target)
            var info = try table(entity)
            if let existing = info, plan.writeCount > 0 {
                try TargetKey.check(target: target, entity: entity, primaryKey: existing.primaryKey,
                                    uniqueKeys: { try uniqueKeys(entity) }, eventKey: plan.keyColumns, foldCase: true)
            }
            if !plan.columns.isEmpty {
                info = try ensureTable(plan)
            }
            guard let info else { return }  // deletes and truncates of a table that never existed: nothing to do
            if plan.truncate { try db.execute("DELETE FROM \(SQL.quote(entity))") }
            var upsert: (names: [String], stmt: Statement)?
            var insert: (names: [String], stmt: Statement)?
            let conflictKey = info.primaryKey.isEmpty ? plan.keyColumns : info.primaryKey
            let delete = plan.writeCount == 0 ? nil : try statement(deleteSQL(entity, plan.keyColumns))
            let judged = !plan.firstEvents.isEmpty
            for (key, change) in plan.orderedWrites {
                current = key
                // The key's first event in the plan, when whether its row existed decides a conflict.
                let first = judged ? plan.firstEvents[KeyIdentity(ordered: key)] : nil
                switch change {
                case .delete:
                    try run(delete!, key.values)
                    if let first { judge(first, existed: db.changes > 0, plan, key) }
                case let .upsert(row, deleteFirst, _):
                    if deleteFirst {
                        try run(delete!, key.values)
                        if let first { judge(first, existed: db.changes > 0, plan, key) }
                    } else if let first, first.op == .insert {
                        // Expected absent: a plain insert tells, at no extra cost, whether the key held a row.
                        if insert?.names != row.names {
                            insert = (row.names, try statement(insertSQL(entity, row.names, conflictKey)))
                        }
                        try run(insert!.stmt, row.values)
                        guard db.changes == 0 else { continue }
                        judge(first, existed: true, plan, key)
                    } else if let first {
                        judge(first, existed: try exists(entity, plan.keyColumns, key), plan, key)
                    }
                    if upsert?.names != row.names {
                        upsert = (row.names, try statement(upsertSQL(entity, row.names, conflictKey)))
                    }
                    try run(upsert!.stmt, row.values)
                }
            }
        } catch let e as SQLiteError where e.isCausedByData {
            throw SinkError.refusedData(target: target, entity: entity, key: current, message: e.message)
        } catch let e as SQLiteError {
            throw SinkError.sqlite(e, target: target, entity: entity)
        }
    }

    /// The columns of each unique index usable by ON CONFLICT (not partial, no expression).
    private func uniqueKeys(_ entity: String) throws -> [[String]] {
        let list = try db.prepare("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1 AND partial = 0")
        try list.bind(entity, at: 1)
        var indexes: [String] = []
        while try list.step() { indexes.append(list.text(0)) }
        var out: [[String]] = []
        for index in indexes {
            let info = try db.prepare("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
            try info.bind(index, at: 1)
            var cols: [String] = [], expression = false
            while try info.step() {
                if info.isNull(0) { expression = true } else { cols.append(info.text(0)) }
            }
            if !expression { out.append(cols) }
        }
        return out
    }

    /// Notes the conflict `first` met, if any.
    private func judge(_ first: (op: ChangeKind, seq: UInt64), existed: Bool, _ plan: EntityPlan, _ key: Row) {
        if let kind = ConflictKind.of(first.op, existed: existed) {
            met.append(Conflict(kind: kind, seq: first.seq, entity: plan.entity, key: key))
        }
    }

    /// True when the table holds a row with `key`.
    private func exists(_ entity: String, _ columns: [String], _ key: Row) throws -> Bool {
        let s = try statement("SELECT 1 FROM \(SQL.quote(entity)) WHERE " + columns.map { "\(SQL.quote($0)) = ?" }.joined(separator: " AND "))
        defer { try? s.reset() }
        var i: Int32 = 1
        for v in key.values { try s.bind(v, at: i); i += 1 }
        return try s.step()
    }

    private func run(_ s: Statement, _ values: [Value]) throws {
        var i: Int32 = 1
        for v in values { try s.bind(v, at: i); i += 1 }
        try s.execute()
    }

    private func statement(_ sql: String) throws -> Statement {
        if let s = statements[ExactText(sql)] { return s }
        let s = try db.prepare(sql, persistent: true)
        statements[ExactText(sql)] = s
        return s
    }

    private func deleteSQL(_ entity: String, _ key: [String]) -> String {
        "DELETE FROM \(SQL.quote(entity)) WHERE " + key.map { "\(SQL.quote($0)) = ?" }.joined(separator: " AND ")
    }

    private func insertSQL(_ entity: String, _ names: [String], _ key: [String]) -> String {
        let params = Array(repeating: "?", count: names.count).joined(separator: ", ")
        return "INSERT INTO \(SQL.quote(entity)) (\(SQL.list(names))) VALUES (\(params)) ON CONFLICT (\(SQL.list(key))) DO NOTHING"
    }

    private func upsertSQL(_ entity: String, _ names: [String], _ key: [String]) -> String {
        let params = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let set = names.filter { !key.contains($0) }.map { "\(SQL.quote($0)) = excluded.\(SQL.quote($0))" }
        return "INSERT INTO \(SQL.quote(entity)) (\(SQL.list(names))) VALUES (\(params)) ON CONFLICT (\(SQL.list(key))) "
            + (set.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + set.joined(separator: ", "))
    }

    /// The table's columns and primary key, or nil when it does not exist.
    private func table(_ entity: String) throws -> SQLiteTable? {
        if let t = tables[ExactText(entity)] { return t }
        let s = try db.prepare("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid")
        try s.bind(entity, at: 1)
        var t = SQLiteTable()
        var pk: [(Int64, String)] = []
        while try s.step() {
            let n = s.text(0)
            t.columns.insert(EventValidation.asciiLowercased(n))
            if s.int64(1) > 0 { pk.append((s.int64(1), n)) }
        }
        guard !t.columns.isEmpty else { return nil }
        t.primaryKey = pk.sorted { $0.0 < $1.0 }.map(\.1)
        let mine = try db.cachedStatement("SELECT 1 FROM _tandem_tables WHERE name = ?")
        try mine.bind(entity, at: 1)
        defer { try? mine.reset() }
        t.createdByTandem = try mine.step()
        tables[ExactText(entity)] = t
        return t
    }

    private func ensureTable(_ plan: EntityPlan) throws -> SQLiteTable {
        let q = SQL.quote(plan.entity)
        let schema = schemas.schema(of: plan.entity)
        if var t = try table(plan.entity) {
            for c in plan.columns {
                // SQLite folds ASCII case in names: `Name` and `name` are one column.
                let folded = EventValidation.asciiLowercased(c.name)
                guard !t.columns.contains(folded) else { continue }
                guard t.createdByTandem || evolve else {
                    throw DeclaredSchema.refuseNewColumn(target: target, entity: plan.entity, column: c.name)
                }
                let type = schema?.type(of: c.name).map(DeclaredSchema.sqliteType) ?? ""
                try db.execute("ALTER TABLE \(q) ADD COLUMN \(SQL.quote(c.name))\(type.isEmpty ? "" : " " + type)")
                t.columns.insert(folded)
                statements.removeAll()
            }
            tables[ExactText(plan.entity)] = t
            return t
        }
        // Declared columns first (in declared order), then undeclared ones the events carry, with no type:
        // never a type guessed from one value.
        var table = EntitySchema(entity: plan.entity, columns: [], types: [], key: plan.keyColumns)
        var folded: Set<String> = []
        for c in DeclaredSchema.columns(plan, schema) {
            // SQLite folds ASCII case in names: of `Name` and `name` (from two events) the first is the column.
            guard folded.insert(EventValidation.asciiLowercased(c.name)).inserted else { continue }
            // An undeclared single integer key is the rowid: its kind is fixed by the entity's first event.
            var intKey = false
            if plan.keyColumns == [c.name], case .int = c.sample { intKey = true }
            table.columns.append(c.name)
            table.types.append(c.type ?? ColumnType(kind: intKey ? .int : .any))
        }
        try db.execute(DeclaredSchema.createTable(table, postgres: false))
        let mine = try db.cachedStatement("INSERT OR IGNORE INTO _tandem_tables (name, created_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
        try mine.bind(plan.entity, at: 1)
        try mine.execute()
        let t = SQLiteTable(columns: folded, primaryKey: plan.keyColumns, createdByTandem: true)
        tables[ExactText(plan.entity)] = t
        return t
    }

    /// `path` with its directory made absolute and free of symlinks (`realpath`), the file name kept.
    static func canonicalPath(_ path: String) -> String {
        let dir = PathText.parent(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        guard let resolved = realpath(dir, nil) else { return path }
        defer { free(resolved) }
        let d = String(cString: resolved)
        return (d.hasSuffix("/") ? d : d + "/") + base
    }

    private func wrap<T>(_ entity: String?, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as SQLiteError {
            throw SinkError.sqlite(e, target: target, entity: entity)
        }
    }
}

/// What the sink knows of one target table.
struct SQLiteTable {
    /// Column names with ASCII letters in lower case, as SQLite compares them.
    var columns: Set<String> = []
    var primaryKey: [String] = []
    /// True when Tandem created the table (listed in `_tandem_tables`).
    var createdByTandem = false
}

import Glibc
import TandemCore
import TandemPostgres

/// A PostgreSQL sink through libpq.
///
/// Each batch is one transaction: per entity a `DELETE FROM` when a truncate is planned (not TRUNCATE:
/// its exclusive lock would stop the new store's readers during coexistence), the deletes as one
/// `DELETE … USING unnest($1::type[], …)` and the upserts (per column set) as one
/// `INSERT … SELECT * FROM unnest(…) ON CONFLICT (key) DO UPDATE`, every value bound as an array
/// parameter. Tables are created when missing from the entity's declared schema (`declare`; types per
/// `DeclaredSchema.postgresType`, no declared type → jsonb); a value that does not fit its declared column is
/// refused (`SinkError.refusedData` naming the column). Columns of an entity without any declaration still get
/// a type from the value kind (int → bigint, bool → boolean, double → double precision, decimal → numeric,
/// string → text, bytes → bytea, timestamp → timestamptz). New columns are added to tables Tandem created
/// (`_tandem_tables`), to others only with `evolve`.
public final class PostgresSink: EventSink {
    /// How long to keep trying to reconnect.
    public struct Retry: Sendable {
        /// Attempts before giving up.
        public var attempts: Int
        /// First delay in seconds, doubled per attempt up to `maxDelay`.
        public var initialDelay: Double
        /// Longest delay in seconds.
        public var maxDelay: Double

        /// Attempts of the very first connection: a server that is down when the sink opens is reported
        /// at once (`SinkError.unavailable`), while a connection lost mid-replay is retried for `attempts`.
        public var firstConnectAttempts: Int

        /// A retry policy (default: 40 attempts, 0.05 s doubling to 2 s: about a minute; 3 at first connect).
        public init(attempts: Int = 40, initialDelay: Double = 0.05, maxDelay: Double = 2, firstConnectAttempts: Int = 3) {
            self.attempts = attempts
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
            self.firstConnectAttempts = firstConnectAttempts
        }
    }

    public let name: String
    public var target: String { redactor.target }
    private let conninfo: String
    private let redactor: PostgresRedactor
    private let retry: Retry
    private let log: @Sendable (String) -> Void
    private var conn: PostgresConnection?
    // Keyed byte for byte, as PostgreSQL tells table names apart (Swift's String equality would not).
    private var tables: [ExactText: PostgresTable] = [:]
    /// Conflicts the last committed plan met against the store.
    public private(set) var conflicts: [Conflict] = []
    private var met: [Conflict] = []
    private var schemas = EntitySchemaCatalog()
    /// Whether columns may be added to tables Tandem did not create.
    public let evolve: Bool

    /// Connects to `conninfo` (a libpq URI or key=value string, which may hold a password) as sink `name`.
    /// - Throws: `SinkError.badSpec`, or `SinkError.unavailable` when the server stays unreachable.
    public init(conninfo: String, name: String = "default", retry: Retry = Retry(), evolve: Bool = false,
                log: @escaping @Sendable (String) -> Void = OperatorLog.stderr) throws {
        self.name = name
        self.evolve = evolve
        self.conninfo = conninfo
        self.redactor = try PostgresRedactor(sinkConninfo: conninfo)
        self.retry = retry
        self.log = log
        try connect(attempts: retry.firstConnectAttempts)
    }


    public func reconnect() throws {
        if conn != nil { log("\(target): connection lost; reconnecting, then the batch is retried from the checkpoint") }
        try connect(attempts: retry.attempts)
    }

    private func connect(attempts: Int) throws {
        conn?.close()
        conn = nil
        tables.removeAll()
        var delay = retry.initialDelay
        var lastMessage = ""
        for attempt in 1...max(1, attempts) {
            do {
                let c = try SinkError.postgres { () throws(PostgresError) in try PostgresConnection(conninfo: conninfo, redactor: redactor) }
                try c.run("SET TimeZone = 'UTC'")
                try c.run("SET client_min_messages = warning")
                try c.run(CheckpointSQL.postgres)
                // A store of an older Tandem lacks the filter column. Only ALTER when it is missing: ALTER TABLE
                // takes an exclusive lock even with IF NOT EXISTS, and would queue behind a running replay.
                let filterColumn = try c.run("""
                    SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                    AND table_name = '_tandem_checkpoint' AND column_name = 'filter'
                    """)
                if filterColumn.count == 0 { try c.run(CheckpointSQL.postgresUpgrade) }
                if try c.run("SELECT to_regclass('_tandem_tables')")[0, 0] == nil { try c.run(DeclaredSchema.tablesPostgres) }
                conn = c
                if attempt > 1 { log("\(target): reconnected after \(attempt - 1) failed attempts") }
                return
            } catch SinkError.connectionLost(_, let message) {
                lastMessage = message
                guard attempt < attempts else { break }
                log("\(target): cannot connect (\(message)); retrying in \(delay)s (attempt \(attempt)/\(attempts))")
                usleep(UInt32(delay * 1_000_000))
                delay = min(delay * 2, retry.maxDelay)
            }
        }
        throw SinkError.unavailable(target: target, message: lastMessage, attempts: max(1, attempts))
    }

    private func connection() throws -> PostgresConnection {
        guard let conn, !conn.isBroken else { throw SinkError.connectionLost(target: target, message: "connection is closed") }
        return conn
    }

    public func checkpoint() throws -> SinkCheckpoint? {
        let rows = try connection().run("SELECT journal_id, seq, filter FROM _tandem_checkpoint WHERE sink = $1", [name])
        guard rows.count > 0, let j = rows[0, 0], let s = rows[0, 1].flatMap({ UInt64($0) }) else { return nil }
        return SinkCheckpoint(journalID: j, seq: s, filter: rows[0, 2])
    }

    public func commit(_ plan: WritePlan, from: SinkCheckpoint?, to: SinkCheckpoint) throws {
        try commit([plan], from: from, to: to)
    }

    public func commit(_ plans: [WritePlan], from: SinkCheckpoint?, to: SinkCheckpoint) throws {
        let c = try connection()
        do {
            try c.run(Self.beginApplying)
            let rows = try c.run("SELECT journal_id, seq FROM _tandem_checkpoint WHERE sink = $1 FOR UPDATE", [name])
            let found = rows.count > 0 ? SinkCheckpoint(journalID: rows[0, 0] ?? "", seq: UInt64(rows[0, 1] ?? "0") ?? 0) : nil
            if found != from {
                throw SinkError.checkpointMoved(target: target, sink: name, expected: from?.seq ?? 0, found: found?.seq ?? 0)
            }
            met = []
            // Each plan sees the store the plans before it left: as one plan of all their events would.
            for plan in plans {
                for entity in plan.entities { try apply(entity, c) }
                for s in plan.declaredTables where !s.key.isEmpty {
                    if try table(s.entity, c) == nil { _ = try ensureTable(EntityPlan(declared: s), nil, c) }
                }
            }
            try c.run("""
                INSERT INTO _tandem_checkpoint (sink, journal_id, seq, updated_at, filter) VALUES ($1, $2, $3, now(), $4)
                ON CONFLICT (sink) DO UPDATE SET journal_id = EXCLUDED.journal_id, seq = EXCLUDED.seq, updated_at = now(),
                    filter = coalesce(EXCLUDED.filter, _tandem_checkpoint.filter)
                """, [name, to.journalID, String(to.seq), to.filter])
            try c.run("COMMIT")
            conflicts = met
        } catch {
            // The transaction is gone (and with it any DDL): forget the schema we learned in it.
            tables.removeAll()
            if !c.isBroken { _ = try? c.run("ROLLBACK") }
            throw error
        }
    }

    /// BEGIN with the write-fence marker (`RoutingStore`'s contract): fences let this transaction's writes pass
    /// and reverse capture ignores them. Sent in BEGIN's own message, so it costs no round trip; set in every
    /// transaction (a setting nobody reads costs nothing, and fences installed while the sink runs need no
    /// re-check).
    static let beginApplying = "BEGIN; " + ApplyingMarker.postgresMark

    public func reset(entities: [String]) throws {
        let c = try connection()
        do {
            try c.run(Self.beginApplying)
            // A rebuild is an offline operation: TRUNCATE is fine (and fast) here.
            for e in entities where try table(e, c) != nil { try c.run("TRUNCATE \(SQL.quote(e))", entity: e) }
            try c.run("DELETE FROM _tandem_checkpoint WHERE sink = $1", [name])
            try c.run("COMMIT")
        } catch {
            if !c.isBroken { _ = try? c.run("ROLLBACK") }
            throw error
        }
    }

    public func declare(_ schemas: EntitySchemaCatalog) { self.schemas = schemas }

    public func close() {
        conn?.close()
        conn = nil
    }

    public func rehearse(_ plan: WritePlan) throws {
        let c = try connection()
        // DDL of the rehearsal rolls back with it: forget what we learned about the schema.
        defer { tables.removeAll() }
        try c.run(Self.beginApplying)  // rehearses what replay would do, fences passed as replay passes them
        defer { if !c.isBroken { _ = try? c.run("ROLLBACK") } }
        for entity in plan.entities { try apply(entity, c) }
        // Deferred constraints would only be checked at COMMIT: check them now, before the rollback.
        try c.run("SET CONSTRAINTS ALL IMMEDIATE")
    }

    private func apply(_ plan: EntityPlan, _ c: PostgresConnection) throws {
        let entity = plan.entity, q = SQL.quote(entity)
        try SinkNames.check(plan, target: target)
        var info = try table(entity, c)
        if let existing = info, plan.writeCount > 0 {
            try TargetKey.check(target: target, entity: entity, primaryKey: existing.primaryKey,
                                uniqueKeys: { try uniqueKeys(entity, c) }, eventKey: plan.keyColumns, foldCase: false)
        }
        if !plan.columns.isEmpty { info = try ensureTable(plan, info, c) }
        guard let info else { return }
        if plan.truncate { try c.run("DELETE FROM \(q)", entity: entity) }
        guard plan.writeCount > 0 else { return }
        // Undeclared columns only ever NULL so far are not created yet: left out of the rows.
        let waiting = plan.columns.lazy.map(\.name).filter { info.types[$0] == nil }
        let absent: Set<String> = waiting.isEmpty ? [] : Set(waiting)
        let key = info.primaryKey.isEmpty ? plan.keyColumns : info.primaryKey
        var deletes = key.map { _ in PostgresText.ArrayBuilder() }
        var deleteCount = 0
        // Rows per column list, split into those expected absent (plain INSERT) and the rest (upsert).
        var groups: [UpsertGroupKey: Int] = [:]
        var groupKeys: [UpsertGroupKey] = []
        // One flat array of column builders (group g's columns start at groupBase[g]): no nested copy-on-write.
        var builders: [PostgresText.ArrayBuilder] = []
        var groupBase: [Int] = []
        var last = (names: [String](), insert: false, index: -1)
        // Conflicts: keys whose first event's expectation is judged before anything changes (updates, deletes,
        // and inserts whose row is deleted first); those of plain inserts only when their INSERT finds a row.
        var probe: [(key: Row, first: (op: ChangeKind, seq: UInt64))] = []
        var freshInserts: [UpsertGroupKey: [(key: Row, first: (op: ChangeKind, seq: UInt64))]] = [:]
        let judged = !plan.firstEvents.isEmpty
        // Tables Tandem created: each value is checked against its column's declared type (else the kind the
        // column was created for), naming the column; an application's table judges values itself. Per column
        // of the current row's column list: that type, and whether it was declared (`any` then holds JSON).
        let schema = schemas.schema(of: entity)
        var declared: [(type: ColumnType, declared: Bool)?] = [], lastDeclared: [String]? = nil
        for (k, change) in plan.orderedWrites {
            if judged, let first = plan.firstEvents[KeyIdentity(ordered: k)] {
                if case let .upsert(row, false, true) = change, first.op == .insert {
                    freshInserts[UpsertGroupKey(names: row.names, insert: true), default: []].append((k, first))
                } else {
                    probe.append((k, first))
                }
            }
            switch change {
            case .delete:
                for (i, name) in key.enumerated() { deletes[i].append(k[name] ?? .null) }
                deleteCount += 1
            case let .upsert(written, deleteFirst, fresh):
                let row = absent.isEmpty ? written : Row(written.columns.filter { !absent.contains($0.0) })
                if deleteFirst {
                    for (i, name) in key.enumerated() { deletes[i].append(k[name] ?? .null) }
                    deleteCount += 1
                }
                let insert = deleteFirst || fresh
                // Rows of a batch nearly always share one column list: skip the hashing then.
                if last.index < 0 || last.insert != insert || last.names != row.names {
                    let g = UpsertGroupKey(names: row.names, insert: insert)
                    if let i = groups[g] {
                        last = (row.names, insert, i)
                    } else {
                        groups[g] = groupBase.count
                        groupKeys.append(g)
                        groupBase.append(builders.count)
                        builders.append(contentsOf: row.names.map { _ in PostgresText.ArrayBuilder() })
                        last = (row.names, insert, groupBase.count - 1)
                    }
                }
                if info.createdByTandem, lastDeclared != row.names {
                    declared = row.names.map { n in
                        if let t = schema?.type(of: n) { return (t, true) }
                        return info.types[n].map { (DeclaredSchema.kind(ofPostgresType: $0), false) }
                    }
                    lastDeclared = row.names
                }
                let base = groupBase[last.index]
                for (i, v) in row.values.enumerated() {
                    if let t = declared.isEmpty ? nil : declared[i] {
                        if let why = DeclaredSchema.misfit(v, column: row.names[i], type: t.type, declared: t.declared, storeType: info.type(row.names[i])) {
                            throw SinkError.refusedData(target: target, entity: entity, key: k, message: why)
                        }
                        if t.declared, t.type.kind == .any { builders[base + i].appendJSON(v); continue }
                    }
                    builders[base + i].append(v)
                }
            }
        }
        if !probe.isEmpty { try judge(probe, q, key, info, entity, c) }
        if deleteCount > 0 {
            let casts = key.enumerated().map { "$\($0.offset + 1)::\(info.type($0.element))[]" }
            let match = key.map { "t.\(SQL.quote($0)) = k.\(SQL.quote($0))" }.joined(separator: " AND ")
            try c.run("DELETE FROM \(q) AS t USING unnest(\(casts.joined(separator: ", "))) AS k(\(SQL.list(key))) WHERE \(match)",
                        deletes.map { $0.finish() }, entity: entity)
        }
        for (gi, g) in groupKeys.enumerated() {
            let names = g.names
            let arrays = builders[groupBase[gi]..<(groupBase[gi] + names.count)].map { $0.finish() }
            let casts = names.enumerated().map { "$\($0.offset + 1)::\(info.type($0.element))[]" }
            let insert = "INSERT INTO \(q) (\(SQL.list(names))) SELECT * FROM unnest(\(casts.joined(separator: ", ")))"
            if g.insert {
                // Expected absent: a plain INSERT is much cheaper than ON CONFLICT. Should a row exist after
                // all (a store written by others, a snapshot loaded earlier), undo just this statement and
                // fall through to the upsert.
                try c.run("SAVEPOINT tandem_insert")
                do {
                    try c.run(insert, arrays, entity: entity)
                    try c.run("RELEASE SAVEPOINT tandem_insert")
                    continue
                } catch SinkError.refusedData where c.lastSQLState == "23505" {
                    try c.run("ROLLBACK TO SAVEPOINT tandem_insert")
                }
                if let inserts = freshInserts[g] { try judge(inserts, q, key, info, entity, c) }
            }
            let set = names.filter { !key.contains($0) }.map { "\(SQL.quote($0)) = EXCLUDED.\(SQL.quote($0))" }
            let sql = insert + " ON CONFLICT (\(SQL.list(key))) " + (set.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + set.joined(separator: ", "))
            try c.run(sql, arrays, entity: entity)
        }
    }

    /// Notes the conflicts of `keys`' first events, from whether the table holds their rows now.
    private func judge(_ keys: [(key: Row, first: (op: ChangeKind, seq: UInt64))], _ q: String, _ columns: [String],
                       _ info: PostgresTable, _ entity: String, _ c: PostgresConnection) throws {
        let existed = try PostgresExistence.check(keys.map(\.key), table: q, columns: columns, types: info, entity: entity, c)
        for (i, k) in keys.enumerated() {
            if let kind = ConflictKind.of(k.first.op, existed: existed[i]) {
                met.append(Conflict(kind: kind, seq: k.first.seq, entity: entity, key: k.key))
            }
        }
    }

    /// True for a column nobody declared that the plan only ever sets to NULL: it is not created yet (a type
    /// guessed from NULL would refuse the values to come); its NULLs are what the column will read once it is.
    static func waits(_ col: (name: String, sample: Value), _ schema: EntitySchema?) -> Bool {
        col.sample.isNull && schema?.type(of: col.name) == nil
    }

    /// The table's column types and primary key, or nil when it does not exist.
    private func table(_ entity: String, _ c: PostgresConnection) throws -> PostgresTable? {
        if let t = tables[ExactText(entity)] { return t }
        let cols = try c.run("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [SQL.quote(entity)], entity: entity)
        guard cols.count > 0 else { return nil }
        var t = PostgresTable()
        for r in 0..<cols.count { t.types[cols[r, 0] ?? ""] = cols[r, 1] ?? "text" }
        let pk = try c.run("""
            SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)
            """, [SQL.quote(entity)], entity: entity)
        t.primaryKey = (0..<pk.count).compactMap { pk[$0, 0] }
        t.createdByTandem = try c.run("SELECT 1 FROM _tandem_tables WHERE name = $1", [entity], entity: entity).count > 0
        tables[ExactText(entity)] = t
        return t
    }

    /// The columns of each unique index usable by ON CONFLICT (valid, immediate, not partial, no expression).
    private func uniqueKeys(_ entity: String, _ c: PostgresConnection) throws -> [[String]] {
        let rows = try c.run("""
            SELECT i.indexrelid::text, a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indisvalid AND i.indimmediate
              AND i.indpred IS NULL AND i.indexprs IS NULL
            ORDER BY i.indexrelid
            """, [SQL.quote(entity)], entity: entity)
        var out: [String: [String]] = [:]
        for r in 0..<rows.count { out[rows[r, 0] ?? "", default: []].append(rows[r, 1] ?? "") }
        return Array(out.values)
    }

    private func ensureTable(_ plan: EntityPlan, _ existing: PostgresTable?, _ c: PostgresConnection) throws -> PostgresTable {
        let schema = schemas.schema(of: plan.entity)
        if var t = existing {
            for col in plan.columns where t.types[col.name] == nil && !Self.waits(col, schema) {
                guard t.createdByTandem || evolve else {
                    throw DeclaredSchema.refuseNewColumn(target: target, entity: plan.entity, column: col.name)
                }
                let type = schema?.type(of: col.name).map(DeclaredSchema.postgresType) ?? PostgresText.columnType(col.sample)
                try c.run("ALTER TABLE \(SQL.quote(plan.entity)) ADD COLUMN \(SQL.quote(col.name)) \(type)", entity: plan.entity)
                t.types[col.name] = type
            }
            tables[ExactText(plan.entity)] = t
            return t
        }
        var t = PostgresTable(createdByTandem: true)
        var table = EntitySchema(entity: plan.entity, columns: [], types: [], key: plan.keyColumns)
        for col in DeclaredSchema.columns(plan, schema) where col.type != nil || !col.sample.isNull || plan.keyColumns.contains(col.name) {
            // A column nobody declared: the kind of its first non-null value, as before.
            let type = col.type ?? ColumnType(kind: KeyKind(col.sample).flatMap { ColumnKind(rawValue: $0.rawValue) } ?? .string)
            t.types[col.name] = DeclaredSchema.postgresType(type)
            table.columns.append(col.name)
            table.types.append(type)
        }
        try c.run(DeclaredSchema.createTable(table, postgres: true), entity: plan.entity)
        try c.run("INSERT INTO _tandem_tables (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [plan.entity], entity: plan.entity)
        t.primaryKey = plan.keyColumns
        tables[ExactText(plan.entity)] = t
        return t
    }
}

import TandemCore

/// One idempotent write to a target store (a sink's plan is made of these; a source's "change" is an `Event`).
public enum RowWrite: Sendable, Hashable {
    /// Insert the row, or overwrite its columns when the key exists.
    case upsert(entity: String, key: Row, row: Row)
    /// Delete the row with this key if present.
    case delete(entity: String, key: Row)
    /// Delete every row of the entity.
    case truncate(entity: String)
}

/// What to do to one key within a plan.
public enum KeyWrite: Sendable, Hashable {
    /// Delete the row if present.
    case delete
    /// Upsert the row; `deleteFirst` when an earlier change of the batch deleted it (so no old column
    /// survives); `fresh` when the batch's first change to the key was an insert, so the row is expected
    /// to be absent (a sink may try a plain INSERT first, falling back to the upsert on a key conflict).
    case upsert(Row, deleteFirst: Bool, fresh: Bool)
}

/// The writes to one entity in a plan, coalesced to one per key.
///
/// Keys are told apart as the stores tell them apart (`KeyIdentity`): column order does not matter, strings
/// compare byte for byte, and values of different kinds are different keys. Every key of the plan has the
/// same columns, and is kept in the order of `keyColumns`.
public struct EntityPlan: Sendable {
    /// The entity (table) name.
    public let entity: String
    /// True when the entity is emptied before the keyed writes.
    public internal(set) var truncate = false
    /// The key column names (from the first keyed change).
    public internal(set) var keyColumns: [String] = []
    /// Every column an upsert writes, in first-seen order, with the first non-null value seen (for its type).
    public internal(set) var columns: [(name: String, sample: Value)] = []
    var writes: [KeyIdentity: (key: Row, write: KeyWrite)] = [:]
    /// For keys whose first change in the plan is an insert, update or delete (planned from events, not after a
    /// truncate of the plan): that event's op and seq. What the store held before decides whether it conflicts.
    public internal(set) var firstEvents: [KeyIdentity: (op: ChangeKind, seq: UInt64)] = [:]
    var lastNoted: [String] = []
    var nullSamples = false

    init(entity: String) { self.entity = entity }

    /// The plan of a declared table that no event of the batch touches: its key and columns, no change.
    init(declared s: EntitySchema) {
        entity = s.entity
        keyColumns = s.key
        columns = s.columns.map { (name: $0, sample: Value.null) }
    }

    /// The keyed writes in ascending key order (so the store's B-tree is walked once); each key's columns
    /// are in the order of `keyColumns`.
    public var orderedWrites: [(key: Row, write: KeyWrite)] {
        // The common case, one integer key column, sorts on the integers alone (several times faster).
        var ints: [(Int64, (key: Row, write: KeyWrite))] = []
        ints.reserveCapacity(writes.count)
        for (id, item) in writes {
            guard let v = id.singleInt else { return writes.sorted { $0.key < $1.key }.map(\.value) }
            ints.append((v, item))
        }
        ints.sort { $0.0 < $1.0 }
        return ints.map(\.1)
    }

    /// Number of keyed writes.
    public var writeCount: Int { writes.count }
}

/// A sink's write plan: a batch of events as row writes coalesced per entity and key; applying it equals
/// applying the events in order.
///
/// Coalescing rules: upsert then upsert merges the columns (later values win); anything then delete is a
/// delete; delete then upsert is an upsert with `deleteFirst`; a truncate drops the entity's earlier writes.
/// Entities are told apart byte for byte, as the stores tell table names apart.
public struct WritePlan: Sendable {
    /// Entities in first-seen order.
    public private(set) var entities: [EntityPlan] = []
    /// Conflicts within the plan itself: an event meeting the state an earlier event of the plan left (an
    /// insert of a key the plan wrote, an update or delete of a key it deleted or truncated).
    public private(set) var conflicts: [Conflict] = []
    private var index: [ExactText: Int] = [:]
    /// Declared tables to create when the store lacks them, rows or not (an empty legacy table is a table
    /// of the new store too); a table that exists is left as it is.
    public var declaredTables: [EntitySchema] = []

    /// An empty plan.
    public init() {}

    /// The plan of a batch of events (insert/update/snapshot upsert the after-image, delete deletes the key,
    /// truncate empties the entity).
    /// - Throws: `SinkError.missingAfterImage`, `SinkError.missingKey`, `SinkError.keyColumnsDiffer`, `SinkError.nullKeyValue`.
    public init<S: Sequence>(events: S) throws where S.Element == Event {
        for e in events {
            switch e.op {
            case .truncate:
                try add(.truncate(entity: e.entity), seq: e.seq)
            case .delete:
                if e.key.isEmpty { throw SinkError.missingKey(seq: e.seq, entity: e.entity) }
                try add(.delete(entity: e.entity, key: e.key), seq: e.seq, op: e.op)
            case .insert, .update, .snapshot:
                guard let after = e.after else {
                    throw SinkError.missingAfterImage(seq: e.seq, entity: e.entity, op: e.op)
                }
                if e.key.isEmpty { throw SinkError.missingKey(seq: e.seq, entity: e.entity) }
                try add(.upsert(entity: e.entity, key: e.key, row: after), fresh: e.op == .insert, seq: e.seq, op: e.op)
            }
        }
    }

    /// True when the plan changes nothing.
    public var isEmpty: Bool { entities.isEmpty }

    /// Adds one write after the ones already planned; `fresh` marks an upsert whose row the source says is new,
    /// `seq` names the change in an error, `op` is the event's (for conflicts; nil: not from an event).
    /// - Throws: `SinkError.keyColumnsDiffer` when the key's columns are not those of the entity's earlier keys,
    ///   `SinkError.nullKeyValue` when a key value is null.
    public mutating func add(_ write: RowWrite, fresh: Bool = false, seq: UInt64 = 0, op: ChangeKind? = nil) throws {
        switch write {
        case .truncate(let entity):
            let i = slot(entity)
            entities[i].truncate = true
            entities[i].writes.removeAll(keepingCapacity: true)
            entities[i].firstEvents.removeAll()
        case let .delete(entity, key):
            let i = slot(entity)
            let key = try ordered(key, in: i, seq: seq)
            let id = KeyIdentity(ordered: key)
            if let op { note(op, seq: seq, key: key, id: id, in: i) }
            entities[i].writes[id] = (key, .delete)
        case let .upsert(entity, key, row):
            let i = slot(entity)
            let key = try ordered(key, in: i, seq: seq)
            // The row carries its key columns with the key's values: the key names the row, whatever the
            // after-image held (append and ingest refuse an image that disagrees with its key).
            var row = row
            for (n, v) in key.columns { row[n] = v }
            noteColumns(row, in: i)
            let id = KeyIdentity(ordered: key)
            if let op { note(op, seq: seq, key: key, id: id, in: i) }
            switch entities[i].writes[id]?.write {
            case nil:
                entities[i].writes[id] = (key, .upsert(row, deleteFirst: false, fresh: fresh))
            case .delete?:
                entities[i].writes[id] = (key, .upsert(row, deleteFirst: true, fresh: false))
            case let .upsert(old, deleteFirst, wasFresh)?:
                var merged = old
                if merged.names != row.names {
                    for (n, v) in row.columns { merged[n] = v }
                } else {
                    merged = row
                }
                entities[i].writes[id] = (key, .upsert(merged, deleteFirst: deleteFirst, fresh: wasFresh))
            }
        }
    }

    /// Records what event `op` expects of its row: against the plan's earlier changes of the key (a conflict
    /// now), or, for the key's first change, against the store (`firstEvents`, judged by the sink).
    private mutating func note(_ op: ChangeKind, seq: UInt64, key: Row, id: KeyIdentity, in i: Int) {
        let existed: Bool
        switch entities[i].writes[id]?.write {
        case .delete?: existed = false
        case .upsert?: existed = true
        case nil:
            guard !entities[i].truncate else { existed = false; break }
            if op != .snapshot, op != .truncate { entities[i].firstEvents[id] = (op, seq) }
            return
        }
        if let kind = ConflictKind.of(op, existed: existed) {
            conflicts.append(Conflict(kind: kind, seq: seq, entity: entities[i].entity, key: key))
        }
    }

    /// `key` in the order of the entity's key columns (the first key fixes them).
    private mutating func ordered(_ key: Row, in i: Int, seq: UInt64) throws -> Row {
        // A null names no row: SQLite would make up a rowid for it (or merge it into row 1), PostgreSQL refuse it.
        if let j = key.values.firstIndex(where: \.isNull) {
            throw SinkError.nullKeyValue(seq: seq, entity: entities[i].entity, column: key.names[j])
        }
        if entities[i].keyColumns.isEmpty {
            entities[i].keyColumns = key.names
            return key
        }
        guard let k = KeyIdentity.reorder(key, to: entities[i].keyColumns) else {
            throw SinkError.keyColumnsDiffer(seq: seq, entity: entities[i].entity, expected: entities[i].keyColumns, given: key.names)
        }
        return k
    }

    private mutating func slot(_ entity: String) -> Int {
        if let i = index[ExactText(entity)] { return i }
        index[ExactText(entity)] = entities.count
        entities.append(EntityPlan(entity: entity))
        return entities.count - 1
    }

    private mutating func noteColumns(_ row: Row, in i: Int) {
        // Fast path: the same column list as the last row, and every column already has a typed sample.
        if row.names == entities[i].lastNoted, !entities[i].nullSamples { return }
        for (n, v) in row.columns {
            if let j = entities[i].columns.firstIndex(where: { $0.name == n }) {
                if entities[i].columns[j].sample.isNull, !v.isNull { entities[i].columns[j].sample = v }
            } else {
                entities[i].columns.append((name: n, sample: v))
            }
        }
        entities[i].lastNoted = row.names
        entities[i].nullSamples = entities[i].columns.contains { $0.sample.isNull }
    }
}

/// The write plan's earlier name, kept while branches written before the rename still say it; new code says
/// `WritePlan`.
public typealias ChangePlan = WritePlan

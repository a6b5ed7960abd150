import TandemCore

/// One idempotent change to a target store.
public enum Change: Sendable, Hashable {
    /// Insert the row, or overwrite its columns when the key exists.
    case upsert(entity: String, key: Row, row: Row)
    /// Delete the row with this key if present.
    case delete(entity: String, key: Row)
    /// Delete every row of the entity.
    case truncate(entity: String)
}

/// What to do to one key within a plan.
public enum KeyChange: Sendable, Hashable {
    /// Delete the row if present.
    case delete
    /// Upsert the row; `deleteFirst` when an earlier change of the batch deleted it (so no old column
    /// survives); `fresh` when the batch's first change to the key was an insert, so the row is expected
    /// to be absent (a sink may try a plain INSERT first, falling back to the upsert on a key conflict).
    case upsert(Row, deleteFirst: Bool, fresh: Bool)
}

/// The changes to one entity in a plan, coalesced to one per key.
public struct EntityPlan: Sendable {
    /// The entity (table) name.
    public let entity: String
    /// True when the entity is emptied before the keyed changes.
    public internal(set) var truncate = false
    /// The key column names (from the first keyed change).
    public internal(set) var keyColumns: [String] = []
    /// Every column an upsert writes, in first-seen order, with the first non-null value seen (for its type).
    public internal(set) var columns: [(name: String, sample: Value)] = []
    var changes: [Row: KeyChange] = [:]
    var lastNoted: [String] = []
    var nullSamples = false

    init(entity: String) { self.entity = entity }

    /// The keyed changes in ascending key order (so the store's B-tree is walked once).
    public var orderedChanges: [(key: Row, change: KeyChange)] {
        var out: [(key: Row, change: KeyChange)] = []
        out.reserveCapacity(changes.count)
        for (k, c) in changes { out.append((key: k, change: c)) }
        // The common case, one integer key column, sorts on the integers alone (several times faster).
        var ints: [(Int64, Int)] = []
        ints.reserveCapacity(out.count)
        for (i, item) in out.enumerated() {
            guard item.key.count == 1, case .int(let v) = item.key.values[0] else { ints.removeAll(); break }
            ints.append((v, i))
        }
        if ints.count == out.count {
            ints.sort { $0.0 < $1.0 }
            return ints.map { out[$0.1] }
        }
        out.sort { KeyOrder.less($0.key, $1.key) }
        return out
    }

    /// Number of keyed changes.
    public var changeCount: Int { changes.count }
}

/// A batch of changes coalesced per entity and key: applying it equals applying the changes in order.
///
/// Coalescing rules: upsert then upsert merges the columns (later values win); anything then delete is a
/// delete; delete then upsert is an upsert with `deleteFirst`; a truncate drops the entity's earlier changes.
public struct ChangePlan: Sendable {
    /// Entities in first-seen order.
    public private(set) var entities: [EntityPlan] = []
    private var index: [String: Int] = [:]

    /// An empty plan.
    public init() {}

    /// The plan of a batch of events (insert/update/snapshot upsert the after-image, delete deletes the key,
    /// truncate empties the entity).
    /// - Throws: `SinkError.missingAfterImage`, `SinkError.missingKey`.
    public init<S: Sequence>(events: S) throws where S.Element == Event {
        for e in events {
            switch e.op {
            case .truncate:
                add(.truncate(entity: e.entity))
            case .delete:
                if e.key.isEmpty { throw SinkError.missingKey(seq: e.seq, entity: e.entity) }
                add(.delete(entity: e.entity, key: e.key))
            case .insert, .update, .snapshot:
                guard let after = e.after else {
                    throw SinkError.missingAfterImage(seq: e.seq, entity: e.entity, op: e.op)
                }
                if e.key.isEmpty { throw SinkError.missingKey(seq: e.seq, entity: e.entity) }
                add(.upsert(entity: e.entity, key: e.key, row: after), fresh: e.op == .insert)
            }
        }
    }

    /// True when the plan changes nothing.
    public var isEmpty: Bool { entities.isEmpty }

    /// Adds one change after the ones already planned; `fresh` marks an upsert whose row the source says is new.
    public mutating func add(_ change: Change, fresh: Bool = false) {
        switch change {
        case .truncate(let entity):
            let i = slot(entity)
            entities[i].truncate = true
            entities[i].changes.removeAll(keepingCapacity: true)
        case let .delete(entity, key):
            let i = slot(entity)
            if entities[i].keyColumns.isEmpty { entities[i].keyColumns = key.names }
            entities[i].changes[key] = .delete
        case let .upsert(entity, key, row):
            let i = slot(entity)
            if entities[i].keyColumns.isEmpty { entities[i].keyColumns = key.names }
            // The row must carry its key columns, whatever the after-image held.
            var row = row
            for (n, v) in key.columns where row[n] == nil { row[n] = v }
            noteColumns(row, in: i)
            switch entities[i].changes[key] {
            case nil:
                entities[i].changes[key] = .upsert(row, deleteFirst: false, fresh: fresh)
            case .delete?:
                entities[i].changes[key] = .upsert(row, deleteFirst: true, fresh: false)
            case let .upsert(old, deleteFirst, wasFresh)?:
                var merged = old
                if merged.names != row.names {
                    for (n, v) in row.columns { merged[n] = v }
                } else {
                    merged = row
                }
                entities[i].changes[key] = .upsert(merged, deleteFirst: deleteFirst, fresh: wasFresh)
            }
        }
    }

    private mutating func slot(_ entity: String) -> Int {
        if let i = index[entity] { return i }
        index[entity] = entities.count
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

/// A total order on key rows: column by column, values by kind then by value.
enum KeyOrder {
    static func less(_ a: Row, _ b: Row) -> Bool {
        for (x, y) in zip(a.values, b.values) {
            if x == y { continue }
            return valueLess(x, y)
        }
        return a.count < b.count
    }

    static func rank(_ v: Value) -> Int {
        switch v {
        case .null: return 0
        case .bool: return 1
        case .int: return 2
        case .double: return 3
        case .decimal: return 4
        case .timestamp: return 5
        case .string: return 6
        case .bytes: return 7
        }
    }

    static func valueLess(_ x: Value, _ y: Value) -> Bool {
        switch (x, y) {
        case let (.int(a), .int(b)): return a < b
        case let (.string(a), .string(b)): return a < b
        case let (.bool(a), .bool(b)): return !a && b
        case let (.double(a), .double(b)): return a < b
        case let (.decimal(a), .decimal(b)): return a < b
        case let (.timestamp(a), .timestamp(b)): return a < b
        case let (.bytes(a), .bytes(b)): return a.lexicographicallyPrecedes(b)
        default: return rank(x) < rank(y)
        }
    }
}

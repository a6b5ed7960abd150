/// What a change did to a row (README.md, "op").
public enum ChangeKind: String, Sendable, Hashable, CaseIterable {
    case insert, update, delete, snapshot, truncate
}

/// One normalized change, as journaled and replayed (README.md, "event").
public struct Event: Sendable, Hashable {
    /// Journal sequence number: dense, from 1, assigned on append; 0 until then.
    public var seq: UInt64
    /// The source's opaque, resumable cursor for this change.
    public var sourcePosition: String?
    /// The source transaction id: events of one txn apply atomically.
    public var txn: String?
    /// When the source committed the change.
    public var committedAt: Timestamp?
    /// The logical table.
    public var entity: String
    /// The primary-key columns.
    public var key: Row
    /// What the change did.
    public var op: ChangeKind
    /// The row before the change, when the source can provide it.
    public var before: Row?
    /// True when the source vouches that `before` holds every column of the row (SQLite triggers, Debezium
    /// with REPLICA IDENTITY FULL); false when it does not know (older journals, key-only before-images).
    public var beforeComplete: Bool = false
    /// The row after the change.
    public var after: Row?
    /// The customer the change belongs to.
    public var tenant: String?
    /// Which system produced the change (stops echoes in two-way replication).
    public var origin: String?

    /// An event; `seq` stays 0 until the journal assigns it.
    public init(seq: UInt64 = 0, sourcePosition: String? = nil, txn: String? = nil,
                committedAt: Timestamp? = nil, entity: String, key: Row, op: ChangeKind,
                before: Row? = nil, after: Row? = nil, tenant: String? = nil, origin: String? = nil,
                beforeComplete: Bool = false) {
        self.seq = seq
        self.sourcePosition = sourcePosition
        self.txn = txn
        self.committedAt = committedAt
        self.entity = entity
        self.key = key
        self.op = op
        self.before = before
        self.after = after
        self.tenant = tenant
        self.origin = origin
        self.beforeComplete = beforeComplete
    }
}

import TandemCore

/// Where a sink stands: the journal it is filled from, the last seq it applied, and the filter it was
/// filled with.
public struct SinkCheckpoint: Sendable, Hashable, CustomStringConvertible {
    /// The journal's id.
    public var journalID: String
    /// The last applied seq (0: none).
    public var seq: UInt64
    /// The canonical text of the `EventFilter` the sink was filled with (nil: not recorded — a store of an
    /// older Tandem, or a commit that keeps the stored one).
    public var filter: String?

    /// A checkpoint at `seq` of journal `journalID`.
    public init(journalID: String, seq: UInt64, filter: String? = nil) {
        self.journalID = journalID
        self.seq = seq
        self.filter = filter
    }

    // Equality is the position only (journal, seq): `commit` compares positions to detect another writer,
    // and the filter is bookkeeping that a commit may leave as it is.
    public static func == (a: SinkCheckpoint, b: SinkCheckpoint) -> Bool { a.journalID == b.journalID && a.seq == b.seq }
    public func hash(into h: inout Hasher) {
        h.combine(journalID)
        h.combine(seq)
    }

    public var description: String { "\(journalID)@\(seq)" }
}

/// What `EventSink.apply` did.
public struct ApplyOutcome: Sendable, Hashable {
    /// Events applied (the rest were at or below the checkpoint already).
    public var applied: Int
    /// Events skipped because the store already held them.
    public var skipped: Int
    /// The checkpoint after the batch.
    public var checkpoint: SinkCheckpoint?
    /// Conflicts the applied events met (within the batch, and against the store where the sink tells).
    public var conflicts: [Conflict] = []
}

/// A target store that applies journal events idempotently.
///
/// The contract every implementation meets (checked by the shared conformance suite):
/// - `commit` applies a whole plan and moves the row of `name` in the store's `_tandem_checkpoint`
///   table to the new checkpoint in ONE transaction: a crash anywhere leaves the store before or after
///   the whole plan. Before writing, it checks inside that transaction that the stored checkpoint still
///   equals `from` (else `SinkError.checkpointMoved`).
/// - Changes are idempotent: an upsert inserts or overwrites the given columns by primary key (other
///   columns keep their values), a delete removes the row if present, a truncate empties the entity.
///   Applying a plan the store already reflects leaves it unchanged.
/// - Target tables that do not exist are created from the declared schemas (`declare(_:)`; columns nobody
///   declared as the store's rules say, never typed from one value alone), primary key from the key columns,
///   also a declared table without rows (`WritePlan.declaredTables`). Columns that appear later are added to
///   tables Tandem created (`_tandem_tables`), to others only with `evolve`. Nothing is dropped or retyped.
/// - Identifiers are always quoted and values always bound: no SQL is built from data. Entity and column
///   names Tandem refuses (`EventValidation`: reserved, empty, with control characters) never reach SQL.
/// - An existing target table is used only when its primary key (or, without one, a unique index) is on
///   exactly the events' key columns (else `SinkError.keyMismatch`).
/// - Data the store refuses (its constraints, types, triggers) is `SinkError.refusedData`, never a
///   connection error: retrying the batch would fail the same way.
/// - Nothing written to `target` or to an error contains a password.
/// - A broken connection surfaces as `SinkError.connectionLost`; `reconnect()` then restores it
///   (with back-off) or throws `SinkError.unavailable`.
///
/// Callers use `apply(_:journalID:)` (and `Rewinder`), which skip what the checkpoint already covers,
/// refuse another journal's events and retry a batch from the checkpoint after a reconnect.
/// Implementations are not thread-safe: one sink, one thread at a time.
public protocol EventSink: AnyObject {
    /// The sink's name: its row in `_tandem_checkpoint` (several sinks may share one store).
    var name: String { get }
    /// The store, described for logs and errors (never with a password).
    var target: String { get }
    /// The store, spelled the same however it was named (e.g. an absolute path): the default consumer name.
    var canonicalTarget: String { get }
    /// The stored checkpoint, or nil when this sink has applied nothing yet.
    func checkpoint() throws -> SinkCheckpoint?
    /// Applies `plan` and moves the checkpoint from `from` to `to`, all in one transaction.
    func commit(_ plan: WritePlan, from: SinkCheckpoint?, to: SinkCheckpoint) throws
    /// Applies `plans` one after the other and moves the checkpoint from `from` to `to`, all in one transaction
    /// (the store ends as after one plan of all their events; `conflicts` are those every plan met).
    func commit(_ plans: [WritePlan], from: SinkCheckpoint?, to: SinkCheckpoint) throws
    /// Empties the given entities' tables and removes this sink's checkpoint, in one transaction (rebuild).
    func reset(entities: [String]) throws
    /// Re-establishes a lost connection with back-off; throws `SinkError.unavailable` when it gives up.
    func reconnect() throws
    /// Closes the store.
    func close()
    /// Applies `plan` in a transaction that is always rolled back: the store stays as it was, and what
    /// `commit` would throw is thrown (used to find the event a store refuses).
    func rehearse(_ plan: WritePlan) throws
    /// The conflicts the last committed plan met against the store: a key's first event of the plan (its
    /// `EntityPlan.firstEvents`) finding a row it did not expect, or none it did.
    var conflicts: [Conflict] { get }
    /// The entities' declared schemas (the journal's `entity-schemas.json`): tables created from then on get
    /// the declared columns and types, and values that do not fit their declared column are refused.
    func declare(_ schemas: EntitySchemaCatalog)
}

extension EventSink {
    /// A sink that creates no tables ignores declarations.
    public func declare(_ schemas: EntitySchemaCatalog) {}

    /// The target as given (stores with one spelling only).
    public var canonicalTarget: String { target }

    /// None: a sink that does not check what the store held (conflicts within a batch are still counted).
    public var conflicts: [Conflict] { [] }

    /// Several plans in one transaction, for sinks that commit one plan at a time: only a single plan.
    public func commit(_ plans: [WritePlan], from: SinkCheckpoint?, to: SinkCheckpoint) throws {
        guard plans.count <= 1 else {
            throw SinkError.database(target: target, entity: nil, message: "this sink commits one write plan per transaction")
        }
        try commit(plans.first ?? WritePlan(), from: from, to: to)
    }

    /// Applies a batch of events (ascending seq, whole source transactions) in one transaction with its
    /// checkpoint, skipping events at or below the checkpoint; after a lost connection it reconnects and
    /// retries from the checkpoint.
    /// - Parameters:
    ///   - through: the checkpoint to record when it is beyond the last event (events read but filtered
    ///     out of the batch still count as passed).
    ///   - filter: the canonical filter text to record with the checkpoint (nil: keep the stored one).
    ///   - declaredTables: tables to create in the same transaction when the store lacks them (`WritePlan.declaredTables`).
    /// - Throws: `SinkError` (another journal, events out of order, a missing image, the store failing).
    @discardableResult
    public func apply(_ events: [Event], journalID: String, through: UInt64? = nil, filter: String? = nil,
                      declaredTables: [EntitySchema] = []) throws -> ApplyOutcome {
        try apply(parts: [.events(events)], journalID: journalID, through: through, filter: filter, declaredTables: declaredTables)
    }

    /// `apply(_:journalID:through:filter:declaredTables:)` of the parts' events in order, in one transaction: a
    /// planned part wholly above the checkpoint commits its plan as it is (not planned again), the others are
    /// planned here.
    @discardableResult
    public func apply(parts: [BatchPart], journalID: String, through: UInt64? = nil, filter: String? = nil,
                      declaredTables: [EntitySchema] = []) throws -> ApplyOutcome {
        let end = max(parts.last { !$0.events.isEmpty }?.events.last?.seq ?? 0, through ?? 0)
        guard end > 0 else { return ApplyOutcome(applied: 0, skipped: 0, checkpoint: nil) }
        var previous: UInt64 = 0
        for part in parts {
            switch part {
            case .events(let events):
                for e in events {
                    if e.seq <= previous { throw SinkError.outOfOrder(seq: e.seq, previous: previous) }
                    previous = e.seq
                }
            case .planned(let p):
                // Read from the journal in order: only its ends need checking.
                guard let first = p.events.first, let last = p.events.last else { continue }
                if first.seq <= previous { throw SinkError.outOfOrder(seq: first.seq, previous: previous) }
                previous = last.seq
            }
        }
        while true {
            do {
                let stored = try checkpoint()
                if let stored, stored.journalID != journalID {
                    throw SinkError.journalMismatch(target: target, sink: name, stored: stored.journalID, given: journalID)
                }
                let held = stored?.seq ?? 0
                let total = parts.reduce(0) { $0 + $1.events.count }
                guard end > held else {
                    return ApplyOutcome(applied: 0, skipped: total, checkpoint: stored)
                }
                var plans: [WritePlan] = []
                var applied = 0
                for part in parts {
                    if case .planned(let p) = part, let first = p.events.first, first.seq > held {
                        plans.append(p.plan)
                        applied += p.events.count
                        continue
                    }
                    let fresh = part.events.drop { $0.seq <= held }
                    guard !fresh.isEmpty else { continue }
                    try SinkNames.check(fresh, target: target)
                    plans.append(try WritePlan(events: fresh))
                    applied += fresh.count
                }
                if plans.isEmpty { plans.append(WritePlan()) }
                plans[plans.count - 1].declaredTables = declaredTables
                let to = SinkCheckpoint(journalID: journalID, seq: end, filter: filter)
                if plans.count == 1 { try commit(plans[0], from: stored, to: to) } else { try commit(plans, from: stored, to: to) }
                let met = (plans.flatMap(\.conflicts) + conflicts).sorted { $0.seq < $1.seq }
                return ApplyOutcome(applied: applied, skipped: total - applied, checkpoint: to, conflicts: met)
            } catch SinkError.connectionLost {
                try reconnect()
            }
        }
    }
}

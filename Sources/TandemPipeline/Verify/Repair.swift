import Foundation
import TandemCore
import TandemJournal
import TandemSources

/// One row `verify --repair` re-reads from legacy: its legacy table and key, and — for the delete an extra row
/// needs when legacy has no such row — its entity, key and tenant in the new store.
public struct RepairKey: Sendable, Hashable {
    /// The legacy table and the row's key there.
    public var source: String, sourceKey: Row
    /// The new store's entity and the row's key there.
    public var target: String, targetKey: Row
    /// The row's tenant in the new store (carried by a delete).
    public var tenant: String?

    /// A key to repair.
    public init(source: String, sourceKey: Row, target: String, targetKey: Row, tenant: String?) {
        self.source = source; self.sourceKey = sourceKey; self.target = target; self.targetKey = targetKey; self.tenant = tenant
    }

    var json: JSONValue {
        .object([("source", .string(source)), ("sourceKey", .string(KeyText.of(sourceKey))), ("target", .string(target)),
                 ("targetKey", .string(KeyText.of(targetKey))), ("tenant", tenant.map(JSONValue.string) ?? .null)])
    }

    init?(json: JSONValue) {
        guard let s = json["source"]?.string, let sk = json["sourceKey"]?.string.flatMap({ try? EventJSON.decodeRow($0) }),
              let t = json["target"]?.string, let tk = json["targetKey"]?.string.flatMap({ try? EventJSON.decodeRow($0) }) else { return nil }
        self.init(source: s, sourceKey: sk, target: t, targetKey: tk, tenant: json["tenant"]?.string)
    }
}

/// What journaling a repair did: the seqs it took, how many snapshots and deletes, and the keys the mapping
/// refused (those stay the quarantine's).
public struct RepairOutcome: Sendable, Equatable {
    /// The seqs of the repair events (nil: nothing journaled).
    public var seqs: ClosedRange<UInt64>?
    /// Snapshot events (the legacy row as it is now) and delete events (legacy has no such row).
    public var snapshots = 0, deletes = 0
    /// `entity key: reason` for each legacy row the mapping refuses.
    public var refused: [String] = []

    /// The outcome.
    public init(seqs: ClosedRange<UInt64>? = nil, snapshots: Int = 0, deletes: Int = 0, refused: [String] = []) {
        self.seqs = seqs; self.snapshots = snapshots; self.deletes = deletes; self.refused = refused
    }

    var json: JSONValue {
        .object([("first", seqs.map { .int(Int64($0.lowerBound)) } ?? .null), ("last", seqs.map { .int(Int64($0.upperBound)) } ?? .null),
                 ("snapshots", .int(Int64(snapshots))), ("deletes", .int(Int64(deletes))), ("refused", .array(refused.map(JSONValue.string)))])
    }

    init?(json: JSONValue) {
        guard let s = json["snapshots"]?.int64, let d = json["deletes"]?.int64 else { return nil }
        if let f = json["first"]?.int64, let l = json["last"]?.int64, f <= l { seqs = UInt64(f)...UInt64(l) }
        snapshots = Int(s); deletes = Int(d)
        refused = (json["refused"]?.array ?? []).compactMap(\.string)
    }
}

/// Journals repairs: each key's legacy row as it is when read, through the mapping, as a `snapshot` event, or a
/// `delete` of the new store's row when legacy has none — one durable append, so the journal stays the single
/// history of the new store. Reading at append time (in the process that appends) keeps the order right: a
/// change to the row journaled later is newer than what the snapshot holds.
enum Repair {
    /// The repair events of `keys`, read from `legacy` now.
    static func events(_ keys: [RepairKey], legacy: any VerifyStore, mapping: Mapping, txn: String) throws -> (events: [Event], outcome: RepairOutcome) {
        var events: [Event] = [], outcome = RepairOutcome()
        let now = Quarantine.now()
        for k in keys {
            if let row = try legacy.row(k.source, key: k.sourceKey) {
                switch mapping.apply(Event(entity: k.source, key: k.sourceKey, op: .snapshot, after: row)) {
                case .rejected(let r):
                    outcome.refused.append("\(k.source) \(KeyText.of(k.sourceKey)): \(r.column.map { "\(r.rule) on \($0)" } ?? r.rule)")
                case .event(var e):
                    e.txn = txn; e.committedAt = now; e.origin = e.origin ?? "legacy"
                    events.append(e)
                    outcome.snapshots += 1
                }
            } else {
                // Legacy has no such row: the new store's is extra (or legacy deleted it meanwhile); delete it.
                events.append(Event(txn: txn, committedAt: now, entity: k.target, key: k.targetKey, op: .delete, tenant: k.tenant, origin: "legacy"))
                outcome.deletes += 1
            }
        }
        return (events, outcome)
    }

    /// Reads and journals `keys` through `writer` (a transaction of its own); returns what it did.
    static func journal(_ keys: [RepairKey], legacy: any VerifyStore, mapping: Mapping, writer: JournalWriter, id: String) throws -> RepairOutcome {
        var (events, outcome) = try events(keys, legacy: legacy, mapping: mapping, txn: "repair-\(id)")
        outcome.seqs = events.isEmpty ? nil : try writer.append(events, closesTransactions: true)
        return outcome
    }
}

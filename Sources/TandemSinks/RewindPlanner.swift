import TandemCore

/// Decides, before a rewind changes anything, how each event above the target is undone — or that it
/// cannot be undone exactly.
///
/// Two things the events alone do not say, learned by feeding them in journal order:
/// - whether a before-image holds the whole row. A source that knows says so (`Event.beforeComplete`);
///   otherwise (older journals, Debezium with PostgreSQL's default REPLICA IDENTITY) an image is incomplete
///   when it lacks a column the entity's images in the rewound range show, lacks a column of its own
///   after-image, or holds only its key's values (every other column absent or null).
/// - what an insert overwrote: an insert of a key the journal already holds (a conflict) replaced a row,
///   and undoing it must restore that row, not delete the key. The row is folded from the key's journaled
///   events since its last delete (memory: one row per key inserted in the rewound range).
///
/// Feed `noteRange` every event of the range, then `feed` every event from the journal's first seq
/// through the checkpoint, then read `refusal` and `undo`.
public struct RewindPlanner {
    let target: UInt64
    let filter: EventFilter
    /// Every column an image of the entity shows within the rewound range (after-images and vouched befores).
    private var columns: [ExactText: Set<String>] = [:]
    /// Keys inserted within the range, with their folded state while `feed` walks the journal.
    private var watched: [RowIdentity: KeyState] = [:]
    /// Rows that inserts within the range overwrote, by the insert's seq.
    private(set) var overwritten: [UInt64: Row] = [:]
    /// The first event that cannot be undone exactly, as the error to throw.
    public private(set) var refusal: SinkError?

    private enum KeyState { case absent, present(Row) }

    /// A planner for a rewind to `target` of the events `filter` passes.
    public init(target: UInt64, filter: EventFilter) {
        self.target = target
        self.filter = filter
    }

    /// First pass over the rewound range (ascending): learns the entities' columns and the inserted keys.
    public mutating func noteRange(_ e: Event) {
        guard e.seq > target, filter.matches(e) else { return }
        if let after = e.after { columns[ExactText(e.entity), default: []].formUnion(after.names) }
        if e.beforeComplete, let before = e.before { columns[ExactText(e.entity), default: []].formUnion(before.names) }
        if e.op == .insert { watched[RowIdentity(e)] = .absent }
    }

    /// True when an insert is to be undone: `feed` must then start at the journal's first seq.
    public var needsHistory: Bool { !watched.isEmpty }

    /// Second pass, from the journal's first seq through the checkpoint (ascending): folds the watched keys
    /// and judges each event of the range.
    public mutating func feed(_ e: Event) {
        guard filter.matches(e) else { return }
        if e.seq > target, refusal == nil { judge(e) }
        switch e.op {
        case .truncate:
            let entity = ExactText(e.entity)
            for k in watched.keys where k.entity == entity { watched[k] = .absent }
        case .delete:
            let k = RowIdentity(e)
            if watched[k] != nil { watched[k] = .absent }
        case .insert, .update, .snapshot:
            let k = RowIdentity(e)
            guard let state = watched[k], let after = e.after else { return }
            // As the sinks upsert: the given columns overwrite, the others keep their values.
            var row: Row
            if case .present(let old) = state { row = old } else { row = Row() }
            for (n, v) in e.key.columns { row[n] = v }
            for (n, v) in after.columns { row[n] = v }
            watched[k] = .present(row)
        }
    }

    private mutating func judge(_ e: Event) {
        switch e.op {
        case .truncate:
            refusal = .rewindNeedsBeforeImage(seq: e.seq, entity: e.entity, op: e.op, target: target)
        case .insert:
            if case .present(let row)? = watched[RowIdentity(e)] { overwritten[e.seq] = row }
        case .update, .snapshot, .delete:
            guard let before = e.before else {
                refusal = .rewindNeedsBeforeImage(seq: e.seq, entity: e.entity, op: e.op, target: target)
                return
            }
            if let missing = missingColumn(e, before: before) {
                refusal = .rewindIncompleteBeforeImage(seq: e.seq, entity: e.entity, op: e.op, missing: missing, target: target)
            }
        }
    }

    /// What the before-image of `e` lacks ("" when it holds only its key's values), or nil when it is complete.
    private func missingColumn(_ e: Event, before: Row) -> String? {
        if e.beforeComplete { return nil }
        let has = Set(before.names)
        for n in e.after?.names ?? [] where !has.contains(n) { return n }
        for n in (columns[ExactText(e.entity)] ?? []).sorted() where !has.contains(n) { return n }
        // Past the checks above, every column the range shows is in the image. An image of the key alone (or
        // the key and nulls, as Debezium fills a key-only image's struct) is still suspect: refusing it is
        // safe, restoring it would write nulls over the row. A table of key columns only is the exception.
        let keyNames = Set(e.key.names)
        let others = before.columns.filter { !keyNames.contains($0.0) }
        if others.isEmpty { return (columns[ExactText(e.entity)] ?? []).isEmpty ? "" : nil }
        return others.allSatisfy { $0.1.isNull } ? "" : nil
    }

    /// The changes that undo `e` (in plan order), for an event `refusal` did not name.
    public func undo(_ e: Event) -> [RowWrite] {
        switch e.op {
        case .insert:
            guard let row = overwritten[e.seq] else { return [.delete(entity: e.entity, key: e.key)] }
            // Delete first so no column of the inserted row survives the restored one.
            return [.delete(entity: e.entity, key: e.key), .upsert(entity: e.entity, key: e.key, row: row)]
        case .delete, .update, .snapshot:
            return [.upsert(entity: e.entity, key: e.key, row: e.before!)]
        case .truncate:
            return []
        }
    }
}

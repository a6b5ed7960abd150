import TandemCore
import TandemSinks

/// The in-memory reference: what a store must hold after a stream of changes.
public struct ReferenceModel: Equatable {
    /// entity → key → row.
    public var tables: [String: [Row: Row]] = [:]

    /// Applies one row write.
    public mutating func apply(_ change: RowWrite) {
        switch change {
        case let .upsert(entity, key, row):
            var merged = tables[entity]?[key] ?? Row()
            for (n, v) in key.columns { merged[n] = v }
            for (n, v) in row.columns { merged[n] = v }
            tables[entity, default: [:]][key] = merged
        case let .delete(entity, key):
            tables[entity]?[key] = nil
        case let .truncate(entity):
            tables[entity]?.removeAll()
        }
    }

    /// Applies one event as a sink would.
    public mutating func apply(_ event: Event) {
        switch event.op {
        case .truncate: apply(.truncate(entity: event.entity))
        case .delete: apply(.delete(entity: event.entity, key: event.key))
        case .insert, .update, .snapshot: apply(.upsert(entity: event.entity, key: event.key, row: event.after!))
        }
    }

    /// The model after `events`, in order.
    public static func replay(_ events: some Sequence<Event>) -> ReferenceModel {
        var m = ReferenceModel()
        for e in events { m.apply(e) }
        return m
    }
}

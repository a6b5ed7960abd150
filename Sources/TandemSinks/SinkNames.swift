import TandemCore

/// The sink's own check of entity and column names (`EventValidation`), in front of every store: append and
/// ingest refuse such names, but a journal written by an older Tandem may still hold them, and one forged
/// `_tandem_checkpoint` row would move another sink's checkpoint.
enum SinkNames {
    /// Refuses the first event of a batch with an unusable name, before anything is written.
    /// - Throws: `SinkError.invalidEvent` naming its seq.
    static func check<S: Sequence>(_ events: S, target: String) throws where S.Element == Event {
        // Events of a batch mostly repeat a few entities and column lists: check each list once.
        var checkedEntities: Set<String> = []
        var lastKey: [String] = [], lastAfter: [String] = []
        for e in events {
            if !checkedEntities.contains(e.entity) {
                if let reason = EventValidation.nameProblem(e.entity, isColumn: false) {
                    throw SinkError.invalidEvent(target: target, seq: e.seq, entity: e.entity, reason: "entity \(EventValidation.quoted(e.entity)): \(reason)")
                }
                checkedEntities.insert(e.entity)
            }
            if e.key.names != lastKey {
                if let f = EventValidation.columnNamesFault(e.key.names, image: "key") {
                    throw SinkError.invalidEvent(target: target, seq: e.seq, entity: e.entity, reason: f.reason)
                }
                lastKey = e.key.names
            }
            if let after = e.after, after.names != lastAfter {
                if let f = EventValidation.columnNamesFault(after.names, image: "after") {
                    throw SinkError.invalidEvent(target: target, seq: e.seq, entity: e.entity, reason: f.reason)
                }
                lastAfter = after.names
            }
        }
    }

    /// Refuses a plan for a table or column with an unusable name (the last guard, for plans not built by
    /// `EventSink.apply`, such as a rewind's).
    /// - Throws: `SinkError.refusedData`.
    static func check(_ plan: EntityPlan, target: String) throws {
        if let reason = EventValidation.nameProblem(plan.entity, isColumn: false) {
            throw SinkError.refusedData(target: target, entity: plan.entity, key: nil, message: "entity \(EventValidation.quoted(plan.entity)): \(reason)")
        }
        let names = plan.columns.map(\.name) + plan.keyColumns.filter { k in !plan.columns.contains { $0.name == k } }
        if let f = EventValidation.columnNamesFault(names, image: "planned") {
            throw SinkError.refusedData(target: target, entity: plan.entity, key: nil, message: f.reason)
        }
    }
}

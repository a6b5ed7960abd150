import TandemCore

/// The sink's own check of entity and column names, in front of every store. Append and ingest refuse every
/// name `EventValidation` does; a journal written by an older Tandem may still hold them, and one forged
/// `_tandem_checkpoint` row would move another sink's checkpoint. Replay refuses only what no store can ever
/// take safely — reserved names, empty names, a NUL (which cuts the SQL text) — so such a journal replays
/// otherwise as it did before (a long name or an `xmin` column still works in SQLite).
enum SinkNames {
    /// Why replay refuses `name`, or nil.
    static func problem(_ name: String) -> String? {
        if name.isEmpty { return "the name is empty" }
        if name.utf8.contains(0) { return "the name holds a NUL, which would cut the SQL statement" }
        return EventValidation.reservedProblem(name)
    }

    /// Refuses the first event of a batch with a name replay refuses, before anything is written.
    /// - Throws: `SinkError.invalidEvent` naming its seq.
    static func check<S: Sequence>(_ events: S, target: String) throws where S.Element == Event {
        // Events of a batch mostly repeat a few entities and column lists: check each list once.
        var checkedEntities: Set<String> = []
        var lastKey: [String] = [], lastAfter: [String] = []
        for e in events {
            func refuse(_ image: String, _ names: [String]) throws {
                for n in names {
                    if let reason = problem(n) {
                        throw SinkError.invalidEvent(target: target, seq: e.seq, entity: e.entity,
                                                     reason: "column \(EventValidation.quoted(n)) in the \(image) image: \(reason)")
                    }
                }
            }
            if !checkedEntities.contains(e.entity) {
                if let reason = problem(e.entity) {
                    throw SinkError.invalidEvent(target: target, seq: e.seq, entity: e.entity, reason: "entity \(EventValidation.quoted(e.entity)): \(reason)")
                }
                checkedEntities.insert(e.entity)
            }
            if e.key.names != lastKey {
                try refuse("key", e.key.names)
                lastKey = e.key.names
            }
            if let after = e.after, after.names != lastAfter {
                try refuse("after", after.names)
                lastAfter = after.names
            }
        }
    }

    /// Refuses a plan for a table or column with a name replay refuses (the last guard, also for plans not
    /// built by `EventSink.apply`, such as a rewind's).
    /// - Throws: `SinkError.refusedData`.
    static func check(_ plan: EntityPlan, target: String) throws {
        if let reason = problem(plan.entity) {
            throw SinkError.refusedData(target: target, entity: plan.entity, key: nil, message: "entity \(EventValidation.quoted(plan.entity)): \(reason)")
        }
        for n in plan.keyColumns + plan.columns.map(\.name) {
            if let reason = problem(n) {
                throw SinkError.refusedData(target: target, entity: plan.entity, key: nil, message: "column \(EventValidation.quoted(n)): \(reason)")
            }
        }
    }
}

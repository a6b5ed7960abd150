/// Remembers, per entity, the column-name lists already found sound, so the name checks of `Event.fault`
/// (empty, control characters, over 63 bytes, reserved, PostgreSQL system columns, case collisions) run once
/// per entity and name list instead of once per event: a change table's decoder builds new arrays for every
/// row, but their names repeat.
///
/// Sound because a list's soundness depends on its names alone: an event whose entity and every image's name
/// list equal (element by element, in order) lists found sound before has sound names. Any other event is
/// checked in full, and its lists are remembered only when it passes every check. Bounded memory: at most
/// `listsPerEntity` lists for each of `maxEntities` entities (then it starts over).
public struct ValidatedNames {
    private struct Known {
        var lists: [[String]] = []
        /// The list to replace next once `lists` is full.
        var next = 0
    }
    private var known: [String: Known] = [:]
    /// The last entity looked up and its lists (most events follow one of the same entity).
    private var lastEntity = ""
    private var last = Known()
    static let listsPerEntity = 8, maxEntities = 4096
    /// Events whose names were checked (for tests: the others reused what was found sound).
    private(set) var fullChecks = 0

    /// Nothing remembered yet.
    public init() {}

    /// `event.fault`, skipping the name checks when its entity and name lists are known sound.
    public mutating func fault(of event: borrowing Event) -> EventFault? {
        if !lastEntity.isEmpty, event.entity == lastEntity {
            // Fast path: no dictionary lookup.
        } else if let k = known[event.entity] {
            lastEntity = event.entity
            last = k
        } else {
            fullChecks += 1
            let f = event.fault
            if f == nil { remember(event, fresh: true) }
            return f
        }
        if Self.holds(last.lists, event.key.names), Self.holds(last.lists, event.after?.names),
           Self.holds(last.lists, event.before?.names) {
            return event.fault(checkingNames: false)
        }
        fullChecks += 1
        let f = event.fault
        if f == nil { remember(event, fresh: false) }
        return f
    }

    /// Remembers the entity and name lists of a sound event (`fresh`: an entity not known yet).
    private mutating func remember(_ event: borrowing Event, fresh: Bool) {
        if fresh {
            if known.count >= Self.maxEntities { known.removeAll() }
            lastEntity = event.entity
            last = Known()
        }
        for names in [event.key.names, event.after?.names ?? [], event.before?.names ?? []]
        where !names.isEmpty && !Self.holds(last.lists, names) {
            if last.lists.count < Self.listsPerEntity {
                last.lists.append(names)
            } else {
                last.lists[last.next] = names
                last.next = (last.next + 1) % Self.listsPerEntity
            }
        }
        known[lastEntity] = last
    }

    /// True when `names` is nil or empty, or equals one of `lists` (the same storage compares at once).
    private static func holds(_ lists: [[String]], _ names: [String]?) -> Bool {
        guard let names, !names.isEmpty else { return true }
        for l in lists where l == names { return true }
        return false
    }
}

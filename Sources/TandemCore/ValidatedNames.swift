/// Remembers the names of the last event found sound, so a stream of events sharing their name arrays
/// (a snapshot's rows, a decoder's rows of one table) checks each name once instead of once per event.
///
/// Sound because the arrays are held: an array's storage is immutable while it is shared, so the same
/// storage address means the same names. An event with other arrays (equal or not) is checked in full.
public struct ValidatedNames {
    private var entity = ""
    private var key: [String] = []
    private var after: [String] = []
    private var before: [String]?
    private var valid = false

    /// Nothing remembered yet.
    public init() {}

    /// `event.fault`, skipping the name checks when its entity and name arrays are the last sound ones.
    public mutating func fault(of event: borrowing Event) -> EventFault? {
        if valid, event.entity == entity, Self.same(event.key.names, key),
           Self.same(event.after?.names ?? [], after), Self.same(event.before?.names, before) {
            return event.fault(checkingNames: false)
        }
        let f = event.fault
        // Remember only an event whose every check passed: its names are then sound.
        if f == nil {
            entity = event.entity
            key = event.key.names
            after = event.after?.names ?? []
            before = event.before?.names
            valid = true
        }
        return f
    }

    /// True when both arrays use one storage (or both are nil or empty).
    private static func same(_ a: [String]?, _ b: [String]?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?):
            if a.isEmpty && b.isEmpty { return true }
            return a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress && pa.count == pb.count } }
        default: return false
        }
    }
}

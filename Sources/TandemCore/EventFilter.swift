/// Which events a reader, replay or rewind takes: sets of entities and tenants (nil: all) — the seed of a cohort.
///
/// A replay passes over events outside it, but their seqs still move the sink's checkpoint — so the sink records
/// its filter (`canonical`) and refuses another one later.
public struct EventFilter: Sendable, Hashable {
    /// Only these entities (nil: all).
    public var entities: Set<String>?
    /// Only these tenants (nil: all; an event without a tenant never matches a tenant filter).
    public var tenants: Set<String>?

    /// A filter (no arguments: everything).
    public init(entities: Set<String>? = nil, tenants: Set<String>? = nil) {
        self.entities = entities
        self.tenants = tenants
    }

    /// A filter from repeated command-line values: an empty list means all.
    public init(entities: [String], tenants: [String]) {
        self.init(entities: entities.isEmpty ? nil : Set(entities), tenants: tenants.isEmpty ? nil : Set(tenants))
    }

    /// The filter as text that is the same for equal filters: `entities=a,b;tenants=*` (`*`: all). Stored in
    /// sinks' checkpoints: keep the form.
    public var canonical: String {
        func part(_ set: Set<String>?) -> String { set.map { $0.sorted().joined(separator: ",") } ?? "*" }
        return "entities=\(part(entities));tenants=\(part(tenants))"
    }

    /// True when the event is to be taken.
    public func matches(_ e: Event) -> Bool {
        if let entities, !entities.contains(e.entity) { return false }
        if let tenants { guard let t = e.tenant, tenants.contains(t) else { return false } }
        return true
    }
}

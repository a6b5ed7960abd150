import TandemCore

/// Which journal events a replay (or rewind) applies: events outside it are passed over, but their seqs
/// still move the checkpoint — so the sink records its filter and refuses another one later.
public struct ReplayFilter: Sendable, Hashable {
    /// Only these entities (nil: all).
    public var entities: Set<String>?
    /// Only these tenants (nil: all; an event without a tenant never matches a tenant filter).
    public var tenants: Set<String>?

    /// A filter (no arguments: everything).
    public init(entities: Set<String>? = nil, tenants: Set<String>? = nil) {
        self.entities = entities
        self.tenants = tenants
    }

    /// The filter as text that is the same for equal filters: `entities=a,b;tenants=*` (`*`: all).
    public var canonical: String {
        func part(_ set: Set<String>?) -> String { set.map { $0.sorted().joined(separator: ",") } ?? "*" }
        return "entities=\(part(entities));tenants=\(part(tenants))"
    }

    /// True when the event is to be applied.
    public func matches(_ e: Event) -> Bool {
        if let entities, !entities.contains(e.entity) { return false }
        if let tenants { guard let t = e.tenant, tenants.contains(t) else { return false } }
        return true
    }
}

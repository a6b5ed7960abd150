import TandemCore

/// A run of journal events (ascending seq) with its write plan, built once and applied by every sink that
/// applies the same events (the daemon's sinks with the same filter share it).
public struct PlannedEvents: Sendable {
    /// The events, ascending seq.
    public let events: [Event]
    /// Their write plan.
    public let plan: WritePlan

    /// The plan of `events`, checked as `apply` checks them.
    /// - Throws: what `apply` would throw for these events (`SinkError.invalidEvent`, a missing image or key…).
    public init(events: [Event]) throws {
        // The target only names the store in the error, which the caller drops: it applies the events itself then.
        try SinkNames.check(events, target: "")
        plan = try WritePlan(events: events)
        self.events = events
    }
}

/// A part of a sink batch: events whose plan the sink builds, or events planned already.
public enum BatchPart: Sendable {
    /// Events to plan.
    case events([Event])
    /// Events with their plan.
    case planned(PlannedEvents)

    /// The part's events.
    public var events: [Event] {
        switch self {
        case .events(let e): e
        case .planned(let p): p.events
        }
    }
}

import TandemCore

/// One point of the control room's charts: the source's rate and each sink's lag and rate at one moment.
public struct HistorySample: Sendable, Hashable {
    /// When it was taken.
    public var at: Timestamp
    /// The journal head seq.
    public var headSeq: UInt64
    /// Events journaled per second (over the last minute).
    public var sourceEventsPerSecond: Double
    /// Each sink, in config order.
    public var sinks: [Sink]

    /// One sink's figures.
    public struct Sink: Sendable, Hashable {
        /// The sink's name.
        public var name: String
        /// Events behind the head.
        public var lagEvents: UInt64
        /// Seconds behind.
        public var lagSeconds: Double
        /// Events applied per second.
        public var eventsPerSecond: Double
    }

    var json: JSONValue {
        .object([("at", .string(at.rfc3339)), ("headSeq", DaemonStatus.unsigned(headSeq)),
                 ("sourceEventsPerSecond", .double(sourceEventsPerSecond)),
                 ("sinks", .array(sinks.map { s in
                     .object([("name", .string(s.name)), ("lagEvents", DaemonStatus.unsigned(s.lagEvents)),
                              ("lagSeconds", .double(s.lagSeconds)), ("eventsPerSecond", .double(s.eventsPerSecond))])
                 }))])
    }
}

/// Something the daemon saw happen to itself: a component stopping, degrading or running again.
public struct DaemonIncident: Sendable, Hashable {
    /// When it saw it.
    public var at: Timestamp
    /// The component: `source`, `journal` or `sink NAME`.
    public var component: String
    /// Its new state.
    public var state: ComponentState
    /// The one-line text (`sink new stopped: …`, `sink new running again`).
    public var text: String
}

/// The lag and throughput of the last hour and the incidents of the run, kept in memory, bounded: one
/// sample every `every` (default 10 s) up to `capacity` (default 360) and the newest `maxIncidents` incidents.
public struct StatusHistory: Sendable {
    /// The time between samples.
    public var every: Duration
    /// The most samples kept.
    public var capacity: Int
    /// The most incidents kept.
    public var maxIncidents: Int
    /// The samples, oldest first.
    public private(set) var samples: [HistorySample] = []
    /// The incidents, oldest first.
    public private(set) var incidents: [DaemonIncident] = []
    private var lastSample: ContinuousClock.Instant?
    private var states: [String: ComponentState] = [:]

    /// An empty history.
    public init(every: Duration = .seconds(10), capacity: Int = 360, maxIncidents: Int = 100) {
        self.every = every; self.capacity = capacity; self.maxIncidents = maxIncidents
    }

    /// Notes `status` (taken at `now`): an incident for each component whose state changed since the last
    /// call, and a sample when `every` has passed since the last one.
    public mutating func observe(_ status: DaemonStatus, now: ContinuousClock.Instant) {
        var seen: [(String, ComponentState, String?)] = [("source", status.source.state, status.source.reason),
                                                         ("journal", status.journal.state, status.journal.reason)]
        seen += status.sinks.map { ("sink \($0.name)", $0.state, $0.reason) }
        for (component, state, reason) in seen {
            let before = states[component]
            states[component] = state
            // A component first seen not running is an incident too; starting and the first running are not.
            guard before != state, state != .starting, !(state == .running && (before == nil || before == .starting)) else { continue }
            let text = state == .running ? "\(component) running again"
                : "\(component) \(state.rawValue): \(DaemonStatus.oneLine(reason ?? "no reason given", limit: 200))"
            incidents.append(DaemonIncident(at: status.takenAt, component: component, state: state, text: text))
            if incidents.count > maxIncidents { incidents.removeFirst(incidents.count - maxIncidents) }
        }
        if let last = lastSample, now - last < every { return }
        lastSample = now
        samples.append(HistorySample(at: status.takenAt, headSeq: status.journal.headSeq,
                                     sourceEventsPerSecond: status.source.eventsPerSecond,
                                     sinks: status.sinks.map { .init(name: $0.name, lagEvents: $0.lagEvents, lagSeconds: $0.lagSeconds,
                                                                     eventsPerSecond: $0.eventsPerSecond) }))
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
    }

    /// The `history` member of `/status`.
    public var json: JSONValue {
        .object([("everySeconds", .double(Double(every.components.seconds) + Double(every.components.attoseconds) / 1e18)),
                 ("capacity", .int(Int64(capacity))), ("samples", .array(samples.map(\.json)))])
    }
}

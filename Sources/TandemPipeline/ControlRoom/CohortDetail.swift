import TandemCore

/// A lag figure as `/status` shows it for a cohort, and what it was measured on.
public struct LagFigure: Sendable, Hashable {
    /// What the figure measures: `sink` is the whole sink's lag (every tenant's events, an upper bound for the
    /// cohort's tenants; cheap enough for every `/status`).
    public var basis: String
    /// The sink (or worker) measured.
    public var sink: String
    /// Its applied seq.
    public var appliedSeq: UInt64
    /// Events behind the journal head.
    public var events: UInt64
    /// Seconds behind (0 when caught up).
    public var seconds: Double

    /// A figure from its parts.
    public init(basis: String, sink: String, appliedSeq: UInt64, events: UInt64, seconds: Double) {
        self.basis = basis; self.sink = sink; self.appliedSeq = appliedSeq; self.events = events; self.seconds = seconds
    }

    var json: JSONValue {
        .object([("basis", .string(basis)), ("sink", .string(sink)), ("appliedSeq", DaemonStatus.unsigned(appliedSeq)),
                 ("events", DaemonStatus.unsigned(events)), ("seconds", .double(seconds))])
    }
}

/// One gate guarding a cohort's next phase, with its last recorded result (nil: never checked).
public struct GateState: Sendable, Hashable {
    /// The gate's name.
    public var name: String
    /// Its last result for this cohort.
    public var last: GateResult?

    var json: JSONValue {
        .object([("name", .string(name)), ("passed", last.map { .bool($0.passed) } ?? .null),
                 ("detail", last.map { .string($0.detail) } ?? .null),
                 ("checkedAt", last.map { .string($0.checkedAt.rfc3339) } ?? .null)])
    }
}

/// What the control room shows of a cohort beyond its phase: lags, last checks, notices, the next step.
public struct CohortDetail: Sendable, Hashable {
    /// The new store's sink lag while the daemon runs (filled per `/status` from the live sinks).
    public var forwardLag: LagFigure?
    /// The reverse flow's lag while the cohort is in cut-over or rolled back (nil without a running reverse flow).
    public var reverseLag: LagFigure?
    /// The last verify of the cohort.
    public var lastVerify: CheckRecord?
    /// The last drill of the cohort (nil when none is recorded).
    public var lastDrill: CheckRecord?
    /// Its notices, counted.
    public var notices: NoticeCounts
    /// The phase `advance` would move it to (nil when done).
    public var nextPhase: MigrationPhase?
    /// The gates guarding that move, with their last results.
    public var gates: [GateState]
    /// Why `advance` would refuse now, as far as the recorded results tell (nil: nothing known blocks it).
    public var blocker: String?

    /// A detail from its parts.
    public init(forwardLag: LagFigure? = nil, reverseLag: LagFigure? = nil, lastVerify: CheckRecord? = nil,
                lastDrill: CheckRecord? = nil, notices: NoticeCounts = NoticeCounts(), nextPhase: MigrationPhase? = nil,
                gates: [GateState] = [], blocker: String? = nil) {
        self.forwardLag = forwardLag; self.reverseLag = reverseLag; self.lastVerify = lastVerify; self.lastDrill = lastDrill
        self.notices = notices; self.nextPhase = nextPhase; self.gates = gates; self.blocker = blocker
    }

    /// The gates checked afresh for the page (they read only the state file and the mapping: cheap once a
    /// second); the others show the result `advance` last recorded (forward lag reads the journal and the store).
    public static let liveGates: Set<String> = ["verify"]

    /// Reads what the state file records of `cohort`; with `context`, the `liveGates` are checked now (not saved).
    static func read(_ cohort: Cohort, from state: MigrationStateFile, context: GateContext? = nil) -> CohortDetail {
        var d = CohortDetail()
        d.lastVerify = (try? state.lastVerify(cohort: cohort.name))?.map { CheckRecord(at: $0.at, passed: $0.clean, summary: $0.summary) }
        d.lastDrill = (try? state.lastDrill(cohort: cohort.name)) ?? nil
        d.notices = (try? state.noticeCounts(of: cohort.name)) ?? NoticeCounts()
        guard let next = cohort.phase.next else { return d }
        d.nextPhase = next
        let results = (try? state.gateResults(of: cohort.name)) ?? []
        d.gates = CohortGates.guarding(from: cohort.phase, to: next).map { g in
            if let context, liveGates.contains(g.name) { return GateState(name: g.name, last: g.check(context)) }
            return GateState(name: g.name, last: results.first { $0.gate == g.name })
        }
        if cohort.paused {
            d.blocker = "paused (tandem cohort resume \(cohort.name))"
        } else if let g = d.gates.first(where: { $0.last?.passed != true }) {
            d.blocker = g.last.map { "gate \(g.name): \($0.detail)" } ?? "gate \(g.name) not checked yet (advance checks it)"
        }
        return d
    }

    /// The members this adds to a cohort in `/status`.
    var jsonMembers: [(key: String, value: JSONValue)] {
        [("forwardLag", forwardLag?.json ?? .null), ("reverseLag", reverseLag?.json ?? .null),
         ("lastVerify", lastVerify?.json ?? .null), ("lastDrill", lastDrill?.json ?? .null), ("notices", notices.json),
         ("next", .object([("phase", nextPhase.map { .string($0.rawValue) } ?? .null), ("gates", .array(gates.map(\.json))),
                           ("blocker", blocker.map(JSONValue.string) ?? .null)]))]
    }
}

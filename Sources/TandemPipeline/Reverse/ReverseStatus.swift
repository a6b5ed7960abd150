import TandemCore

/// The reverse flow (new store → legacy store) in `/status`, `/metrics` and `tandem status`: whether it runs,
/// its journal's head, what the legacy store has applied, the lag and the tenants it carries back.
public struct ReverseStatus: Sendable, Hashable {
    /// `idle` (no cohort in `cut-over`, nothing left to drain), `running`, or `degraded` (retrying `reason`).
    public var state: String
    /// Why it is degraded (nil otherwise).
    public var reason: String?
    /// The reverse journal's directory.
    public var journal: String
    /// The reverse journal's newest seq.
    public var headSeq: UInt64
    /// The last seq the legacy store durably applied.
    public var appliedSeq: UInt64
    /// Events journaled but not yet in the legacy store.
    public var lagEvents: UInt64 { headSeq > appliedSeq ? headSeq - appliedSeq : 0 }
    /// How long the legacy store has been behind (0 when caught up).
    public var lagSeconds: Double
    /// The tenants of the cohorts in `cut-over` (whose writes go back to legacy).
    public var tenants: [String]
    /// New-store changes journaled since the daemon started.
    public var journaledTotal: UInt64
    /// Events applied to the legacy store since the daemon started.
    public var appliedTotal: UInt64
    /// Retries of the current fault (0 when not degraded).
    public var attempts: Int

    /// A reverse status from its parts.
    public init(state: String, reason: String? = nil, journal: String, headSeq: UInt64 = 0, appliedSeq: UInt64 = 0,
                lagSeconds: Double = 0, tenants: [String] = [], journaledTotal: UInt64 = 0, appliedTotal: UInt64 = 0, attempts: Int = 0) {
        self.state = state; self.reason = reason; self.journal = journal; self.headSeq = headSeq; self.appliedSeq = appliedSeq
        self.lagSeconds = lagSeconds; self.tenants = tenants; self.journaledTotal = journaledTotal
        self.appliedTotal = appliedTotal; self.attempts = attempts
    }

    /// The states, for `/metrics`.
    public static let states = ["idle", "running", "degraded"]

    /// The `reverse` member of the `/status` document.
    public var json: JSONValue {
        .object([("state", .string(state)), ("reason", reason.map(JSONValue.string) ?? .null), ("journal", .string(journal)),
                 ("headSeq", .number(String(headSeq))), ("appliedSeq", .number(String(appliedSeq))),
                 ("lagEvents", .number(String(lagEvents))), ("lagSeconds", .double(lagSeconds)),
                 ("tenants", .array(tenants.map(JSONValue.string))), ("journaledTotal", .number(String(journaledTotal))),
                 ("appliedTotal", .number(String(appliedTotal))), ("attempts", .int(Int64(attempts)))])
    }

    /// Reads the member back (nil when missing or malformed: it is optional).
    public init?(json v: JSONValue) {
        guard let state = v["state"]?.string, let journal = v["journal"]?.string,
              let head = v["headSeq"]?.int64, let applied = v["appliedSeq"]?.int64 else { return nil }
        self.init(state: state, reason: v["reason"]?.string, journal: journal, headSeq: UInt64(max(0, head)),
                  appliedSeq: UInt64(max(0, applied)), lagSeconds: v["lagSeconds"]?.double ?? 0,
                  tenants: v["tenants"]?.array?.compactMap(\.string) ?? [],
                  journaledTotal: UInt64(max(0, v["journaledTotal"]?.int64 ?? 0)),
                  appliedTotal: UInt64(max(0, v["appliedTotal"]?.int64 ?? 0)), attempts: Int(v["attempts"]?.int64 ?? 0))
    }

    /// The line of `tandem status`.
    public var line: String {
        "reverse: \(state), journal \(journal), head seq \(headSeq), legacy applied seq \(appliedSeq), lag \(lagEvents) events"
            + " (\(StatusReport.decimal(lagSeconds)) s), \(tenants.count) tenant\(tenants.count == 1 ? "" : "s") in cut-over"
            + (reason.map { "; \($0)" } ?? "")
    }

    /// The `tandem_reverse_*` families of `/metrics`.
    public func append(to page: inout MetricsText) {
        page.append("tandem_reverse_head_seq", type: .gauge, help: "The newest seq in the reverse journal (new store → legacy).", value: headSeq)
        page.append("tandem_reverse_applied_seq", type: .gauge, help: "The last reverse-journal seq the legacy store durably applied.",
                    value: appliedSeq)
        page.append("tandem_reverse_lag_events", type: .gauge, help: "Reverse journal head minus the legacy store's applied seq.", value: lagEvents)
        page.append("tandem_reverse_lag_seconds", type: .gauge, help: "How long the legacy store has been behind the new store; 0 when caught up.",
                    value: lagSeconds)
        page.append("tandem_reverse_tenants", type: .gauge, help: "Tenants whose writes are on the new store (cohorts in cut-over).",
                    value: tenants.count)
        page.append("tandem_reverse_events_total", type: .counter, help: "New-store changes journaled by the reverse flow since the daemon started.",
                    value: journaledTotal)
        page.append("tandem_reverse_applied_total", type: .counter, help: "Reverse events applied to the legacy store since the daemon started.",
                    value: appliedTotal)
        for s in Self.states {
            page.append("tandem_reverse_state", type: .gauge, help: "1 for the reverse flow's current state, 0 for the others.",
                        labels: ["state": s], value: state == s ? 1 : 0)
        }
    }
}

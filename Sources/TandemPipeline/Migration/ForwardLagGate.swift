import Foundation
import TandemCore
import TandemJournal
import TandemSinks

/// `reads-new → cut-over` only while the cohort's tenants are caught up in the new store: the oldest journal
/// event of those tenants the new sink has not applied (its store's checkpoint, read as `DaemonStatus.offline`
/// reads it; the journal's consumer record when the store cannot be read) is younger than
/// `migration.maxForwardLagSeconds`, or there is none.
public struct ForwardLagGate: CohortGate {
    /// `forward-lag`.
    public var name: String { "forward-lag" }

    /// A gate that needs no parts: its limit is in the config.
    public init() {}

    /// Only `reads-new → cut-over`.
    public func guards(from: MigrationPhase, to: MigrationPhase) -> Bool { from == .readsNew && to == .cutOver }

    /// Measures the cohort's forward lag now against `migration.maxForwardLagSeconds`.
    public func check(_ c: GateContext) -> GateResult {
        func result(_ passed: Bool, _ detail: String) -> GateResult { GateResult(gate: name, passed: passed, detail: detail, checkedAt: c.now) }
        guard let sink = c.config.sink(named: c.migration.new) else { return result(false, "no sink named \(c.migration.new)") }
        do {
            let lag = try ForwardLag.measure(journal: c.config.journal, sink: sink, tenants: Set(c.cohort.tenants), now: c.now)
            let limit = c.migration.maxForwardLagSeconds
            guard let oldest = lag.oldestPending else {
                return result(true, "sink \(sink.name) at seq \(lag.appliedSeq) has applied every event of the cohort's tenants")
            }
            let seconds = max(0, Double(c.now.microseconds - oldest.microseconds) / 1_000_000)
            let text = "sink \(sink.name) at seq \(lag.appliedSeq) has \(lag.pendingEvents) event(s) of the cohort's tenants to apply,"
                + " the oldest \(String(format: "%.1f", seconds)) s old (limit \(String(format: "%g", limit)) s)"
            return result(seconds <= limit, text)
        } catch {
            return result(false, "the lag cannot be measured: \(error)")
        }
    }
}

/// The forward lag of some tenants in one sink.
public struct ForwardLag: Sendable, Hashable {
    /// The sink's applied seq.
    public var appliedSeq: UInt64
    /// Events of the tenants after it.
    public var pendingEvents: Int
    /// The newest seq of an event of the tenants (0: none in the journal).
    public var newestSeq: UInt64
    /// The commit time of the oldest pending one (nil: none pending).
    public var oldestPending: Timestamp?

    /// Reads the sink's applied seq from its store (or the journal's consumer record) and the journal after it.
    public static func measure(journal: String, sink: DaemonConfig.Sink, tenants: Set<String>, now: Timestamp) throws -> ForwardLag {
        let stats = try Journal.stats(at: journal)
        var applied: UInt64
        do { applied = try sink.spec.storedCheckpoint()?.seq ?? 0 } catch {
            guard let recorded = stats.consumers.first(where: { $0.name == sink.name }) else { throw error }
            applied = recorded.appliedSeq
        }
        var lag = ForwardLag(appliedSeq: applied, pendingEvents: 0, newestSeq: 0, oldestPending: nil)
        guard stats.events > 0, applied < stats.lastSeq else { return lag }
        let reader = try JournalReader(directory: journal)
        try reader.seek(to: max(applied + 1, stats.firstSeq))
        while let e = try reader.next() {
            guard let t = e.tenant, tenants.contains(t) else { continue }
            lag.pendingEvents += 1
            lag.newestSeq = e.seq
            // An event without a commit time counts from now: its age is unknown, its count is reported.
            if lag.oldestPending == nil { lag.oldestPending = e.committedAt ?? now }
        }
        return lag
    }
}

import Foundation
import TandemCore

/// One cohort in `/status`, `/metrics` and `tandem status`: its phase, tenants and last cut-over pause.
///
/// Fenced writes refused are not counted here: a fence aborts the application's transaction, and anything
/// the trigger could record rolls back with it; the application sees (and may count) the fence's error.
public struct CohortStatus: Sendable, Hashable {
    /// The cohort's name.
    public var name: String
    /// Its phase.
    public var phase: MigrationPhase
    /// Whether it is paused.
    public var paused: Bool
    /// How many tenants it holds.
    public var tenants: Int
    /// Its routing version.
    public var version: Int64
    /// When its phase was recorded.
    public var since: Timestamp
    /// The write pause of its last cut-over or rollback from cut-over, in milliseconds (nil: none yet).
    public var lastPauseMs: Double?
    /// What the control room adds (lags, last verify and drill, notices, next gate); nil outside the daemon.
    public var detail: CohortDetail?

    /// The cohorts recorded in the migration's state file (empty without a migration block or before the
    /// first cohort; a state file that cannot be read is empty too, the other members still report).
    public static func read(_ config: DaemonConfig) -> [CohortStatus] {
        guard let m = config.migration, FileManager.default.fileExists(atPath: m.state),
              let state = try? MigrationStateFile(path: m.state, readOnly: true) else { return [] }
        defer { state.close() }
        guard let cohorts = try? state.cohorts() else { return [] }
        return cohorts.map { CohortStatus($0, state: state) }
    }

    /// The cohort's status, its last pause read from its timeline in `state`.
    init(_ c: Cohort, state: MigrationStateFile) {
        let pause = (try? state.timeline(of: c.name))?.last { $0.pauseMs != nil }?.pauseMs
        self.init(name: c.name, phase: c.phase, paused: c.paused, tenants: c.tenants.count, version: c.version,
                  since: c.since, lastPauseMs: pause)
    }

    /// The cohort in the `/status` document.
    public var json: JSONValue {
        .object([("name", .string(name)), ("phase", .string(phase.rawValue)), ("paused", .bool(paused)),
                 ("tenants", .int(Int64(tenants))), ("version", .int(version)), ("since", .string(since.rfc3339)),
                 ("lastPauseMs", lastPauseMs.map(JSONValue.double) ?? .null)] + (detail?.jsonMembers ?? []))
    }

    /// Reads a cohort back from the document (nil when malformed: the member is optional).
    public init?(json v: JSONValue) {
        guard let name = v["name"]?.string, let phase = v["phase"]?.string.flatMap(MigrationPhase.init(rawValue:)),
              let tenants = v["tenants"]?.int64, let version = v["version"]?.int64,
              let since = v["since"]?.string.flatMap({ try? Timestamp(rfc3339: $0) }) else { return nil }
        self.init(name: name, phase: phase, paused: v["paused"]?.bool ?? false, tenants: Int(tenants), version: version,
                  since: since, lastPauseMs: v["lastPauseMs"]?.double)
    }

    /// A cohort status from its parts.
    public init(name: String, phase: MigrationPhase, paused: Bool, tenants: Int, version: Int64, since: Timestamp, lastPauseMs: Double?) {
        self.name = name; self.phase = phase; self.paused = paused; self.tenants = tenants; self.version = version
        self.since = since; self.lastPauseMs = lastPauseMs
    }

    /// The cohort families of `/metrics`.
    public static func append(_ cohorts: [CohortStatus], to page: inout MetricsText) {
        for c in cohorts {
            for phase in MigrationPhase.allCases {
                page.append("tandem_cohort_phase", type: .gauge, help: "1 for the cohort's current phase, 0 for the others.",
                            labels: ["cohort": c.name, "phase": phase.rawValue], value: c.phase == phase ? 1 : 0)
            }
            page.append("tandem_cohort_tenants", type: .gauge, help: "Tenants in the cohort.", labels: ["cohort": c.name], value: c.tenants)
            if let ms = c.lastPauseMs {
                page.append("tandem_cohort_last_cutover_pause_seconds", type: .gauge,
                            help: "The write pause of the cohort's last cut-over (or rollback from cut-over).",
                            labels: ["cohort": c.name], value: ms / 1000)
            }
        }
    }
}

import Foundation
import TandemCore
import TandemSinks

/// One cohort in `/status`, `/metrics` and `tandem status`: its phase, tenants, last cut-over pause and the
/// writes its fences refused (counted in PostgreSQL stores only: see `RefusalCount`).
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
    /// Each store's count of application writes its fences refused for the cohort's tenants (empty when not
    /// read: `tandem status` from disk, a daemon before the counters).
    public var refused: [StoreRefusals] = []
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

    /// Each of `cohorts`' refusal counts in both stores of `config`'s migration (new first), read now through
    /// `reader` (its connections to the PostgreSQL stores; none to a SQLite one).
    public static func refusals(config: DaemonConfig, cohorts: [String], reader: RefusalReader = RefusalReader()) -> [String: [StoreRefusals]] {
        guard let m = config.migration, !cohorts.isEmpty else { return [:] }
        let perStore = CohortControl.stores(config: config, migration: m).map { ($0.role, reader.read($0, cohorts: cohorts)) }
        return Dictionary(uniqueKeysWithValues: cohorts.map { c in
            (c, perStore.map { StoreRefusals(role: $0.0, count: $0.1[c] ?? .unknown("not read")) })
        })
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
                 ("lastPauseMs", lastPauseMs.map(JSONValue.double) ?? .null),
                 ("fencedWritesRefused", Self.json(refused))] + (detail?.jsonMembers ?? []))
    }

    /// The `fencedWritesRefused` member: one object per store, `{"count": N|null, "countable": bool, "reason":
    /// text|null}`, by side (null when not read). A store that cannot count says so: never a 0.
    public static func json(_ refused: [StoreRefusals]) -> JSONValue {
        guard !refused.isEmpty else { return .null }
        return .object(refused.map { r in
            let (countable, reason): (Bool, String?)
            switch r.count {
            case .counted: (countable, reason) = (true, nil)
            case .notCountable(let why): (countable, reason) = (false, why)
            case .unknown(let why): (countable, reason) = (true, why)
            }
            return (r.role.rawValue, .object([("count", r.count.count.map(JSONValue.int) ?? .null), ("countable", .bool(countable)),
                                              ("reason", reason.map(JSONValue.string) ?? .null)]))
        })
    }

    /// Reads the member back (empty when absent or null).
    static func refused(json v: JSONValue?) -> [StoreRefusals] {
        guard case .object(let members)? = v else { return [] }
        return members.compactMap { (key, value) in
            guard let role = StoreRole(rawValue: key) else { return nil }
            let reason = value["reason"]?.string ?? "no reason given"
            if let n = value["count"]?.int64 { return StoreRefusals(role: role, count: .counted(n)) }
            return StoreRefusals(role: role, count: value["countable"]?.bool == false ? .notCountable(reason) : .unknown(reason))
        }
    }

    /// The refusals in one line: `new store 2; legacy store n/a (SQLite cannot record …)`.
    public static func text(_ refused: [StoreRefusals]) -> String {
        refused.map { "\($0.role.rawValue) store \($0.count.text)" }.joined(separator: "; ")
    }

    /// Reads a cohort back from the document (nil when malformed: the member is optional).
    public init?(json v: JSONValue) {
        guard let name = v["name"]?.string, let phase = v["phase"]?.string.flatMap(MigrationPhase.init(rawValue:)),
              let tenants = v["tenants"]?.int64, let version = v["version"]?.int64,
              let since = v["since"]?.string.flatMap({ try? Timestamp(rfc3339: $0) }) else { return nil }
        self.init(name: name, phase: phase, paused: v["paused"]?.bool ?? false, tenants: Int(tenants), version: version,
                  since: since, lastPauseMs: v["lastPauseMs"]?.double)
        refused = Self.refused(json: v["fencedWritesRefused"])
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
            for r in c.refused {
                guard let n = r.count.count else { continue }  // a store that cannot count has no series (never a 0)
                page.append("tandem_cohort_fenced_writes_refused_total", type: .counter,
                            help: "Application writes of the cohort's tenants a PostgreSQL store's write fence refused (SQLite stores cannot count them).",
                            labels: ["cohort": c.name, "store": r.role.rawValue], value: n)
            }
        }
    }
}

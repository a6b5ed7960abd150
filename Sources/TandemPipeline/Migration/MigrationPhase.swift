/// Where a tenant's reads or writes go: the legacy store or the new one (`moving` while a cut-over is in hand).
public enum StoreSide: String, Sendable, CaseIterable, Codable {
    /// The legacy store.
    case legacy
    /// The new store (the config's `migration.new` sink).
    case new
}

/// A cohort's phase (issue 13's table): which store is authoritative for its tenants' reads and writes.
public enum MigrationPhase: String, Sendable, CaseIterable, Codable {
    /// Defined; legacy reads and writes, forward replication.
    case planned
    /// Legacy still authoritative; applications may read new and compare.
    case shadow
    /// Reads from new, writes to legacy.
    case readsNew = "reads-new"
    /// Reads and writes new; reverse replication keeps legacy complete.
    case cutOver = "cut-over"
    /// Moved for good; reverse stopped for these tenants.
    case done
    /// Back on legacy for reads and writes.
    case rolledBack = "rolled-back"

    /// The store applications read this cohort's tenants from.
    public var reads: StoreSide {
        switch self {
        case .planned, .shadow, .rolledBack: return .legacy
        case .readsNew, .cutOver, .done: return .new
        }
    }

    /// The store applications write this cohort's tenants to (the other store is fenced for them).
    public var writes: StoreSide {
        switch self {
        case .planned, .shadow, .readsNew, .rolledBack: return .legacy
        case .cutOver, .done: return .new
        }
    }

    /// The phase `advance` moves to from this one (nil from `done`).
    public var next: MigrationPhase? {
        switch self {
        case .planned: return .shadow
        case .shadow: return .readsNew
        case .readsNew: return .cutOver
        case .cutOver: return .done
        case .done: return nil
        case .rolledBack: return .shadow
        }
    }

    /// Whether `rollback` may leave this phase (not from `planned`, `done` or `rolled-back`).
    public var canRollBack: Bool { self == .shadow || self == .readsNew || self == .cutOver }

    /// The phases in the order `advance` walks them.
    public static let forward: [MigrationPhase] = [.planned, .shadow, .readsNew, .cutOver, .done]

    /// The phases `advance --to` can reach from here, in order (each step is checked by its gates).
    public func path(to target: MigrationPhase) -> [MigrationPhase]? {
        var steps: [MigrationPhase] = [], at = self
        while at != target {
            guard let n = at.next, steps.count < 6 else { return nil }
            steps.append(n); at = n
        }
        return steps.isEmpty ? nil : steps
    }

    /// What Tandem does in this phase, for `cohort show`.
    public var tandemDoes: String {
        switch self {
        case .planned: return "forward replication (legacy → new)"
        case .shadow: return "forward; verify must come back clean to advance"
        case .readsNew: return "forward; lag for the cohort's tenants bounded"
        case .cutOver: return "reverse replication (new → legacy) keeps legacy complete"
        case .done: return "reverse stopped for these tenants; legacy rows read-only"
        case .rolledBack: return "forward again; legacy is authoritative"
        }
    }
}

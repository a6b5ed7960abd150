/// One row of `_tandem_routing`: where applications read and write one tenant's data now.
public struct TenantRoute: Sendable, Hashable {
    /// The tenant id (the mapping's tenant column value, as text).
    public var tenant: String
    /// The cohort it belongs to.
    public var cohort: String
    /// The cohort's phase (`planned` … `rolled-back`).
    public var phase: String
    /// The store to read from: `legacy` or `new`.
    public var reads: String
    /// The store to write to: `legacy`, `new`, or `moving` while a cut-over or rollback is in hand (retry).
    public var writes: String
    /// Grows with every phase change; an application may cache a route until it sees a higher version.
    public var version: Int64
    /// When `writes` took its value (RFC 3339, UTC): quoted by the write fences.
    public var since: String

    /// A route from its fields.
    public init(tenant: String, cohort: String, phase: String, reads: String, writes: String, version: Int64, since: String) {
        self.tenant = tenant; self.cohort = cohort; self.phase = phase; self.reads = reads; self.writes = writes
        self.version = version; self.since = since
    }

    /// The message a write fence of a store playing `role` gives for this tenant (nil when `role` takes its writes).
    public func fenceMessage(role: StoreRole) -> String? {
        guard writes != role.rawValue else { return nil }
        if writes == "moving" { return "tandem: tenant \(tenant) is moving between stores since \(since); retry in a moment" }
        return "tandem: tenant \(tenant) writes to the \(writes) store since \(since)"
    }

    /// The message naming the cohort instead of the tenant (a SQLite store fencing many tenants, see `SQLiteRouting`).
    public func cohortFenceMessage(role: StoreRole) -> String? {
        guard writes != role.rawValue else { return nil }
        if writes == "moving" { return "tandem: tenant of cohort \(cohort) is moving between stores since \(since); retry in a moment" }
        return "tandem: tenant of cohort \(cohort) writes to the \(writes) store since \(since)"
    }
}

/// Which side of the migration a store is.
public enum StoreRole: String, Sendable, CaseIterable {
    /// The legacy store (config `migration.legacy`).
    case legacy
    /// The new store (the sink named by `migration.new`).
    case new
}

/// A migrated table of a store and the column holding its rows' tenant (where a write fence goes).
public struct FencedTable: Sendable, Hashable {
    /// The table's name in that store.
    public var table: String
    /// Its tenant column.
    public var tenantColumn: String

    /// A table and its tenant column.
    public init(table: String, tenantColumn: String) { self.table = table; self.tenantColumn = tenantColumn }
}

/// What `tandem fence status` reports for one store.
public struct FenceState: Sendable, Hashable {
    /// The tables carrying a fence trigger.
    public var fencedTables: [String]
    /// The tables that should carry one but do not exist (yet) or lack it.
    public var unfencedTables: [String]
    /// The tenants whose application writes this store refuses, with the message.
    public var refused: [(tenant: String, message: String)]

    /// Equal when tables and refused tenants with their messages are (tuples are not Equatable by themselves).
    public static func == (a: FenceState, b: FenceState) -> Bool {
        a.fencedTables == b.fencedTables && a.unfencedTables == b.unfencedTables
            && a.refused.map(\.tenant) == b.refused.map(\.tenant) && a.refused.map(\.message) == b.refused.map(\.message)
    }
    /// Hashes the tables and refused tenants.
    public func hash(into h: inout Hasher) { h.combine(fencedTables); h.combine(refused.map(\.tenant)) }
}

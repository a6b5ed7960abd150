import TandemCore

/// When a column was last written and by whom, from a change log or a SQLite change table.
public struct ColumnWrites: Sendable {
    /// Changes that wrote the column (an insert with a non-null value, an update that changed it).
    public var writes = 0
    /// The newest write's commit time, when the change log has times.
    public var lastWritten: Timestamp?
    /// Tenants that wrote it, up to `WriteTracker.tenantLimit`.
    public var tenants = Set<String>()
    /// More tenants wrote it than are kept.
    public var tenantsOverflow = false
}

/// Collects `ColumnWrites` per entity and changes per tenant from a stream of changes, in memory bounded by
/// the number of columns and tenants (not of changes).
public struct WriteTracker: Sendable {
    /// Tenants kept per column.
    public static let tenantLimit = 1000
    public internal(set) var columns: [String: [String: ColumnWrites]] = [:]
    /// Changes per tenant (for the write rate in the tenant risk).
    public internal(set) var tenantChanges: [String: Int] = [:]
    public internal(set) var first: Timestamp?
    public internal(set) var last: Timestamp?
    public internal(set) var changes = 0

    public init() {}

    /// Counts one change; `previous` is the row before it when the change carries no before-image;
    /// `tenantColumn` names the column holding the tenant when the change has none.
    public mutating func record(_ e: Event, previous: Row? = nil, tenantColumn: String?) {
        changes += 1
        if let t = e.committedAt {
            if first == nil || t.microseconds < first!.microseconds { first = t }
            if last == nil || t.microseconds > last!.microseconds { last = t }
        }
        let tenant = e.tenant ?? tenantColumn.flatMap { c in (e.after ?? e.before)?[c] }.flatMap(Self.text)
        if let tenant { tenantChanges[tenant, default: 0] += 1 }
        guard let after = e.after, e.op != .delete else { return }
        var entity = columns[e.entity] ?? [:]
        let before = e.before ?? previous
        for (name, value) in after.columns {
            if let old = before?[name], old == ChangeApplier.stored(value) || old == value { continue }
            if before == nil, value.isNull { continue }
            var w = entity[name] ?? ColumnWrites()
            w.writes += 1
            if let t = e.committedAt, w.lastWritten == nil || t.microseconds > w.lastWritten!.microseconds { w.lastWritten = t }
            if let tenant, !w.tenantsOverflow {
                w.tenants.insert(tenant)
                if w.tenants.count > Self.tenantLimit { w.tenantsOverflow = true; w.tenants = [] }
            }
            entity[name] = w
        }
        columns[e.entity] = entity
    }

    static func text(_ v: Value) -> String? {
        switch v {
        case .string(let s): return s.isEmpty ? nil : s
        case .int(let i): return String(i)
        case .null: return nil
        default: return "\(v)"
        }
    }

    /// Changes per day of each tenant over the span of the log (the span is at least one day).
    public var tenantRates: [String: Double] {
        guard let first, let last else { return tenantChanges.mapValues(Double.init) }
        let days = Swift.max(1, Double(last.microseconds - first.microseconds) / 86_400e6)
        return tenantChanges.mapValues { Double($0) / days }
    }
}

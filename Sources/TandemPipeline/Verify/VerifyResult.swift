import TandemCore

/// What a verify compares: which tenants (nil: all) and which entities (nil: every mapped one).
public struct VerifyScope: Sendable, Hashable {
    /// The tenants (nil: every row, whatever its tenant).
    public var tenants: Set<String>?
    /// The legacy entities (tables) by source or target name (nil: every one the mapping lists).
    public var entities: Set<String>?
    /// The cohort the tenants came from, for the record.
    public var cohort: String?

    /// A scope.
    public init(tenants: Set<String>? = nil, entities: Set<String>? = nil, cohort: String? = nil) {
        self.tenants = tenants; self.entities = entities; self.cohort = cohort
    }

    /// The scope in words, as recorded: `cohort pilot`, `tenants a,b`, `every tenant`, and the entities.
    public var text: String {
        var out = cohort.map { "cohort \($0)" } ?? tenants.map { "tenants \($0.sorted().joined(separator: ","))" } ?? "every tenant"
        if let entities { out += ", entities \(entities.sorted().joined(separator: ","))" }
        return out
    }
}

/// One persistent difference between the stores.
public struct VerifyDifference: Sendable, Hashable {
    /// `missing` (in legacy, not in the new store), `extra` (in the new store only), `different`.
    public enum Kind: String, Sendable, Hashable { case missing, extra, different }
    /// What kind.
    public var kind: Kind
    /// The entity, by its name in the new store.
    public var entity: String
    /// The row's key, as in the new store.
    public var key: Row
    /// The row's tenant (legacy's when it has the row).
    public var tenant: String?
    /// For `different`: the columns that differ.
    public var columns: [String]
    /// For `different`: the legacy values of those columns, as stored.
    public var legacyValues: Row
    /// For `different`: the new store's values of those columns.
    public var newValues: Row
}

/// Legacy rows the mapping refuses, and so not in the new store, grouped by entity and reason.
public struct QuarantinedRows: Sendable, Hashable {
    /// The legacy table.
    public var entity: String
    /// The mapping's rule and column (`regex on email`).
    public var reason: String
    /// Their legacy keys.
    public var keys: [Row]
}

/// Rows compared and found different for one tenant.
public struct TenantCounts: Sendable, Hashable {
    /// Legacy rows of the tenant compared.
    public var rows = 0
    /// Its missing, extra and different rows.
    public var missing = 0, extra = 0, different = 0
    /// Its rows held in quarantine.
    public var quarantined = 0
}

/// The outcome of one verify.
public struct VerifyResult: Sendable {
    /// What was compared.
    public var scope: VerifyScope
    /// When it started and finished.
    public var startedAt: Timestamp, finishedAt: Timestamp
    /// The new sink's applied seq when the differences were last checked: the stores agree (but for those
    /// listed) as of this journal seq.
    public var consistentAtSeq: UInt64
    /// The mapping's version: its file's FNV-1a 64 in hex (`pass-through` without one).
    public var mappingVersion: String
    /// Legacy rows compared, chunks read, chunks whose checksums differed.
    public var rows = 0, chunks = 0, differingChunks = 0
    /// Rows that differed on the first pass but agreed once their change had landed.
    public var settled = 0
    /// The persistent differences.
    public var differences: [VerifyDifference] = []
    /// Legacy rows the mapping refuses (quarantine).
    public var quarantined: [QuarantinedRows] = []
    /// Counts per tenant (rows without a tenant under "").
    public var tenants: [String: TenantCounts] = [:]

    /// Adds a legacy row the mapping refuses to its entity's and reason's group.
    mutating func hold(_ key: Row, entity: String, reason: String) {
        if let i = quarantined.firstIndex(where: { $0.entity == entity && $0.reason == reason }) {
            quarantined[i].keys.append(key)
        } else {
            quarantined.append(QuarantinedRows(entity: entity, reason: reason, keys: [key]))
            quarantined.sort { ($0.entity, $0.reason) < ($1.entity, $1.reason) }
        }
    }

    /// Clean: no difference and nothing held in quarantine.
    public var clean: Bool { differences.isEmpty && quarantined.isEmpty }

    /// Rows compared per second.
    public var rowsPerSecond: Double {
        let s = Double(finishedAt.microseconds - startedAt.microseconds) / 1_000_000
        return s > 0 ? Double(rows) / s : Double(rows)
    }

    /// The one-line summary the state file records and `cohort show` prints.
    public var summary: String {
        var parts = ["\(rows) row\(rows == 1 ? "" : "s")"]
        for kind in [VerifyDifference.Kind.missing, .extra, .different] {
            let n = differences.filter { $0.kind == kind }.count
            if n > 0 { parts.append("\(n) \(kind.rawValue)") }
        }
        let q = quarantined.reduce(0) { $0 + $1.keys.count }
        if q > 0 { parts.append("\(q) held in quarantine") }
        return (clean ? "clean: " : "NOT clean: ") + parts.joined(separator: ", ")
            + " (\(scope.text), consistent at seq \(consistentAtSeq), mapping \(mappingVersion))"
    }
}

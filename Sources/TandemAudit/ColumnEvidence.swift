/// The counters a profile reports, and the rows of each finding, all read from the evidence kept per cell
/// class and per value during the single pass.
extension ColumnProfiler {
    /// Non-empty text by pattern class (after trimming).
    public var patterns: [TextPattern: Int] {
        var out: [TextPattern: Int] = [:]
        for c in classes { if let p = c.cls.pattern { out[p, default: 0] += c.count } }
        return out
    }

    /// Text with leading or trailing white space (a value that is only white space counts too).
    public var outerWhitespace: Int { classes.reduce(0) { $0 + ($1.cls.outerSpace ? $1.count : 0) } }

    /// Text that is not valid UTF-8.
    public var invalidUTF8: Int { classes.reduce(0) { $0 + ($1.cls.invalidUTF8 ? $1.count : 0) } }

    /// Integer text of 7–15 digits: a phone number written without separators, in a phone column.
    var phoneDigitRuns: Int { classes.reduce(0) { $0 + ($1.cls.phoneDigits ? $1.count : 0) } }

    /// Tenants (by index) with a value in this column; nil when more than `tenantLimit` (too many to tell).
    var tenantsSetting: Set<Int32>? {
        var out = Set<Int32>()
        for c in classes {
            for (t, n) in c.tenants.enumerated() where n > 0 {
                out.insert(Int32(t))
                if out.count > Self.tenantLimit { return nil }
            }
        }
        return out
    }

    /// Tenants by value hash while the column has at most `settingValues` non-empty values, each set by at
    /// most `tenantLimit` tenants; nil otherwise.
    var tenantsByValue: [UInt64: Set<Int32>]? {
        guard counts.isExact, !counts.tenantsLost else { return nil }
        let empty = auditHash(UnsafeRawBufferPointer(start: nil, count: 0))
        var out: [UInt64: Set<Int32>] = [:]
        for (h, e) in counts.entries where h != empty && e.firstTenant >= 0 {
            let tenants = e.tenants
            guard out.count < Self.settingValues, tenants.count <= Self.tenantLimit else { return nil }
            out[h] = Set(tenants.keys)
        }
        return out
    }

    /// The rows a finding's check selects: exact count, first five keys, rows per tenant index.
    func evidence(_ check: RowCheck) -> Evidence {
        var out = Evidence()
        switch check {
        case .setTo(let values):
            for h in values { if let e = counts.entries[h] { out.add(e) } }
        case .drift(let variants):
            for c in classes where c.cls.outerSpace { out.add(c) }
            if !variants.isEmpty {
                for e in counts.entries.values where variants.contains(e.text) && !CellClass(raw: e.cls).outerSpace { out.add(e) }
            }
        default:
            for c in classes where check.matches(c.cls, self) { out.add(c) }
        }
        return out
    }
}

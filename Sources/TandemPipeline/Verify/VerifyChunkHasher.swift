import TandemCore
import TandemSources

/// One chunk of one side, read in place: its rows in scope and their checksum, the legacy rows per tenant,
/// how many rows were stepped and the last one's key.
struct ChunkSum {
    /// Rows in scope.
    var rows = 0
    /// The wrapping sum of their hashes (`VerifyValues.hash` of each row as the row path sees it).
    var sum: UInt64 = 0
    /// Rows stepped, in scope or not.
    var read = 0
    /// The key of the last row stepped.
    var lastKey: [Value]?
    /// Legacy rows in scope per tenant ("" for an entity without a tenant column); a tenant may come twice
    /// (an integer and its text), to be added up.
    var tenants: [(tenant: String, rows: Int)] = []
    /// Set when a legacy row may be one the mapping refuses, or keys were not in order: the chunk is then
    /// compared as rows, which decides.
    var needsRows = false
    /// The chunk's checksum, as `Verifier.checksum` computes it from rows.
    var checksum: UInt64 { UInt64(rows) &+ sum }
}

/// Hashes one side's rows of one entity as a statement steps them, without a `Row` or `Value` per row:
/// the new store's columns as they are, the legacy columns through the mapping (a column the mapping keeps
/// or renames is hashed as read; only a column with transforms, a type, a default or rules is mapped, by
/// `ColumnMapping`). Every row hashes to what `VerifyValues.hash` gives for the row the row path builds
/// (`VerifyEntity.map` on the legacy side), so either side may be read either way.
///
/// A legacy row the mapping could refuse (a NULL key or tenant, text holding NUL, a value its rules or
/// conversions refuse) or a key out of order sets `needsRows`: this reader does not quarantine, the row
/// path does. A table whose columns the mapping treats as a whole (a renamed column meeting one of the same
/// name, a key the mapping rebuilds, a default for a missing column) is not taken at all (`prepare`).
final class ChunkHasher {
    enum Column {
        case skip
        /// Hashed as read, under this name.
        case plain(Hasher64)
        /// Mapped by the column's rules, then hashed under its new name.
        case mapped(Hasher64, ColumnMapping, source: String)
    }

    private let entity: VerifyEntity
    /// nil: the new store's side (columns as they are).
    private let mapping: Mapping?
    private let scope: Set<String>?
    private var names: [String]?
    private var usable = false
    private var columns: [Column] = []
    /// The key slot of each column, -1 when not a key column.
    private var keySlot: [Int] = []
    private var tenantIndex = -1
    private var tenantRequired = false
    private var rowKey: [Value] = []
    private var previousKey: [Value]?
    /// What the rows stepped since `start` add up to.
    private(set) var chunk = ChunkSum()

    /// The legacy side of `entity`, through `mapping`.
    init(legacy entity: VerifyEntity, mapping: Mapping, scope: Set<String>?) {
        self.entity = entity; self.mapping = mapping; self.scope = scope
    }

    /// The new store's side of `entity`.
    init(new entity: VerifyEntity, scope: Set<String>?) {
        self.entity = entity; self.mapping = nil; self.scope = scope
    }

    /// Starts a chunk; `previousKey` is the key its first row must follow (legacy side; nil: none).
    func start(previousKey: [Value]?) {
        chunk = ChunkSum()
        self.previousKey = previousKey
    }

    /// Takes a statement's column names; false when rows of these columns must be read as rows.
    func prepare(_ names: [String]) -> Bool {
        if names == self.names { return usable }
        self.names = names
        usable = mapping.map { plan(legacy: names, $0) } ?? plan(new: names)
        rowKey = Array(repeating: .null, count: entity.targetKey.count)
        return usable
    }

    private func plan(new names: [String]) -> Bool {
        columns = names.map { .plain(.named($0)) }
        keySlot = names.map { _ in -1 }
        tenantIndex = scope == nil ? -1 : entity.targetTenant.flatMap { names.firstIndex(of: $0) } ?? -1
        tenantRequired = scope != nil
        return true
    }

    private func plan(legacy names: [String], _ mapping: Mapping) -> Bool {
        let em = mapping.entities[entity.source]
        if em == nil, mapping.unlistedEntities == .reject { return false }
        columns = []; keySlot = []
        var targets: [String] = []
        var targetOf: [String?] = []  // each column's name in the new store (nil: dropped)
        for n in names {
            keySlot.append(-1)
            targetOf.append(nil)
            if let em, let c = em.columns[n] {
                guard let t = c.target else { columns.append(.skip); continue }
                targetOf[targetOf.count - 1] = t
                columns.append(c.isPlain ? .plain(.named(t)) : .mapped(.named(t), c, source: n))
                targets.append(t)
            } else if em?.keepUnlisted ?? true {
                if let s = em?.renamedOnto[n], names.contains(s) { return false }
                targetOf[targetOf.count - 1] = n
                columns.append(.plain(.named(n)))
                targets.append(n)
            } else {
                columns.append(.skip)
            }
        }
        if let em, em.presenceChecked.contains(where: { !names.contains($0) }) { return false }
        // The key: the legacy key's columns, kept as they are, are the new store's key (in its order).
        guard entity.sourceKey.map(entity.targetName) == entity.targetKey else { return false }
        if let em, !em.primaryKey.isEmpty, em.primaryKey != entity.targetKey { return false }
        for (slot, k) in entity.sourceKey.enumerated() {
            guard let i = names.firstIndex(of: k), case .plain = columns[i] else { return false }
            keySlot[i] = slot
        }
        tenantIndex = -1
        tenantRequired = em?.tenantColumn != nil || scope != nil
        if let t = em?.tenantColumn {
            guard let i = targetOf.firstIndex(of: t) else { return false }
            tenantIndex = i
        }
        // What does not depend on the values (names, column counts): checked once, as the row path does.
        let image = Row(uncheckedNames: targets, values: targets.map { _ in .null })
        let key = Row(uncheckedNames: entity.targetKey, values: entity.targetKey.map { _ in .int(0) })
        return Event(entity: entity.target, key: key, op: .snapshot, after: image).fault == nil
    }

    /// Adds every row `step` moves `r` to (a statement stepped to its end). One loop over locals: no access to
    /// this object's fields per row.
    func add<R: ColumnValues>(rowsOf r: R, step: () throws -> Bool) rethrows {
        // The plan as plain arrays: switching over `columns` copied (retained) each column's payload per row.
        let kinds = columns.map { c -> UInt8 in switch c { case .skip: 0; case .plain: 1; case .mapped: 2 } }
        let named = columns.map { c -> Hasher64 in switch c { case .skip: Hasher64(); case .plain(let h), .mapped(let h, _, _): h } }
        let keySlot = keySlot, tenantIndex = tenantIndex, scope = scope
        let legacy = mapping != nil, tenantRequired = tenantRequired
        var c = chunk
        var key = rowKey, previous = previousKey
        var tally = TenantTally()
        var untenanted = 0  // rows in scope of an entity without a tenant column
        defer {
            for e in tally.entries where e.rows > 0 { c.tenants.append((e.tenant, e.rows)) }
            if untenanted > 0 { c.tenants.append(("", untenanted)) }
            if legacy, c.read > 0 { c.lastKey = previous }
            chunk = c; rowKey = key; previousKey = previous
        }
        while try step() {
            c.read += 1
            var hash: UInt64 = 0
            var tenant = -1  // the row's entry in `tally`
            var refusable = false
            for i in kinds.indices {
                switch kinds[i] {
                case 0: continue
                case 1:
                    let v = r.columnValue(at: Int32(i))
                    hash &+= VerifyValues.hash(named[i], v, nul: &refusable)
                    if i == tenantIndex { tenant = Self.tenant(v, &tally, scope) }
                    let slot = keySlot[i]
                    if slot >= 0 {
                        if case .null = v { refusable = true }
                        key[slot] = VerifyValues.value(v)
                    }
                default:
                    guard case .mapped(_, let plan, let source) = columns[i] else { continue }
                    switch plan.mappedAfterValue(VerifyValues.value(r.columnValue(at: Int32(i))), column: source) {
                    case .success(let m):
                        if EventValidation.valueProblem(m) != nil { refusable = true }
                        hash &+= VerifyValues.hash(named[i], VerifyValues.stored(m))
                        if i == tenantIndex, let t = EntityMapping.tenantText(m) {
                            var text = t
                            tenant = text.withUTF8 { u in tally.find(kind: 0x73, UnsafeRawBufferPointer(u)) { (t, scope?.contains(t) ?? true) } }
                        }
                    case .failure: refusable = true
                    }
                }
            }
            if legacy {
                if tenantIndex >= 0, tenant < 0 { refusable = true }
                // Keys in order: the chunks tile the new store's key space only then (the row path names the key).
                if previous == nil {
                    previous = key
                } else {
                    if Self.compare(previous!, key) >= 0 { refusable = true }
                    swap(&previous!, &key)  // two buffers taking turns: no copy of the key per row
                }
                if refusable { c.needsRows = true }
            }
            if tenantRequired {
                guard tenant >= 0, tally.entries[tenant].inScope else { continue }
            }
            c.rows += 1
            c.sum &+= hash
            guard legacy else { continue }
            if tenant >= 0 { tally.count(tenant) } else { untenanted += 1 }
        }
    }

    /// The tally's entry for a tenant value read in place (`EntityMapping.tenantText`: non-empty text or an
    /// integer); -1 for any other value (the mapping refuses the row).
    static func tenant(_ v: ColumnValue, _ tally: inout TenantTally, _ scope: Set<String>?) -> Int {
        switch v {
        case .text(let t) where !t.isEmpty:
            return tally.find(kind: 0x74, t) {
                let s = String(decoding: t, as: UTF8.self)
                return (s, scope?.contains(s) ?? true)
            }
        case .int(let i):
            return withUnsafeBytes(of: i) { b in
                tally.find(kind: 0x69, b) {
                    let s = String(i)
                    return (s, scope?.contains(s) ?? true)
                }
            }
        default: return -1
        }
    }

    /// `VerifyValues.compare(keys:)`, without its work for the common key of one integer.
    static func compare(_ a: [Value], _ b: [Value]) -> Int {
        if a.count == 1, b.count == 1, case .int(let x) = a[0], case .int(let y) = b[0] { return x == y ? 0 : x < y ? -1 : 1 }
        return VerifyValues.compare(keys: a, b)
    }
}

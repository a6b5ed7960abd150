import TandemCore

/// What an audit needs to know of one legacy entity (table) before it reads it.
public struct EntityInfo: Sendable {
    /// A column and the type its store declares ("" when none).
    public struct Column: Sendable { public var name: String; public var declaredType: String }
    /// A reference from `column` to `table`.`referencedColumn`; `declared` false for one inferred by name.
    public struct Reference: Sendable, Equatable {
        public var column: String
        public var table: String
        public var referencedColumn: String
        public var declared: Bool
        public init(column: String, table: String, referencedColumn: String, declared: Bool) {
            self.column = column; self.table = table; self.referencedColumn = referencedColumn; self.declared = declared
        }
    }

    public var name: String
    public var columns: [Column]
    /// Primary-key columns; empty when the store has none (examples then use the row id).
    public var primaryKey: [String]
    /// Columns with a single-column UNIQUE constraint (checked for duplicates under normalisation too).
    public var uniqueColumns: [String]
    /// Declared foreign keys (single column).
    public var references: [Reference]

    public init(name: String, columns: [Column], primaryKey: [String], uniqueColumns: [String] = [], references: [Reference] = []) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.uniqueColumns = uniqueColumns
        self.references = references
    }
}

/// One row of a scan: its cells by column position, and a printable key (never the whole row).
public protocol AuditRow {
    /// The cell of column `index` (valid only during the scan callback).
    func cell(_ index: Int) -> Cell
    /// The cell of column `index` as a Tandem value (text decoded, blob copied), for mapping it.
    func value(_ index: Int) -> Value
    /// The row's key as text: key columns joined by "|", or "rowid=N" without a primary key.
    func keyText() -> String
    /// The cells of columns 0..<cells.count, in one call (valid only during the scan callback).
    func cells(into cells: UnsafeMutableBufferPointer<Cell>)
}

extension AuditRow {
    public func cells(into cells: UnsafeMutableBufferPointer<Cell>) {
        for i in cells.indices { cells[i] = cell(i) }
    }
}

/// Duplicate keys under normalisation or orphaned references, found by the store itself (a grouped or
/// anti-join query), so the audit's memory does not grow with the referenced table.
public struct KeyCheckResult: Sendable {
    /// Rows affected.
    public var count: Int
    /// Up to five example keys.
    public var examples: [String]
    /// Affected rows per tenant, when a tenant column is given.
    public var byTenant: [String: Int]
    /// The referenced table does not exist (every reference is an orphan).
    public var missingTable = false
    public init(count: Int, examples: [String], byTenant: [String: Int]) {
        self.count = count; self.examples = examples; self.byTenant = byTenant
    }
}

/// A legacy store an audit reads: SQLite today (`sqlite:PATH`).
public protocol AuditStore: AnyObject {
    /// The source as the report names it (no password).
    var description: String { get }
    /// The entities (tables), in name order, with inferred references filled in.
    func entities() throws -> [EntityInfo]
    /// An estimate of the rows of an entity (for progress), 0 when unknown.
    func estimatedRows(_ entity: EntityInfo) throws -> Int
    /// Streams every row (or a sample of about `sample` rows, spread over the table) to `body`.
    func scan(_ entity: EntityInfo, sample: Int?, _ body: (any AuditRow) throws -> Void) throws
    /// Rows whose `column` equals another row's under lower-case and trimming (beyond the first of each group).
    func normalizedDuplicates(_ entity: EntityInfo, column: String, tenantColumn: String?) throws -> KeyCheckResult
    /// Rows whose non-null `reference.column` names no row of the referenced table.
    func orphans(_ entity: EntityInfo, _ reference: EntityInfo.Reference, tenantColumn: String?) throws -> KeyCheckResult
    /// When columns were last written and by which tenants, when the store knows (a change log, a change table).
    func columnWrites(tenantColumn: String?) throws -> WriteTracker?
}

extension AuditStore {
    public func columnWrites(tenantColumn: String?) throws -> WriteTracker? { nil }
}

extension EntityInfo {
    /// References inferred by name: a column `X_id` or `XId` (not declared, not the entity's own key) naming a
    /// table `X`, `Xs` or `Xes` (any case) whose single-column primary key exists.
    static func inferReferences(_ entities: [EntityInfo]) -> [EntityInfo] {
        let byName = Dictionary(entities.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        return entities.map { e in
            var e = e
            for c in e.columns where !e.primaryKey.contains(c.name) && !e.references.contains(where: { $0.column == c.name }) {
                let n = c.name
                var stem: String?
                if n.lowercased().hasSuffix("_id"), n.count > 3 { stem = String(n.dropLast(3)) }
                else if n.hasSuffix("Id"), n.count > 2, n.dropLast(2).last?.isLowercase == true { stem = String(n.dropLast(2)) }
                guard let s = stem?.lowercased() else { continue }
                for candidate in [s, s + "s", s + "es"] {
                    guard let target = byName[candidate], target.primaryKey.count == 1 else { continue }
                    e.references.append(.init(column: n, table: target.name, referencedColumn: target.primaryKey[0], declared: false))
                    break
                }
            }
            return e
        }
    }
}

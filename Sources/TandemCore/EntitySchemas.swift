/// What a column holds, as declared (by the mapping's `type`, or the source's own schema): the kind a
/// target column is created for. `any` is a column with no declared type: it holds every value as it is.
public enum ColumnKind: String, Codable, Sendable, Hashable, CaseIterable {
    case any, bool, int, double, decimal, string, bytes, timestamp
}

/// A column's declared type: its kind, and where the source gave one, its own spelling (e.g. SQLite's
/// `NUMERIC(10,2)`), which a store of the same dialect re-creates as it is.
public struct ColumnType: Codable, Sendable, Hashable, CustomStringConvertible {
    /// What the column holds.
    public var kind: ColumnKind
    /// The source's own spelling of the type (SQLite's declared type), when the source gave one.
    public var sqlite: String?
    /// Digits and fraction digits of an exact decimal whose source enforces them (Debezium's Decimal).
    public var precision: Int?
    public var scale: Int?

    /// A declared type.
    public init(kind: ColumnKind, sqlite: String? = nil, precision: Int? = nil, scale: Int? = nil) {
        self.kind = kind; self.sqlite = sqlite; self.precision = precision; self.scale = scale
    }

    public var description: String { sqlite.map { "\(kind.rawValue) (\($0))" } ?? kind.rawValue }

    /// The type of a column SQLite declared as `declared` (SQLite's affinity rules, section 3.1 of its
    /// datatype documentation): INT → int; CHAR, CLOB, TEXT → string; BLOB → bytes; none → any; REAL, FLOA,
    /// DOUB → double; BOOL → bool; anything else (NUMERIC, DECIMAL, DATETIME, …) → decimal, except
    /// DATE/TIME names, whose SQLite values are text (→ string; a mapping `type` makes them timestamps).
    public static func sqlite(declared: String) -> ColumnType {
        let t = declared.uppercased()
        let kind: ColumnKind
        if t.contains("INT") { kind = .int }
        else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { kind = .string }
        else if t.contains("BLOB") { kind = .bytes }
        else if t.isBlank { kind = .any }
        else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") { kind = .double }
        else if t.contains("BOOL") { kind = .bool }
        else if t.contains("DATE") || t.contains("TIME") { kind = .string }
        else { kind = .decimal }
        return ColumnType(kind: kind, sqlite: t.isBlank ? nil : declared)
    }

    /// SQLite's affinity for this type: the declared spelling's own when the source was SQLite, else the kind's
    /// (`""`, no type, for `any`: each value keeps its storage class).
    public var sqliteAffinity: String {
        if let s = sqlite {
            let t = s.uppercased()
            if t.contains("INT") { return "INTEGER" }
            if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { return "TEXT" }
            if t.contains("BLOB") || t.isBlank { return "BLOB" }
            if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") { return "REAL" }
            return "NUMERIC"
        }
        switch kind {
        case .any: return ""
        case .bool, .int: return "INTEGER"
        case .double: return "REAL"
        case .decimal, .string, .timestamp: return "TEXT"
        case .bytes: return "BLOB"
        }
    }

    /// True when `v` goes into a column of this kind without changing value or meaning (null always does).
    public func fits(_ v: Value) -> Bool {
        switch (kind, v) {
        case (_, .null), (.any, _): return true
        case (.bool, .bool), (.bool, .int(0)), (.bool, .int(1)): return true
        case (.int, .int): return true
        case (.double, .int), (.double, .double): return true
        case (.decimal, .int), (.decimal, .decimal): return true
        case (.decimal, .double(let d)): return d.isFinite
        case (.string, .string), (.string, .decimal): return true
        case (.bytes, .bytes): return true
        case (.timestamp, .timestamp), (.timestamp, .string): return true
        default: return false
        }
    }
}

/// One entity's declared columns (in source order) and key, as ingest or snapshot recorded them.
public struct EntitySchema: Codable, Sendable, Hashable {
    /// The entity (target table) name.
    public var entity: String
    /// Column names, in declared order.
    public var columns: [String]
    /// The declared type of each column, parallel to `columns`.
    public var types: [ColumnType]
    /// The key columns, when the source declares them (a primary key).
    public var key: [String]

    /// A declared schema.
    public init(entity: String, columns: [String], types: [ColumnType], key: [String] = []) {
        self.entity = entity; self.columns = columns; self.types = types; self.key = key
    }

    /// The declared type of a column spelled exactly so, nil when undeclared.
    public func type(of column: String) -> ColumnType? {
        columns.firstIndex(where: { ExactText.same($0, column) }).map { types[$0] }
    }
}

/// Every entity's declared schema. The first declaration of a column stands: a target table created from it
/// keeps that type, so a later source may add columns but not retype them.
public struct EntitySchemaCatalog: Sendable, Hashable {
    /// Schemas in first-declared order.
    public private(set) var schemas: [EntitySchema] = []

    /// A catalog of these schemas.
    public init(_ schemas: [EntitySchema] = []) { for s in schemas { merge(s) } }

    /// The schema of an entity spelled exactly so.
    public func schema(of entity: String) -> EntitySchema? {
        schemas.first { ExactText.same($0.entity, entity) }
    }

    /// Adds a declaration: new entities and new columns are learned, known columns keep their first type.
    /// - Returns: true when anything was learned.
    @discardableResult
    public mutating func merge(_ s: EntitySchema) -> Bool {
        guard let i = schemas.firstIndex(where: { ExactText.same($0.entity, s.entity) }) else {
            schemas.append(s)
            return true
        }
        var learned = false
        for (c, t) in zip(s.columns, s.types) where schemas[i].type(of: c) == nil {
            schemas[i].columns.append(c)
            schemas[i].types.append(t)
            learned = true
        }
        if schemas[i].key.isEmpty, !s.key.isEmpty { schemas[i].key = s.key; learned = true }
        return learned
    }
}

extension String {
    fileprivate var isBlank: Bool { allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" } }
}

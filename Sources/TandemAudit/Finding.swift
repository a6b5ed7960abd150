import TandemCore

/// What kind of trash a finding is (issue 12's list).
public enum FindingKind: String, Sendable, CaseIterable {
    case zombieColumn = "zombie column"
    case mixedFormats = "mixed formats"
    case invalidValues = "invalid values"
    case orphans
    case duplicates = "duplicates under normalisation"
    case whitespaceCaseDrift = "whitespace/case drift"
    case customSetting = "custom setting"
    case typeDrift = "type drift"
}

/// How bad a finding is: high loses or corrupts rows, medium needs a rule to migrate, low is tidying.
public enum Severity: String, Sendable, Comparable {
    case high, medium, low
    var rank: Int { self == .high ? 0 : self == .medium ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One problem found in the legacy data, with its exact count, up to five example keys (never values of
/// other columns: legacy data holds personal data) and a suggested mapping rule.
public struct Finding: Sendable {
    public var kind: FindingKind
    public var severity: Severity
    public var entity: String
    /// The column, when the finding is about one.
    public var column: String?
    /// Rows affected.
    public var count: Int
    /// What was found, in one line.
    public var detail: String
    /// Up to five keys of affected rows.
    public var examples: [String] = []
    /// The suggested rule as a fragment of the column's mapping (schemas/mapping.schema.json), if one exists.
    public var rule: JSONValue?
    /// The suggested rule in words.
    public var ruleText: String
    /// Affected rows per tenant (with a tenant column).
    public var byTenant: [String: Int] = [:]
}

/// The row-level test of a finding: which cell classes (or, for settings and case variants, which values)
/// belong to it. The pass keeps evidence per class and per value, so counts and examples come from the same
/// test without reading the rows again.
enum RowCheck {
    /// The cell holds a value (not null, not empty).
    case present
    /// The cell holds one of these values (by hash): a setting changed from its default.
    case setTo(Set<UInt64>)
    /// A present value that is not text of this pattern.
    case notPattern(TextPattern)
    /// A present value that does not fit the type.
    case notType(InferredType)
    /// A date not in this format.
    case otherDateFormat(String)
    /// Text with outer white space, or one of these spellings.
    case drift(Set<String>)
    /// Text that is not valid UTF-8.
    case invalidUTF8

    /// True when cells of the class fail (belong to the finding); `.setTo` and `.drift`'s spellings are
    /// about values, not classes (see `ColumnProfiler.evidence`).
    func matches(_ cls: CellClass, _ column: ColumnProfiler) -> Bool {
        switch self {
        case .present: return true
        case .setTo: return false
        case .notPattern(let p):
            guard cls.kind == CellClass.textKind else { return true }
            let class_ = cls.pattern!
            return class_ != p && !(p == .phone && cls.phoneDigits)
        case .notType(let type):
            switch cls.kind {
            case CellClass.int.kind: return !(type == .int || type == .double)
            case CellClass.double.kind: return type != .double
            case CellClass.blob.kind: return type != .bytes
            case CellClass.textKind:
                switch cls.pattern! {
                case .integer: return !(type == .int || type == .double)
                case .decimal: return type != .double
                case .date: return type != .timestamp
                case .boolean: return type != .bool
                default: return true
                }
            default: return true  // only white space
            }
        case .otherDateFormat(let f):
            guard let d = cls.dateFormat else { return false }
            return column.resolvedFormat(d) != f
        case .drift: return cls.outerSpace
        case .invalidUTF8: return cls.invalidUTF8
        }
    }
}

/// The regular expressions a drafted mapping validates a pattern column with (agreeing with `TextClassifier`).
enum PatternRegex {
    static func of(_ p: TextPattern) -> String? {
        switch p {
        case .email: return #"^[^@\s,;<>]+@([A-Za-z0-9-]|[^\x00-\x7F])+(\.([A-Za-z0-9-]|[^\x00-\x7F])+)*\.[A-Za-z]{2,}$"#
        case .url: return #"^[Hh][Tt][Tt][Pp][Ss]?://\S{3,}$"#
        case .uuid: return #"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"#
        case .phone: return #"^\+?[0-9 ()./-]{7,}$"#
        default: return nil
        }
    }
}

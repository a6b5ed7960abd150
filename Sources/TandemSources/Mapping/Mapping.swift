import Foundation
import TandemCore

/// The operator's rules from legacy fields to the new schema (README.md, "mapping"), compiled for the hot path.
///
/// Load one with `Mapping.load(path:)` or `Mapping.parse(_:)`; apply it with `apply(_:)`.
/// `Mapping.passThrough` changes nothing except filling a missing key from the column `id`.
public struct Mapping: Sendable {
    /// Rules per source entity (the legacy table name).
    public var entities: [String: EntityMapping]
    /// What happens to a change of an entity the mapping does not list.
    public var unlistedEntities: UnlistedEntities

    /// Whether changes of entities without rules pass unchanged or are rejected.
    public enum UnlistedEntities: String, Sendable, CaseIterable { case pass, reject }

    /// A mapping with no rules: every change passes unchanged.
    public static let passThrough = Mapping(entities: [:], unlistedEntities: .pass)

    /// A mapping from compiled entity rules.
    public init(entities: [String: EntityMapping], unlistedEntities: UnlistedEntities = .pass) {
        self.entities = entities
        self.unlistedEntities = unlistedEntities
    }
}

/// The rules for one source entity.
public struct EntityMapping: Sendable {
    /// The entity name in the new schema (the source name when not renamed).
    public var target: String
    /// Primary-key columns, by target name; empty means "the change's own key, else `id`".
    public var primaryKey: [String]
    /// The column naming the tenant (target name), if any.
    public var tenantColumn: String?
    /// Columns the mapping does not list: kept (default) or dropped.
    public var keepUnlisted: Bool
    /// Rules per source column name.
    public var columns: [String: ColumnMapping]
    /// Kept columns with a default or validation rules, by source name: checked when missing from `after`.
    public var presenceChecked: [String]
    /// Rename targets that are not listed source columns, to their source: with unlisted columns kept, a change
    /// carrying both names would get the target twice, so it is rejected.
    public var renamedOnto: [String: String]

    /// Rules for one entity.
    public init(target: String, primaryKey: [String] = [], tenantColumn: String? = nil, keepUnlisted: Bool = true,
                columns: [String: ColumnMapping] = [:]) {
        self.target = target
        self.primaryKey = primaryKey
        self.tenantColumn = tenantColumn
        self.keepUnlisted = keepUnlisted
        self.columns = columns
        self.presenceChecked = columns.filter { $0.value.target != nil && ($0.value.defaultValue != nil || !$0.value.rules.isEmpty) }
            .map(\.key).sorted()
        var onto: [String: String] = [:]
        if keepUnlisted {
            for (source, c) in columns {
                if let t = c.target, t != source, columns[t] == nil { onto[t] = source }
            }
        }
        self.renamedOnto = onto
    }
}

/// The rules for one source column: name in the new schema, transforms, default, type, validation.
public struct ColumnMapping: Sendable {
    /// Target name; nil when the column is dropped (a legacy 'zombie' field).
    public var target: String?
    /// Transforms, applied in order.
    public var transforms: [Transform]
    /// The value used when the column is missing or null (after transforms).
    public var defaultValue: Value?
    /// The type the value is coerced into, if any.
    public var type: ValueType?
    /// Validation rules, checked on the final value of `after` images.
    public var rules: [ValidationRule]
    /// The explicit rule from the new column back to the legacy one (`reverse`), when the mapping gives one.
    public var reverse: ReverseRule?
    /// The legacy column's type (`reverse.type`), for the inverse of a type coercion.
    public var legacyType: ValueType?

    /// Rules for one column.
    public init(target: String?, transforms: [Transform] = [], defaultValue: Value? = nil, type: ValueType? = nil,
                rules: [ValidationRule] = [], reverse: ReverseRule? = nil, legacyType: ValueType? = nil) {
        self.target = target
        self.transforms = transforms
        self.defaultValue = defaultValue
        self.type = type
        self.rules = rules
        self.reverse = reverse
        self.legacyType = legacyType
    }
}

/// An explicit rule from a new column back to its legacy column (the mapping's `reverse`), for what the
/// reverse direction cannot derive by itself.
public enum ReverseRule: Sendable {
    /// Not written back: the legacy column keeps its legacy value.
    case keep
    /// The new value is written as it is.
    case asIs
    /// New values (as text) to legacy values; a value not in the map is kept or rejected.
    case map([String: Value], keepUnlisted: Bool)
    /// A timestamp written as legacy text with a pattern, in a zone.
    case formatTimestamp(TimePattern, zone: ZoneRule)
}

/// README.md's value types, as a coercion target.
public enum ValueType: String, Sendable, CaseIterable {
    case bool, int, double, decimal, string, bytes, timestamp
}

/// One value transform of a column.
public enum Transform: Sendable {
    /// Strip leading and trailing white space.
    case trim
    /// Lower-case the text.
    case lower
    /// Upper-case the text.
    case upper
    /// An empty (or all-blank) string becomes null.
    case emptyToNull
    /// Parse legacy date/time text into a UTC timestamp; `zone` is used when the text carries no offset.
    case parseTimestamp(TimePattern, zone: ZoneRule)
    /// Map enumerated legacy codes (compared as text) to new values; an unlisted code is kept or rejected.
    case map([String: Value], keepUnlisted: Bool)

    /// Transform names accepted in mapping files.
    public static let names = ["trim", "lower", "upper", "emptyToNull", "parseTimestamp", "map"]
}

/// How wall-clock legacy time is turned into UTC.
public enum ZoneRule: Sendable {
    /// A fixed offset from UTC in seconds.
    case fixed(Int64)
    /// A named zone (IANA, e.g. `Europe/Berlin`), daylight saving included.
    case named(TimeZone)

    /// Microseconds UTC for a wall-clock time given as microseconds "as if UTC".
    func utc(fromWall wall: Int64) -> Int64 {
        switch self {
        case .fixed(let off): return wall - off * 1_000_000
        case .named(let tz):
            let wallSeconds = Double(wall / 1_000_000)
            let off1 = Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: wallSeconds)))
            let off2 = Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: wallSeconds - Double(off1))))
            return wall - off2 * 1_000_000
        }
    }
}

/// One validation rule of a column.
public enum ValidationRule: Sendable {
    /// The value must be present and not null.
    case required
    /// The text must match (NSRegularExpression, compiled once); `pattern` is kept for messages.
    case regex(RegexBox, pattern: String)
    /// A number (or timestamp) must be at least this.
    case min(Double)
    /// A number (or timestamp) must be at most this.
    case max(Double)
    /// The text must have at most this many characters.
    case maxLength(Int)
    /// The value must equal one of these.
    case oneOf([Value])

    /// The rule's name as written in mapping files and rejections.
    public var name: String {
        switch self {
        case .required: return "required"
        case .regex: return "regex"
        case .min: return "min"
        case .max: return "max"
        case .maxLength: return "maxLength"
        case .oneOf: return "oneOf"
        }
    }

    /// Rule names accepted in mapping files.
    public static let names = ["required", "regex", "min", "max", "maxLength", "oneOf"]
}

/// A compiled regular expression.
// NSRegularExpression is immutable after init and documented thread-safe for matching; Sendable is not declared
// on Linux's Foundation, hence @unchecked.
public final class RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }

    /// True when the pattern matches somewhere in the text (anchor it with `^…$` to match the whole).
    func matches(_ s: String) -> Bool {
        regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: (s as NSString).length)) != nil
    }
}

/// Why a change was not journaled: the rule that failed, the column it failed on, and the reason.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule: `parse`, `key`, `tenant`, `type`, `transform`, `entity`, a validation rule name, or the
    /// `EventFault` rule (`image`, `name`, `value`) of a mapped change no sink could apply.
    public var rule: String
    /// The column (source name; the mapped name for an `EventFault`), when the rule is about one.
    public var column: String?
    /// What is wrong, for the operator.
    public var reason: String

    /// A rejection.
    public init(rule: String, column: String? = nil, reason: String) {
        self.rule = rule
        self.column = column
        self.reason = reason
    }

    public var description: String {
        if let column { return "\(rule) on \(column): \(reason)" }
        return "\(rule): \(reason)"
    }
}

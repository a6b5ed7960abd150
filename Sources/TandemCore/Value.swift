/// One typed column value of a row image (README.md, "value").
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// An exact decimal, kept as its text so no digit is lost (e.g. "10.50").
    case decimal(String)
    case string(String)
    case bytes([UInt8])
    case timestamp(Timestamp)

    /// True for `.null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// A UTC instant with microsecond precision, counted from the Unix epoch.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Microseconds since 1970-01-01T00:00:00Z (negative before it).
    public var microseconds: Int64

    /// A timestamp from microseconds since the Unix epoch.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.microseconds < b.microseconds }
}

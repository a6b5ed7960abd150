/// An ordered row image: column names with their values, in the order the source gave them.
public struct Row: Sendable, Hashable {
    /// Column names, in order; a name appears at most once.
    public private(set) var names: [String]
    /// Values, parallel to `names`.
    public private(set) var values: [Value]

    /// An empty row.
    public init() { names = []; values = [] }

    /// A row from ordered (name, value) pairs; a repeated name keeps its last value.
    public init(_ pairs: [(String, Value)]) {
        names = []; values = []
        names.reserveCapacity(pairs.count); values.reserveCapacity(pairs.count)
        for (n, v) in pairs { self[n] = v }
    }

    /// A row from parallel arrays whose names the caller knows to be distinct (decoders).
    public init(uncheckedNames names: [String], values: [Value]) {
        precondition(names.count == values.count, "a row needs one value per column name")
        self.names = names; self.values = values
    }

    /// Number of columns.
    public var count: Int { names.count }
    /// True when the row has no column.
    public var isEmpty: Bool { names.isEmpty }

    /// The value of a column, or nil when the row has no such column; setting nil removes it.
    public subscript(name: String) -> Value? {
        get {
            guard let i = names.firstIndex(of: name) else { return nil }
            return values[i]
        }
        set {
            if let i = names.firstIndex(of: name) {
                if let v = newValue { values[i] = v } else { names.remove(at: i); values.remove(at: i) }
            } else if let v = newValue {
                names.append(name); values.append(v)
            }
        }
    }

    /// Appends a column without checking for a repeated name (decoders that already know the names are distinct).
    public mutating func appendUnchecked(_ name: String, _ value: Value) {
        names.append(name); values.append(value)
    }

    /// Reserves room for `n` columns.
    public mutating func reserveCapacity(_ n: Int) {
        names.reserveCapacity(n); values.reserveCapacity(n)
    }

    /// The columns as (name, value) pairs, in order.
    public var columns: Zip2Sequence<[String], [Value]> { zip(names, values) }
}

extension Row: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) { self.init(elements) }
}

/// Text compared byte for byte (its UTF-8), as the stores compare identifiers and text keys.
///
/// Swift's `String ==` is Unicode canonical equivalence: "José" in NFC and in NFD are equal to it, while
/// SQLite and PostgreSQL hold them as two different keys (and two different table names).
public struct ExactText: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The text.
    public let text: String

    /// Wraps `text`.
    public init(_ text: String) { self.text = text }

    public static func == (a: ExactText, b: ExactText) -> Bool { same(a.text, b.text) }

    public func hash(into h: inout Hasher) {
        var t = text
        t.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
        h.combine(0xFF as UInt8)  // never in UTF-8: "ab","c" and "a","bc" hash apart
    }

    public static func < (a: ExactText, b: ExactText) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }

    public var description: String { text }

    /// True when `a` and `b` are the same bytes.
    public static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.utf8, b.utf8)
        guard x.count == y.count else { return false }
        // Compared as buffers: the generic element-by-element walk was a visible cost per event (key checks).
        let fast = x.withContiguousStorageIfAvailable { p in y.withContiguousStorageIfAvailable { q in p.elementsEqual(q) } }
        return (fast ?? nil) ?? x.elementsEqual(y)
    }
}

/// One key value as the stores compare it: by kind, then exactly (strings and decimals byte for byte,
/// doubles bit for bit). Values of different kinds are different keys.
public enum KeyAtom: Hashable, Comparable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(UInt64)
    case decimal(ExactText)
    case string(ExactText)
    case bytes([UInt8])
    case timestamp(Int64)

    /// The atom of a value.
    public init(_ v: Value) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d.bitPattern)
        case .decimal(let s): self = .decimal(ExactText(s))
        case .string(let s): self = .string(ExactText(s))
        case .bytes(let b): self = .bytes(b)
        case .timestamp(let t): self = .timestamp(t.microseconds)
        }
    }

    private var rank: Int {
        switch self {
        case .null: return 0
        case .bool: return 1
        case .int: return 2
        case .double: return 3
        case .decimal: return 4
        case .timestamp: return 5
        case .string: return 6
        case .bytes: return 7
        }
    }

    public static func < (x: KeyAtom, y: KeyAtom) -> Bool {
        switch (x, y) {
        case let (.int(a), .int(b)), let (.timestamp(a), .timestamp(b)): return a < b
        case let (.string(a), .string(b)), let (.decimal(a), .decimal(b)): return a < b
        case let (.bool(a), .bool(b)): return !a && b
        case let (.double(a), .double(b)): return Double(bitPattern: a) < Double(bitPattern: b) || (Double(bitPattern: a) == Double(bitPattern: b) && a < b)
        case let (.bytes(a), .bytes(b)): return a.lexicographicallyPrecedes(b)
        default: return x.rank < y.rank
        }
    }
}

/// A key's identity within one entity: its values in the order of the entity's key columns, compared as
/// the stores compare them. The same key given with its columns in another order has the same identity;
/// keys that Swift's `==` finds equal but the stores do not (NFC and NFD, `"5"` and `5`) have different ones.
public struct KeyIdentity: Hashable, Comparable, Sendable {
    private enum Atoms: Hashable { case one(KeyAtom), many([KeyAtom]) }
    private let atoms: Atoms

    /// The identity of `key`, whose columns are already in the order of the entity's key columns.
    public init(ordered key: Row) {
        atoms = key.count == 1 ? .one(KeyAtom(key.values[0])) : .many(key.values.map(KeyAtom.init))
    }

    /// The value of a key of one integer column (the common case, which sorts on the integers alone).
    public var singleInt: Int64? {
        if case .one(.int(let v)) = atoms { return v }
        return nil
    }

    public static func < (a: KeyIdentity, b: KeyIdentity) -> Bool {
        switch (a.atoms, b.atoms) {
        case let (.one(x), .one(y)): return x < y
        case let (.many(x), .many(y)): return x.lexicographicallyPrecedes(y)
        case (.one, .many): return true
        case (.many, .one): return false
        }
    }

    /// `key` with its columns in the order of `columns` (names matched byte for byte), or nil when the key's
    /// columns are not exactly those (one missing, one more, or a name spelled otherwise).
    public static func reorder(_ key: Row, to columns: [String]) -> Row? {
        guard key.count == columns.count else { return nil }
        // The common case: the same order as the entity's first change.
        if zip(key.names, columns).allSatisfy({ ExactText.same($0, $1) }) { return key }
        var out = Row()
        out.reserveCapacity(columns.count)
        for c in columns {
            guard let i = key.names.firstIndex(where: { ExactText.same($0, c) }) else { return nil }
            out.appendUnchecked(c, key.values[i])
        }
        return out
    }
}

/// The kind of a key value: a key column holds one kind for the whole life of its entity.
public enum KeyKind: String, Codable, Sendable, Hashable {
    case bool, int, double, decimal, string, bytes, timestamp

    /// The kind of a value; nil for null, which no key may hold.
    public init?(_ v: Value) {
        switch v {
        case .null: return nil
        case .bool: self = .bool
        case .int: self = .int
        case .double: self = .double
        case .decimal: self = .decimal
        case .string: self = .string
        case .bytes: self = .bytes
        case .timestamp: self = .timestamp
        }
    }
}

/// An entity's key as its first keyed event gave it: the column names (in that event's order) and the
/// kind of each.
public struct EntityKey: Codable, Sendable, Hashable {
    /// The entity.
    public var entity: String
    /// The key column names.
    public var columns: [String]
    /// The kind of each key column, parallel to `columns`.
    public var kinds: [KeyKind]

    /// An entity's key.
    public init(entity: String, columns: [String], kinds: [KeyKind]) {
        self.entity = entity; self.columns = columns; self.kinds = kinds
    }

    /// `(id int, region string)`.
    public var text: String { "(" + zip(columns, kinds).map { "\($0) \($1.rawValue)" }.joined(separator: ", ") + ")" }
}

/// Why an event's key is refused where input enters (append, ingest): it would name another row, or no
/// row, or a row another spelling also names, in the store.
public struct KeyRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The event's entity.
    public var entity: String
    /// What is wrong.
    public var reason: String

    public var description: String { "entity \"\(entity)\": \(reason)" }
}

/// The keys of every entity of a journal, each fixed by the entity's first keyed event: later events of the
/// entity must give the same key columns (in any order) with values of the same kinds, so that a key names
/// one row in every store, whatever the batching of a replay.
///
/// Names and text compare byte for byte (`ExactText`), as the stores compare them. An entity name that a
/// store would take for a known one (SQLite folds ASCII case; NFC and NFD spellings look alike to people)
/// is refused, naming the first spelling.
public struct EntityKeyCatalog: Sendable {
    /// Every known entity's key, in first-seen order.
    public private(set) var keys: [EntityKey] = []
    private var byName: [ExactText: Int] = [:]
    // Swift's String hashing and equality are canonical equivalence: ASCII-lowercased names as String keys
    // find every spelling that a store, or a person, would take for the same entity.
    private var byLook: [String: Int] = [:]
    // The entity of the last admitted event: a run of events of one entity skips the hashed look-up.
    private var lastIndex: Int?

    /// A catalog of these keys (as read back from the journal).
    public init(_ keys: [EntityKey] = []) {
        for k in keys where byName[ExactText(k.entity)] == nil { learn(k) }
    }

    /// The key of an entity spelled exactly so.
    public func key(of entity: String) -> EntityKey? { byName[ExactText(entity)].map { keys[$0] } }

    /// Checks `event` and, when its entity is new and keyed, learns its key.
    /// - Returns: true when a new entity was learned.
    /// - Throws: `KeyRefusal` (the catalog is then unchanged).
    @discardableResult
    public mutating func admit(_ event: Event) throws(KeyRefusal) -> Bool {
        guard let new = try check(event) else {
            if let i = lastIndex, ExactText.same(keys[i].entity, event.entity) { return false }
            lastIndex = byName[ExactText(event.entity)]
            return false
        }
        learn(new)
        lastIndex = keys.count - 1
        return true
    }

    /// Checks `event` without learning; returns the key its entity would get when the entity is new.
    /// - Throws: `KeyRefusal`.
    public func check(_ event: Event) throws(KeyRefusal) -> EntityKey? {
        let e = event.entity
        func refuse(_ reason: String) -> KeyRefusal { KeyRefusal(entity: e, reason: reason) }
        let known: EntityKey?
        if let i = lastIndex, ExactText.same(keys[i].entity, e) { known = keys[i] } else { known = byName[ExactText(e)].map { keys[$0] } }
        if known == nil, let i = byLook[Self.look(e)] {
            throw refuse("the journal already holds entity \"\(keys[i].entity)\", which a store would take for the same "
                         + "table (names differ only in ASCII case or Unicode normalization); hint: spell it \"\(keys[i].entity)\"")
        }
        if event.op == .truncate { return nil }
        let key = event.key
        if key.isEmpty { throw refuse("op \"\(event.op.rawValue)\" needs a key (at least one key column)") }
        // Checked on every append and replay: no allocation unless the entity is new or the event refused.
        for j in key.values.indices {
            let v = key.values[j]
            if v.isNull { throw refuse("key column \"\(key.names[j])\" is null; a key names one row and needs a value") }
            if let why = Self.ambiguity(v) { throw refuse("key column \"\(key.names[j])\": \(why)") }
        }
        if let after = event.after {
            for j in key.values.indices {
                let (n, v) = (key.names[j], key.values[j])
                if let i = after.names.firstIndex(where: { ExactText.same($0, n) }), KeyAtom(after.values[i]) != KeyAtom(v) {
                    throw refuse("the after-image's \"\(n)\" is \(Self.show(after.values[i])), but the key's is \(Self.show(v)); "
                                 + "hint: a key change is a delete of the old key and an insert of the new one")
                }
            }
        }
        func given() -> EntityKey { EntityKey(entity: e, columns: key.names, kinds: key.values.map { KeyKind($0)! }) }
        guard let known else { return given() }
        guard let ordered = KeyIdentity.reorder(key, to: known.columns) else {
            throw refuse("key columns \(given().text) are not the entity's key \(known.text), fixed by its first event")
        }
        for i in 0..<ordered.count where KeyKind(ordered.values[i]) != known.kinds[i] {
            let (n, v) = (ordered.names[i], ordered.values[i])
            throw refuse("key column \"\(n)\" is \(KeyKind(v)!.rawValue) \(Self.show(v)), but the entity's key is \(known.text), "
                         + "fixed by its first event; values of another kind are other keys to a store")
        }
        return nil
    }

    private mutating func learn(_ k: EntityKey) {
        byName[ExactText(k.entity)] = keys.count
        byLook[Self.look(k.entity)] = keys.count
        keys.append(k)
    }

    /// The name as a store or a person might take it: ASCII letters lowercased (SQLite's identifier folding).
    static func look(_ name: String) -> String {
        String(decoding: name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Why a key value has more than one spelling that a store takes for the same key, or nil.
    static func ambiguity(_ v: Value) -> String? {
        switch v {
        case .double(let d):
            if d.isNaN { return "NaN is no key (stores disagree on whether it equals itself)" }
            if d == 0, d.sign == .minus { return "-0.0 is the key 0.0 to a store; hint: give 0.0" }
            return nil
        case .decimal(let s):
            return isCanonicalDecimal(s) ? nil
                : "decimal \(s) is not in its one canonical spelling, and stores compare decimals by value (1.0 = 1.00); "
                    + "hint: write it without exponent, leading zeros or trailing fraction zeros (e.g. 10.5, 0.001, -3)"
        default:
            return nil
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?`, and not `-0`: one spelling per decimal value.
    static func isCanonicalDecimal(_ s: String) -> Bool {
        var b = Array(s.utf8)[...]
        let negative = b.first == 45
        if negative { b = b.dropFirst() }
        let dot = b.firstIndex(of: 46)
        let whole = b[..<(dot ?? b.endIndex)]
        guard !whole.isEmpty, whole.allSatisfy({ $0 >= 48 && $0 <= 57 }), whole.count == 1 || whole.first != 48 else { return false }
        if let dot {
            let fraction = b[(dot + 1)...]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0 >= 48 && $0 <= 57 }), fraction.last != 48 else { return false }
        } else if negative, whole.first == 48 {
            return false
        }
        return true
    }

    static func show(_ v: Value) -> String {
        switch v {
        case .string(let s): return "\"\(s)\""
        case .decimal(let s): return "{\"decimal\":\"\(s)\"}"
        case .int(let i): return String(i)
        case .bool(let b): return String(b)
        case .double(let d): return String(d)
        case .null: return "null"
        case .bytes(let b): return "\(b.count) bytes"
        case .timestamp(let t): return t.rfc3339
        }
    }
}

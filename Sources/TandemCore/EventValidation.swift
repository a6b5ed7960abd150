/// Why an event cannot go into the journal: every sink must be able to apply what the journal holds.
public struct EventFault: Sendable, Hashable, CustomStringConvertible {
    /// What kind of check failed: `image` (a missing or oversized row image), `name` (an entity or column
    /// name), `value` (a column's value).
    public var rule: String
    /// The column the fault is about, when it is about one.
    public var column: String?
    /// One line for the operator, naming the column and what to do.
    public var reason: String

    /// A fault.
    public init(rule: String, column: String? = nil, reason: String) {
        self.rule = rule
        self.column = column
        self.reason = reason
    }

    public var description: String { reason }
}

/// The limits an event must stay within so that both stores (SQLite and PostgreSQL) can hold it.
public enum EventLimits {
    /// Longest entity or column name in UTF-8 bytes: PostgreSQL silently truncates longer identifiers
    /// (NAMEDATALEN − 1), so two long names could become one column.
    public static let nameBytes = 63
    /// Most columns in one row image: PostgreSQL's limit for a table.
    public static let columns = 1600
    /// Most key columns: PostgreSQL's limit for the columns of an index (the primary key).
    public static let keyColumns = 32
    /// Most digits of a decimal before the point (PostgreSQL numeric).
    public static let decimalIntegerDigits = 131_072
    /// Most digits of a decimal after the point (PostgreSQL numeric's largest scale).
    public static let decimalFractionDigits = 16_383
    /// Name prefixes (compared ignoring ASCII case) that belong to Tandem or to a store.
    public static let reservedPrefixes = ["_tandem_", "sqlite_", "pg_"]
    /// Whole names (ignoring ASCII case) that belong to a store.
    public static let reservedNames: Set<String> = ["information_schema"]
    /// PostgreSQL's system column names, which no table can declare.
    public static let systemColumns: Set<String> = ["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"]
}

extension Event {
    /// The first reason no sink could apply this event, or nil when it is sound: a missing after-image,
    /// an unusable entity or column name, too many columns, or a value a store cannot hold. Checked where
    /// input enters (append, ingest), so a bad change is one refused line or one quarantine entry instead
    /// of a journaled event that stops every replay.
    public var fault: EventFault? { fault(checkingNames: true) }

    /// `fault`, leaving out `nameFault` when the caller knows the names are sound (`ValidatedNames`).
    func fault(checkingNames: Bool) -> EventFault? {
        if let problem = incompleteness { return EventFault(rule: "image", reason: problem) }
        if key.count > EventLimits.keyColumns {
            return EventFault(rule: "image", reason: "the key has \(key.count) columns, more than the \(EventLimits.keyColumns) a PostgreSQL primary key allows")
        }
        // No array of images here: this runs for every event at ingest and append.
        if let f = EventValidation.countFault(after, image: "after") ?? EventValidation.countFault(before, image: "before") { return f }
        if checkingNames, let f = nameFault { return f }
        if let f = EventValidation.imageFault(key, image: "key") { return f }
        if let after, let f = EventValidation.imageFault(after, image: "after") { return f }
        if let before, let f = EventValidation.imageFault(before, image: "before") { return f }
        return nil
    }

    /// The first unusable entity or column name (empty, a control character, too long, reserved, a PostgreSQL
    /// system column, two columns of an image differing only in case), or nil.
    public var nameFault: EventFault? {
        if let reason = EventValidation.nameProblem(entity, isColumn: false) {
            return EventFault(rule: "name", reason: "entity \(EventValidation.quoted(entity)): \(reason)")
        }
        if let f = EventValidation.columnNamesFault(key.names, image: "key") { return f }
        if let after, let f = EventValidation.columnNamesFault(after.names, image: "after") { return f }
        if let before, let f = EventValidation.columnNamesFault(before.names, image: "before") { return f }
        return nil
    }

    /// Why no sink could apply this event, or nil when it is whole: an insert, update or snapshot
    /// needs the row it writes. Part of `fault`.
    public var incompleteness: String? {
        switch op {
        case .insert, .update, .snapshot:
            return after == nil ? "op \"\(op.rawValue)\" needs an \"after\" row image" : nil
        case .delete, .truncate:
            return nil
        }
    }
}

/// The single checks behind `Event.fault`, for callers that hold names or values rather than events.
public enum EventValidation {
    /// Why `name` cannot be an entity (table) or column name in every store, or nil.
    public static func nameProblem(_ name: String, isColumn: Bool) -> String? {
        // This runs for every name of every event at ingest: one pass over the bytes decides the common case.
        let u = name.utf8
        let count = u.count
        if count == 0 { return "the name is empty" }
        if count > EventLimits.nameBytes {
            return "the name is \(count) bytes long, more than the \(EventLimits.nameBytes) PostgreSQL keeps (it would cut it); rename it in the mapping"
        }
        var plain = true  // ASCII without control characters
        for b in u where b < 0x20 || b >= 0x7F { plain = false; break }
        if !plain {
            for s in name.unicodeScalars where s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0) {
                let what = s.value == 0 ? "NUL" : "control character U+\(hex4(s.value))"
                return "the name holds a \(what), which a store cannot keep in a name; rename it in the mapping"
            }
        }
        if let reason = reservedProblem(name) { return reason }
        let first = u.first! | 0x20
        if isColumn, count <= 7, first == UInt8(ascii: "x") || first == UInt8(ascii: "c") || first == UInt8(ascii: "t"),
           EventLimits.systemColumns.contains(name) {
            return "\(quoted(name)) is a PostgreSQL system column name, which no table can declare; rename it in the mapping"
        }
        return nil
    }

    /// Why `name` belongs to Tandem (`_tandem_*`) or a store (`sqlite_*`, `pg_*`, `information_schema`),
    /// ignoring ASCII case as SQLite does; nil for any other name.
    public static func reservedProblem(_ name: String) -> String? {
        guard let f = name.utf8.first else { return nil }
        let first = f | 0x20  // ASCII lower case ('_' becomes DEL, which no other name starts with here)
        guard first == 0x7F || first == UInt8(ascii: "s") || first == UInt8(ascii: "p") || first == UInt8(ascii: "i") else { return nil }
        let lower = asciiLowercased(name)
        if let p = EventLimits.reservedPrefixes.first(where: { lower.hasPrefix($0) }) {
            let owner = p == "_tandem_" ? "Tandem's own tables" : p == "pg_" ? "PostgreSQL's catalog" : "SQLite's internal tables"
            return "names starting with \"\(p)\" (in any case) are reserved for \(owner); rename it in the mapping"
        }
        if EventLimits.reservedNames.contains(lower) {
            return "the name is reserved for the store's catalog; rename it in the mapping"
        }
        return nil
    }

    /// The first unusable column name of one row image, or two names one store would take for one column.
    public static func columnNamesFault(_ names: [String], image: String) -> EventFault? {
        var upper = false
        for n in names {
            if let reason = nameProblem(n, isColumn: true) {
                return EventFault(rule: "name", column: n, reason: "column \(quoted(n)) in the \(image) image: \(reason)")
            }
            if !upper { upper = n.utf8.contains { $0 >= 65 && $0 <= 90 } }
        }
        // SQLite folds ASCII case in names: "ID" and "id" are one column there. Names are distinct, so only
        // a name with an upper-case letter can collide; compare pairs of equal length without allocating.
        guard upper, names.count > 1 else { return nil }
        func collision(_ i: Int, _ j: Int) -> EventFault? {
            guard names[j].utf8.count == names[i].utf8.count, asciiCaseEqual(names[j], names[i]) else { return nil }
            let (a, b) = j < i ? (names[j], names[i]) : (names[i], names[j])
            return EventFault(rule: "name", column: b, reason: "columns \(quoted(a)) and \(quoted(b)) in the \(image) image differ only in case, and SQLite takes them for one column; rename one in the mapping")
        }
        if names.count <= 8 {
            for i in names.indices.dropFirst() { for j in 0..<i { if let f = collision(i, j) { return f } } }
            return nil
        }
        // Wide rows: sort the names' case-folded hashes and compare only names whose hashes meet.
        var hashes = names.indices.map { i -> (UInt64, Int) in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in names[i].utf8 { h = (h ^ UInt64(b >= 65 && b <= 90 ? b + 32 : b)) &* 0x100_0000_01b3 }
            return (h, i)
        }
        hashes.sort { $0.0 < $1.0 }
        for k in hashes.indices.dropFirst() where hashes[k].0 == hashes[k - 1].0 {
            if let f = collision(hashes[k].1, hashes[k - 1].1) { return f }
        }
        return nil
    }

    /// More columns in one row image than a PostgreSQL table holds.
    static func countFault(_ row: Row?, image: String) -> EventFault? {
        guard let row, row.count > EventLimits.columns else { return nil }
        return EventFault(rule: "image", reason: "the \(image) image has \(row.count) columns, more than the \(EventLimits.columns) a PostgreSQL table allows; drop columns in the mapping")
    }

    /// The first value of one row image a store cannot hold.
    static func imageFault(_ row: Row, image: String) -> EventFault? {
        // By index: zipping names with values retains both for every column of every event.
        for i in row.values.indices {
            if let reason = valueProblem(row.values[i]) {
                let name = row.names[i]
                return EventFault(rule: "value", column: name, reason: "column \(quoted(name)) in the \(image) image: \(reason)")
            }
        }
        return nil
    }

    /// Why a store cannot hold `value`, or nil.
    public static func valueProblem(_ value: Value) -> String? {
        switch value {
        case .string(let s):
            guard hasNUL(s) else { return nil }
            return "the text holds a NUL character (U+0000), which PostgreSQL text cannot store; give the column \"type\": \"bytes\" in the mapping (its UTF-8 bytes are kept), or drop it"
        case .decimal(let d):
            return decimalProblem(d)
        case .timestamp(let t):
            guard t < Timestamp.rfc3339Min || t > Timestamp.rfc3339Max else { return nil }
            return "the timestamp \(t.rfc3339) is outside the years 0001–9999 that both stores read"
        case .null, .bool, .int, .double, .bytes:
            return nil
        }
    }

    /// Why a decimal's text is beyond PostgreSQL numeric (131072 digits before the point, 16383 after), or nil.
    /// The text is a decimal number as the decoders accept it (`-12`, `10.50`, `1.5e-3`, NaN, Infinity).
    public static func decimalProblem(_ text: String) -> String? {
        var digits = 0, point = -1, firstNonZero = -1
        var exponent = 0
        var it = text.utf8.makeIterator()
        var inExponent = false, exponentNegative = false
        while let c = it.next() {
            if inExponent {
                if c == UInt8(ascii: "-") { exponentNegative = true }
                else if c >= 48 && c <= 57 { exponent = min(exponent * 10 + Int(c - 48), 1 << 40) }
                continue
            }
            switch c {
            case 48...57:
                if c != 48, firstNonZero < 0 { firstNonZero = digits }
                digits += 1
            case UInt8(ascii: "."): point = digits
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            default: continue  // sign; NaN and Infinity have no digits
            }
        }
        if exponentNegative { exponent = -exponent }
        if point < 0 { point = digits }
        let integer = firstNonZero < 0 ? 0 : max(0, point - firstNonZero + exponent)
        let fraction = max(0, digits - point - exponent)
        if integer > EventLimits.decimalIntegerDigits {
            return "the decimal \(short(text)) has \(integer) digits before the point, more than the \(EventLimits.decimalIntegerDigits) PostgreSQL numeric holds"
        }
        if fraction > EventLimits.decimalFractionDigits {
            return "the decimal \(short(text)) has \(fraction) digits after the point, more than the \(EventLimits.decimalFractionDigits) PostgreSQL numeric holds"
        }
        return nil
    }

    /// `name` in double quotes, with control characters shown as escapes so the reason stays one line.
    public static func quoted(_ name: String) -> String {
        var out = "\""
        for s in name.unicodeScalars {
            switch s.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0..<0x20, 0x7F..<0xA0: out += "\\u\(hex4(s.value))"
            default: out.unicodeScalars.append(s)
            }
        }
        let shown = out.count > 80 ? String(out.prefix(77)) + "…" : out
        return shown + "\""
    }

    static func short(_ text: String) -> String { text.utf8.count > 40 ? "\"\(text.prefix(30))…\"" : "\"\(text)\"" }

    static func hasNUL(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { $0.contains(0) }
    }

    static func asciiCaseEqual(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8) { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= UInt8(ascii: "a") && (x | 0x20) <= UInt8(ascii: "z"))
        }
    }

    /// `s` with ASCII letters in lower case: a name as SQLite compares it.
    public static func asciiLowercased(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return s }
        return String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}

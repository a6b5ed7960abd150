import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TandemSources

/// One cell as a source hands it to the profiler; a text's bytes are valid only during the call.
public enum Cell {
    case null
    case int(Int64)
    case double(Double)
    case text(UnsafeRawBufferPointer)
    case blob(count: Int)
}

/// A value kept for min/max (text cut to `ColumnProfiler.keptBytes` bytes).
public enum Extreme: Sendable, Equatable {
    case number(Double, text: String)
    case text(String)

    /// SQLite's order: numbers before text; text by bytes.
    static func < (a: Extreme, b: Extreme) -> Bool {
        switch (a, b) {
        case (.number(let x, _), .number(let y, _)): return x < y
        case (.number, .text): return true
        case (.text, .number): return false
        case (.text(let x), .text(let y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        }
    }

    /// The value as shown in the report.
    public var display: String {
        switch self {
        case .number(_, let t): return t
        case .text(let s): return s
        }
    }
}

/// The streaming profile of one column, in memory bounded independently of the row count: a 4 KiB
/// HyperLogLog, exact value counts while the column holds at most `exactLimit` distinct values (each kept
/// value cut to `keptBytes`, with its first five row keys and, within `ValueCounts.tenantPairLimit`, its rows
/// per tenant), then a 64-counter Misra-Gries summary, plus the evidence of each cell class seen (a few
/// hundred classes at most: kind, pattern, date shape, white space, invalid UTF-8; each with a count, five
/// keys and a counter per tenant). Without tenants that is under ≈ 1024 × (keptBytes + 5 keys + 64) ≈ 500 KiB
/// per column; tenants add 4 bytes × tenants per class seen and at most 32 k (value, tenant) counters.
///
/// The pass keeps what every finding that could be decided at the end needs (counts and the first five keys
/// per cell class, and per value while values are few), so findings get exact counts and example keys
/// without reading the table again; the decision at the end picks from what was kept.
public struct ColumnProfiler {
    /// Distinct values counted exactly (and case variants found) up to this many; beyond it, sketches.
    public static let exactLimit = 1024
    /// Bytes of a value kept for top values, min and max.
    public static let keptBytes = 120
    /// Counters of the Misra-Gries summary once the exact counts are dropped.
    public static let topCapacity = 64

    public let name: String
    public let declaredType: String
    public internal(set) var rows = 0
    public internal(set) var nulls = 0
    public internal(set) var empties = 0
    public internal(set) var integers = 0
    public internal(set) var reals = 0
    public internal(set) var texts = 0
    public internal(set) var blobs = 0
    /// Longest value: characters (Unicode scalars) of text, bytes of a blob or of invalid UTF-8.
    public internal(set) var longest = 0
    var minNumber: Double?, maxNumber: Double?
    var minText: [UInt8]?, maxText: [UInt8]?
    var hll = HyperLogLog()
    var counts = ValueCounts(exactLimit: ColumnProfiler.exactLimit, capacity: ColumnProfiler.topCapacity, keptBytes: ColumnProfiler.keptBytes)
    var exactIsLossless = true
    /// Evidence per cell class seen, and where each class's is.
    var classes: [ClassEvidence] = []
    var classSlot: [UInt32: Int] = [:]
    var lastClass: UInt32 = 0, lastSlot = -1
    /// The class whose example list wants this row's key, and the value whose does (set by `observe`).
    var pendingSlot = -1
    var pendingValue: UInt64?
    /// A declared key (primary or unique): checked for duplicates whatever its nulls.
    public var keyDeclared = false
    /// Normalised hashes of the text values once there are too many to count exactly (see `KeySpill`); nil
    /// while exact, and for a column that cannot be a key (a null or empty value in an undeclared column).
    var keySpill: KeySpill?
    var keyDisqualified = false
    /// A column set by more tenants than this has no "custom setting" (too many to tell).
    static let tenantLimit = 1000
    /// Values a settings column may have (its default and the tenants' choices).
    static let settingValues = 16
    /// Values by length in bytes: 0, 1–4, 5–8, 9–16, 17–32, 33–64, 65–128, 129–256, more.
    public internal(set) var lengthBuckets = [Int](repeating: 0, count: 9)
    /// The upper bound of each length bucket (the last is open).
    public static let lengthBucketBounds = [0, 4, 8, 16, 32, 64, 128, 256]

    public init(name: String, declaredType: String) { self.name = name; self.declaredType = declaredType }

    /// The smallest value: numbers before text (SQLite's order), text by bytes.
    public var min: Extreme? {
        if let n = minNumber { return .number(n, text: Self.numberText(n)) }
        return minText.map { .text(String(decoding: $0, as: UTF8.self)) }
    }

    /// The largest value.
    public var max: Extreme? {
        if let t = maxText { return .text(String(decoding: t, as: UTF8.self)) }
        return maxNumber.map { .number($0, text: Self.numberText($0)) }
    }

    static func numberText(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 9e15 ? String(Int64(d)) : "\(d)"
    }

    /// Counts one cell; `tenant` is the row's tenant index when there is a tenant column, `row` its position
    /// in the scan. Afterwards `wantsKey` says whether the row's key is wanted as an example (see `attach`).
    public mutating func observe(_ cell: Cell, tenant: Int32?, row: Int = 0) { observe(cell, hash: nil, tenant: tenant, row: row) }

    /// `observe` with the cell's `hash(_:)` when the caller has it already (the tenant column's).
    mutating func observe(_ cell: Cell, hash known: UInt64?, tenant: Int32?, row: Int) {
        rows += 1
        let cls: CellClass
        var held: Int?
        switch cell {
        case .null:
            nulls += 1
            if !keyDeclared { disqualifyKey() }
            return
        case .int(let i):
            integers += 1
            let h = auditHash(UInt64(bitPattern: i))
            cls = .int
            if let e = counts.find(h) {
                counts.tallies[e].count += 1
                lengthBuckets[Int(counts.tallies[e].bucket)] += 1
                held = e
            } else {
                hll.add(hash: h)
                let length = Self.digits(i)
                number(Double(i), length: length)
                held = insert(h, .int(i), cls: cls.raw, bucket: bucket(length))
            }
        case .double(let d):
            reals += 1
            let h = auditHash(d.bitPattern ^ 0x5bd1_e995)
            cls = .double
            lengthBuckets[0] += 1
            if let e = counts.find(h) {
                counts.tallies[e].count += 1
                held = e
            } else {
                hll.add(hash: h)
                number(d, length: 0)
                held = insert(h, .double(d), cls: cls.raw, bucket: 0)
            }
        case .text(let b):
            texts += 1
            let h = known ?? auditHash(b)
            if b.isEmpty {
                empties += 1
                lengthBuckets[0] += 1
                text(b)
                if counts.isExact, counts.find(h) == nil, counts.held == Self.exactLimit { seedKeySpill() }
                counts.add(hash: h) { "" }
                if keyDeclared { keySpill?.add(b) } else { disqualifyKey() }
                return
            }
            if let e = counts.find(h) {
                // A value seen before: its class, length bucket and min/max are known, and HyperLogLog has it.
                counts.tallies[e].count += 1
                cls = CellClass(raw: counts.tallies[e].cls)
                lengthBuckets[Int(counts.tallies[e].bucket)] += 1
                held = e
            } else {
                hll.add(hash: h)
                let (c, length) = classify(text: b)
                cls = c
                longest = Swift.max(longest, length)
                if b.count > Self.keptBytes { exactIsLossless = false }
                let k = bucket(b.count)
                text(b)
                if counts.isExact, counts.held == Self.exactLimit { seedKeySpill() }
                held = counts.insert(h, text: b, cls: c.raw, bucket: k)
            }
            keySpill?.add(b)
        case .blob(let n):
            blobs += 1
            if n == 0 { empties += 1; if !keyDeclared { disqualifyKey() }; return }
            hll.add(hash: auditHash(UInt64(n) ^ 0xB10B))
            longest = Swift.max(longest, n)
            cls = .blob
        }
        // The class's evidence (a column's cells are mostly of the class of the cell before).
        let s: Int
        if cls.raw == lastClass, lastSlot >= 0 { s = lastSlot } else { s = slot(cls); lastClass = cls.raw; lastSlot = s }
        classes[s].count += 1
        if let tenant { classes[s].note(tenant) }
        if classes[s].examples.count < 5 { pendingSlot = s }
        // The value's, while values are counted exactly.
        if let e = held, counts.isExact {
            if let tenant { counts.noteTenant(e, tenant) }
            if counts.tallies[e].examples < 5 { pendingValue = counts.tallies[e].hash }
        }
    }

    /// True when the last observed cell wants its row's key as an example.
    public var wantsKey: Bool { pendingSlot >= 0 || pendingValue != nil }

    /// Gives the key of the last observed cell's row (position `row` in the scan) to the evidence wanting it.
    public mutating func attach(key: String, row: Int) {
        if pendingSlot >= 0 { classes[pendingSlot].examples.append(.init(row: row, key: key)); pendingSlot = -1 }
        if let h = pendingValue {
            if let e = counts.find(h) { counts.addExample(e, .init(row: row, key: key)) }
            pendingValue = nil
        }
    }

    private mutating func slot(_ cls: CellClass) -> Int {
        if let s = classSlot[cls.raw] { return s }
        classes.append(ClassEvidence(cls))
        classSlot[cls.raw] = classes.count - 1
        return classes.count - 1
    }

    /// Holds a new value; its index while it is held.
    private mutating func insert(_ h: UInt64, _ shown: ValueCounts.Stored, cls: UInt32, bucket: UInt8) -> Int? {
        if counts.isExact, counts.held == Self.exactLimit { seedKeySpill() }
        return counts.insert(h, shown: shown, cls: cls, bucket: bucket)
    }

    /// The class of present text, and its length in characters (in bytes when it is not valid UTF-8).
    func classify(text b: UnsafeRawBufferPointer) -> (CellClass, Int) {
        let scalars = Self.scalarCount(b)
        let outer = TextClassifier.isSpace(b[0]) || TextClassifier.isSpace(b[b.count - 1])
        let t = outer ? TextClassifier.trimmed(b) : b
        guard !t.isEmpty else {
            return (CellClass(raw: CellClass.blank.raw | (scalars == nil ? CellClass.invalidUTF8Bit : 0)), scalars ?? b.count)
        }
        let shape = classify(t)
        let phone = shape.pattern == .integer && TextClassifier.isPhoneDigits(t)
        return (.text(shape, outerSpace: outer, invalidUTF8: scalars == nil, phoneDigits: phone), scalars ?? b.count)
    }

    /// The hash a cell's value is counted under (nil for null and blobs): the same in every pass.
    static func hash(_ cell: Cell) -> UInt64? {
        switch cell {
        case .null, .blob: return nil
        case .int(let i): return auditHash(UInt64(bitPattern: i))
        case .double(let d): return auditHash(d.bitPattern ^ 0x5bd1_e995)
        case .text(let b): return auditHash(b)
        }
    }

    @inline(__always) private mutating func number(_ d: Double, length: Int) {
        if minNumber == nil || d < minNumber! { minNumber = d }
        if maxNumber == nil || d > maxNumber! { maxNumber = d }
        longest = Swift.max(longest, length)
    }

    /// Min/max of text by bytes, copying only when one changes.
    @inline(__always) private mutating func text(_ b: UnsafeRawBufferPointer) {
        let kept = b.count > Self.keptBytes ? UnsafeRawBufferPointer(rebasing: b[0..<Self.keptBytes]) : b
        // Compared in place (no copy of the kept array per value).
        if let m = minText { if Self.less(kept, m) { minText = Array(kept) } } else { minText = Array(kept) }
        if let m = maxText { if Self.less(m, kept) { maxText = Array(kept) } } else { maxText = Array(kept) }
    }

    static func less(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
        b.withUnsafeBytes { bb in
            let n = Swift.min(a.count, bb.count)
            let c = n == 0 ? 0 : memcmp(a.baseAddress!, bb.baseAddress!, n)
            return c < 0 || (c == 0 && a.count < bb.count)
        }
    }

    static func less(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        a.withUnsafeBytes { aa in
            let n = Swift.min(aa.count, b.count)
            let c = n == 0 ? 0 : memcmp(aa.baseAddress!, b.baseAddress!, n)
            return c < 0 || (c == 0 && aa.count < b.count)
        }
    }

    /// Counts a value of `length` in its length bucket, and returns the bucket.
    @inline(__always) private mutating func bucket(_ length: Int) -> UInt8 {
        // Bucket b ≥ 1 holds lengths 2^b + 1 … 2^(b+1) (bucket 1 from 1): ⌈log2 length⌉ − 1.
        let b = length == 0 ? 0 : Swift.min(8, Swift.max(1, Int.bitWidth - (length - 1).leadingZeroBitCount - 1))
        lengthBuckets[b] += 1
        return UInt8(b)
    }

    static func digits(_ i: Int64) -> Int {
        // Powers of ten compared, not divided by (this runs for every new integer).
        let v = i.magnitude
        var n = 1, p: UInt64 = 10
        while n < 20, v >= p { n += 1; p = p.multipliedReportingOverflow(by: 10).partialValue }
        return n + (i < 0 ? 1 : 0)
    }

    /// Unicode scalars in valid UTF-8, nil for invalid UTF-8 (ASCII is checked 8 bytes at a time).
    static func scalarCount(_ b: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i + 8 <= b.count, b.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        // Fewer than eight bytes left when every word so far was ASCII; else a word held a non-ASCII byte.
        if b.count - i < 8, tailWord(b, from: i) & 0x8080_8080_8080_8080 == 0 { return b.count }
        guard String(validatingUTF8Bytes: b) != nil else { return nil }
        return b.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// The shape of trimmed text, with a date confirmed by the `TimePattern` the mapping would use.
    func classify(_ t: UnsafeRawBufferPointer) -> TextShape {
        var shape = TextClassifier.classify(t)
        if shape.pattern == .date {
            let parsed = TextClassifier.datePatterns[shape.dateIndex]?.parse(bytes: t.assumingMemoryBound(to: UInt8.self))
            if parsed == nil { shape = TextShape(pattern: .other) }
        }
        return shape
    }

    /// Non-null values.
    public var nonNull: Int { rows - nulls }
    /// Values that are neither null nor empty.
    public var present: Int { rows - nulls - empties }
    /// True when distinct counts and top values are exact (few distinct values).
    public var isExact: Bool { counts.isExact && exactIsLossless }

    /// Distinct non-null values: exact while few, else the HyperLogLog estimate.
    public var distinct: Int { counts.isExact ? counts.held : hll.estimate }

    /// Exact counts per shown value, while the column holds few distinct values.
    var exact: [String: Int]? {
        guard counts.isExact else { return nil }
        var out: [String: Int] = [:]
        for i in 0..<counts.held { out[counts.entry(i).text, default: 0] += counts.tallies[i].count }
        return out
    }

    /// Whether slash dates read day first: only when some cannot be month first and none must be.
    var slashDayFirstWins: Bool {
        var dayFirst = 0, monthFirst = 0
        for c in classes where c.cls.pattern == .date {
            let f = TextClassifier.dateFormats[c.cls.dateIndex]
            if c.cls.slashDayFirst { dayFirst += c.count } else if !c.cls.slashAmbiguous, f.hasPrefix("%m/%d/%Y") || f.hasPrefix("%m/%d/%y") { monthFirst += c.count }
        }
        return dayFirst > 0 && monthFirst == 0
    }

    /// A date's `parseTimestamp` format with slash dates resolved for the column.
    func resolvedFormat(_ f: String) -> String { slashDayFirstWins ? Self.dayFirst(f) : f }

    /// A month-first slash format read day first.
    static func dayFirst(_ f: String) -> String {
        if f.hasPrefix("%m/%d/%Y") { return "%d/%m/%Y" + f.dropFirst(8) }
        if f.hasPrefix("%m/%d/%y") { return "%d/%m/%y" + f.dropFirst(8) }
        return f
    }

    /// Date formats with their counts, slash dates resolved, most common first.
    public var dateFormats: [(format: String, count: Int)] {
        var out: [String: Int] = [:]
        let dayFirst = slashDayFirstWins
        for c in classes where c.cls.pattern == .date {
            let f = TextClassifier.dateFormats[c.cls.dateIndex]
            out[dayFirst ? Self.dayFirst(f) : f, default: 0] += c.count
        }
        return out.map { ($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.format < $1.format }
    }

    /// The most common values with counts, and by how much a count may be too low once sketched.
    public func topValues(_ n: Int) -> [(value: String, count: Int, undercount: Int)] {
        counts.entries.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.text < $1.text }.prefix(n)
            .map { ($0.text, $0.count, counts.undercount) }
    }
}

extension String {
    /// The text when the bytes are valid UTF-8, else nil.
    init?(validatingUTF8Bytes b: UnsafeRawBufferPointer) {
        guard let s = String(validating: b.bindMemory(to: UInt8.self), as: UTF8.self) else { return nil }
        self = s
    }
}

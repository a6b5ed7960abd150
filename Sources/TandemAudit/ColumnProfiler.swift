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
/// value cut to `keptBytes`), then a 64-counter Misra-Gries summary, plus fixed counters: at most
/// ≈ 1024 × (keptBytes + 64) ≈ 200 KiB per column, plus tenant sets (at most 1000 tenants, and 16 × 1000 for
/// a column of few values) ≈ 150 KiB: under 400 KiB per column, whatever the table size.
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
    /// Text with leading or trailing white space (a value that is only white space counts too).
    public internal(set) var outerWhitespace = 0
    public internal(set) var invalidUTF8 = 0
    /// Integer text of 7–15 digits: a phone number written without separators, in a phone column.
    var phoneDigitRuns = 0
    /// Non-empty text by pattern class (after trimming).
    public internal(set) var patterns: [TextPattern: Int] = [:]
    /// Date text by its `parseTimestamp` format, before slash dates are resolved (see `dateFormats`).
    var rawDateFormats: [String: Int] = [:]
    var slashDayFirst = 0, slashMonthFirst = 0, slashAmbiguous = 0
    /// Longest value: characters (Unicode scalars) of text, bytes of a blob or of invalid UTF-8.
    public internal(set) var longest = 0
    var minNumber: Double?, maxNumber: Double?
    var minText: [UInt8]?, maxText: [UInt8]?
    var hll = HyperLogLog()
    var counts = ValueCounts(exactLimit: ColumnProfiler.exactLimit, capacity: ColumnProfiler.topCapacity)
    var exactIsLossless = true
    /// Tenants (by index) with a value in this column, up to `tenantLimit`; for "custom setting".
    var tenantsSetting = Set<Int32>()
    var tenantsOverflow = false
    var lastTenant: Int32 = -1
    static let tenantLimit = 1000
    /// Tenants by value hash while the column has few values (see `noteSetting`); nil once it has more.
    var tenantsByValue: [UInt64: Set<Int32>]? = [:]
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

    /// Counts one cell; `tenant` is the row's tenant index when there is a tenant column.
    public mutating func observe(_ cell: Cell, tenant: Int32?) {
        rows += 1
        switch cell {
        case .null:
            nulls += 1
            return
        case .int(let i):
            integers += 1
            let h = Self.hash(cell)!
            hll.add(hash: h)
            number(Double(i), length: Self.digits(i))
            counts.add(hash: h) { String(i) }
        case .double(let d):
            reals += 1
            let h = Self.hash(cell)!
            hll.add(hash: h)
            number(d, length: 0)
            counts.add(hash: h) { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) + ".0" : "\(d)" }
        case .text(let b):
            texts += 1
            let h = auditHash(b)
            if b.isEmpty {
                empties += 1
                bucket(0)
                text(b)
                counts.add(hash: h) { "" }
                break
            }
            hll.add(hash: h)
            var length = b.count
            if let scalars = Self.scalarCount(b) { length = scalars } else { invalidUTF8 += 1 }
            if TextClassifier.isSpace(b[0]) || TextClassifier.isSpace(b[b.count - 1]) { outerWhitespace += 1 }
            let t = TextClassifier.trimmed(b)
            if !t.isEmpty {
                let shape = classify(t)
                count(shape)
                if shape.pattern == .integer, TextClassifier.isPhoneDigits(t) { phoneDigitRuns += 1 }
            }
            if b.count > Self.keptBytes { exactIsLossless = false }
            longest = Swift.max(longest, length)
            bucket(b.count)
            text(b)
            counts.add(hash: h) { String(decoding: b.prefix(Self.keptBytes), as: UTF8.self) }
        case .blob(let n):
            blobs += 1
            if n == 0 { empties += 1 }
            hll.add(hash: auditHash(UInt64(n) ^ 0xB10B))
            longest = Swift.max(longest, n)
        }
        if let tenant, !isEmptyCell(cell) {
            if !tenantsOverflow, tenant != lastTenant {
                tenantsSetting.insert(tenant)
                if tenantsSetting.count > Self.tenantLimit { tenantsOverflow = true; tenantsSetting = [] }
            }
            if tenantsByValue != nil, let h = Self.hash(cell) { noteSetting(h, tenant) }
            lastTenant = tenant
        }
    }

    /// Tenants per value while the column has at most `settingValues` values: a settings column left at its
    /// default by almost everyone (0, 'N') shows which tenants changed it.
    private mutating func noteSetting(_ h: UInt64, _ tenant: Int32) {
        if tenantsByValue![h] == nil, tenantsByValue!.count == Self.settingValues { tenantsByValue = nil; return }
        tenantsByValue![h, default: []].insert(tenant)
        if tenantsByValue![h]!.count > Self.tenantLimit { tenantsByValue = nil }
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
        bucket(length)
    }

    /// Min/max of text by bytes, copying only when one changes.
    @inline(__always) private mutating func text(_ b: UnsafeRawBufferPointer) {
        let kept = UnsafeRawBufferPointer(rebasing: b.prefix(Self.keptBytes))
        if minText == nil || Self.less(kept, minText!) { minText = Array(kept) }
        if maxText == nil || Self.less(maxText!, kept) { maxText = Array(kept) }
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

    @inline(__always) private mutating func bucket(_ length: Int) {
        // Bucket b ≥ 1 holds lengths 2^b + 1 … 2^(b+1) (bucket 1 from 1): ⌈log2 length⌉ − 1.
        lengthBuckets[length == 0 ? 0 : Swift.min(8, Swift.max(1, Int.bitWidth - (length - 1).leadingZeroBitCount - 1))] += 1
    }

    static func digits(_ i: Int64) -> Int {
        var n = i == 0 ? 1 : 0, v = i.magnitude
        while v > 0 { v /= 10; n += 1 }
        return n + (i < 0 ? 1 : 0)
    }

    /// Unicode scalars in valid UTF-8, nil for invalid UTF-8 (ASCII is checked 8 bytes at a time).
    static func scalarCount(_ b: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i + 8 <= b.count, b.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
        while i < b.count, b[i] < 0x80 { i += 1 }
        if i == b.count { return b.count }
        guard String(validatingUTF8Bytes: b) != nil else { return nil }
        return b.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    private func isEmptyCell(_ c: Cell) -> Bool {
        switch c {
        case .null: return true
        case .text(let b): return b.isEmpty
        case .blob(let n): return n == 0
        default: return false
        }
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

    private mutating func count(_ shape: TextShape) {
        patterns[shape.pattern, default: 0] += 1
        guard let f = shape.dateFormat else { return }
        rawDateFormats[f, default: 0] += 1
        if shape.slashDayFirst { slashDayFirst += 1 } else if f.hasPrefix("%m/%d/%Y") || f.hasPrefix("%m/%d/%y") {
            if shape.slashAmbiguous { slashAmbiguous += 1 } else { slashMonthFirst += 1 }
        }
    }

    /// Non-null values.
    public var nonNull: Int { rows - nulls }
    /// Values that are neither null nor empty.
    public var present: Int { rows - nulls - empties }
    /// True when distinct counts and top values are exact (few distinct values).
    public var isExact: Bool { counts.isExact && exactIsLossless }

    /// Distinct non-null values: exact while few, else the HyperLogLog estimate.
    public var distinct: Int { counts.isExact ? counts.entries.count : hll.estimate }

    /// Exact counts per shown value, while the column holds few distinct values.
    var exact: [String: Int]? {
        guard counts.isExact else { return nil }
        var out: [String: Int] = [:]
        for e in counts.entries.values { out[e.text, default: 0] += e.count }
        return out
    }

    /// Whether slash dates read day first: only when some cannot be month first and none must be.
    var slashDayFirstWins: Bool { slashDayFirst > 0 && slashMonthFirst == 0 }

    /// The `parseTimestamp` format of one classified date, with slash dates resolved for the column.
    func resolvedFormat(_ shape: TextShape) -> String? {
        guard let f = shape.dateFormat else { return nil }
        return slashDayFirstWins ? Self.dayFirst(f) : f
    }

    /// A month-first slash format read day first.
    static func dayFirst(_ f: String) -> String {
        if f.hasPrefix("%m/%d/%Y") { return "%d/%m/%Y" + f.dropFirst(8) }
        if f.hasPrefix("%m/%d/%y") { return "%d/%m/%y" + f.dropFirst(8) }
        return f
    }

    /// Date formats with their counts, slash dates resolved, most common first.
    public var dateFormats: [(format: String, count: Int)] {
        var out: [String: Int] = [:]
        for (f, n) in rawDateFormats {
            let r = slashDayFirstWins ? Self.dayFirst(f) : f
            out[r, default: 0] += n
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

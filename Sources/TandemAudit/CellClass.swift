/// What the profile and the findings need to know of one present (non-null, non-empty) cell, packed in 32
/// bits: its kind, for text its pattern and date format, and flags. Every row-level finding but those about
/// particular values (custom settings, case variants) is a set of classes, decided at the end of the pass.
struct CellClass: Hashable {
    var raw: UInt32

    static let int = CellClass(raw: 1)
    static let double = CellClass(raw: 2)
    static let blob = CellClass(raw: 3)
    /// Text that is only white space.
    static let blank = CellClass(raw: 4 | outerSpaceBit)
    static let textKind: UInt32 = 5

    static let outerSpaceBit: UInt32 = 1 << 16
    static let invalidUTF8Bit: UInt32 = 1 << 17
    static let phoneDigitsBit: UInt32 = 1 << 18
    static let slashDayFirstBit: UInt32 = 1 << 19
    static let slashAmbiguousBit: UInt32 = 1 << 20

    /// Text of a pattern (and for dates its shape), with its flags.
    static func text(_ shape: TextShape, outerSpace: Bool, invalidUTF8: Bool, phoneDigits: Bool) -> CellClass {
        var r = textKind | UInt32(shape.pattern.index) << 3
        if shape.pattern == .date {
            r |= UInt32(shape.dateIndex) << 7
            if shape.slashDayFirst { r |= slashDayFirstBit }
            if shape.slashAmbiguous { r |= slashAmbiguousBit }
        }
        if outerSpace { r |= outerSpaceBit }
        if invalidUTF8 { r |= invalidUTF8Bit }
        if phoneDigits { r |= phoneDigitsBit }
        return CellClass(raw: r)
    }

    var kind: UInt32 { raw & 7 }
    var isText: Bool { kind == Self.textKind }
    /// The pattern of text (nil for other kinds and blank text).
    var pattern: TextPattern? { isText ? TextPattern.list[Int(raw >> 3 & 15)] : nil }
    var dateIndex: Int { Int(raw >> 7 & 0x1FF) }
    var outerSpace: Bool { raw & Self.outerSpaceBit != 0 }
    var invalidUTF8: Bool { raw & Self.invalidUTF8Bit != 0 }
    var phoneDigits: Bool { raw & Self.phoneDigitsBit != 0 }
    var slashDayFirst: Bool { raw & Self.slashDayFirstBit != 0 }
    var slashAmbiguous: Bool { raw & Self.slashAmbiguousBit != 0 }
    /// The `parseTimestamp` format of a date, before slash dates are resolved for the column.
    var dateFormat: String? { pattern == .date ? TextClassifier.dateFormats[dateIndex] : nil }
}

/// The evidence for one cell class of one column, kept during the pass: how many rows, the first five
/// (position, key), and rows per tenant index.
struct ClassEvidence {
    let cls: CellClass
    var count = 0
    var examples: [ValueCounts.Example] = []
    /// Rows by tenant index (grown as tenants appear).
    var tenants: [UInt32] = []

    init(_ cls: CellClass) { self.cls = cls }

    @inline(__always) mutating func note(_ tenant: Int32) {
        let t = Int(tenant)
        if t >= tenants.count { tenants.append(contentsOf: repeatElement(0, count: t + 1 - tenants.count)) }
        tenants[t] &+= 1
    }
}

/// The rows of one finding gathered from the kept evidence: exact count, first five keys, rows per tenant.
struct Evidence {
    var count = 0
    var examples: [ValueCounts.Example] = []
    var tenants: [Int32: Int] = [:]

    mutating func add(_ e: ClassEvidence) {
        count += e.count
        examples += e.examples
        for (t, n) in e.tenants.enumerated() where n > 0 { tenants[Int32(t), default: 0] += Int(n) }
    }

    mutating func add(_ e: ValueCounts.Entry) {
        count += e.count
        examples += e.examples
        for (t, n) in e.tenants { tenants[t, default: 0] += Int(n) }
    }

    /// The first five keys by row position (a row counted under two kept sets appears once).
    var keys: [String] {
        var out: [String] = [], last = -1
        for e in examples.sorted(by: { $0.row < $1.row }) where e.row != last {
            out.append(e.key)
            last = e.row
            if out.count == 5 { break }
        }
        return out
    }
}

extension TextPattern {
    static let list = TextPattern.allCases
    /// The position in `allCases` (no array is made per call).
    var index: Int {
        switch self {
        case .email: return 0
        case .url: return 1
        case .uuid: return 2
        case .phone: return 3
        case .date: return 4
        case .integer: return 5
        case .decimal: return 6
        case .boolean: return 7
        case .other: return 8
        }
    }
}

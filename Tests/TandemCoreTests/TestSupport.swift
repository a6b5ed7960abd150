@testable import TandemCore

/// Random events covering every value type and the awkward corners of each.
struct EventGenerator {
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let specialDoubles: [Double] = [
        0.0, -0.0, 0.1, 1.0, -1.5, 1e308, -1e308, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 2.2250738585072014e-308,
        Double.greatestFiniteMagnitude, 9007199254740993.0, 1e16, 1e-7, 123456789.125, .nan, .infinity, -.infinity,
    ]
    static let specialInts: [Int64] = [0, 1, -1, .min, .max, .min + 1, .max - 1, 1 << 53, (1 << 53) + 1, -(1 << 53) - 1]
    static let specialTimestamps: [Int64] = [
        0, -1, 1, Timestamp.rfc3339Min.microseconds, Timestamp.rfc3339Max.microseconds, -86_400_000_000,
        951_782_400_000_000, // 2000-02-29
    ]
    static let decimals = ["0", "10.50", "-0.0001", "123456789012345678901234567890.123456789", "1e10", "-7", "NaN", "+3.5"]

    mutating func scalar() -> Unicode.Scalar {
        switch rng.below(10) {
        case 0: return Unicode.Scalar(UInt8(rng.below(0x20)))  // control characters, NUL included
        case 1: return ["\"", "\\", "/", "\u{7F}"].randomElement(using: &rng)!
        case 2: return Unicode.Scalar(UInt32(0x80 + rng.below(0x800 - 0x80)))!
        case 3:
            let v = UInt32(0x800 + rng.below(0xFFFE - 0x800))
            return Unicode.Scalar(v >= 0xD800 && v < 0xE000 ? v + 0x800 : v)!
        case 4: return Unicode.Scalar(UInt32(0x10000 + rng.below(0x10FFFF - 0x10000)))!  // astral plane
        default: return Unicode.Scalar(UInt8(0x20 + rng.below(0x5F)))
        }
    }

    mutating func string(max: Int = 12) -> String {
        if rng.chance(20) { return "" }
        var s = String.UnicodeScalarView()
        for _ in 0..<rng.below(max + 1) { s.append(scalar()) }
        return String(s)
    }

    mutating func value() -> Value {
        switch rng.below(9) {
        case 0: return .null
        case 1: return .bool(rng.chance(50))
        case 2: return .int(rng.chance(30) ? Self.specialInts.randomElement(using: &rng)! : Int64(bitPattern: rng.next()) >> rng.below(64))
        case 3:
            if rng.chance(30) { return .double(Self.specialDoubles.randomElement(using: &rng)!) }
            let d = Double(bitPattern: rng.next())
            return .double(d.isNaN ? 0.25 : d)
        case 4:
            if rng.chance(50) { return .decimal(Self.decimals.randomElement(using: &rng)!) }
            let digits = (0..<1 + rng.below(30)).map { _ in String(rng.below(10)) }.joined()
            let point = rng.below(digits.count + 1)
            let whole = point == 0 ? "0" : String(digits.prefix(point))
            return .decimal((rng.chance(30) ? "-" : "") + whole + (point < digits.count ? "." + digits.dropFirst(point) : ""))
        case 5: return .string(string(max: 20))
        case 6: return .bytes((0..<rng.below(40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        case 7:
            if rng.chance(30) { return .timestamp(Timestamp(microseconds: Self.specialTimestamps.randomElement(using: &rng)!)) }
            let span = UInt64(Timestamp.rfc3339Max.microseconds - Timestamp.rfc3339Min.microseconds)
            return .timestamp(Timestamp(microseconds: Timestamp.rfc3339Min.microseconds + Int64(rng.next() % span)))
        default: return .string(["", "a", "hello world", "new@example.com"].randomElement(using: &rng)!)
        }
    }

    mutating func row(max: Int = 8) -> Row {
        var r = Row()
        for k in 0..<rng.below(max + 1) {
            let name = rng.chance(20) ? string(max: 6) + "#\(k)" : "col\(k)"
            r[name] = value()
        }
        return r
    }

    mutating func event() -> Event {
        let ops = ChangeKind.allCases
        return Event(
            seq: rng.chance(50) ? 0 : rng.next() >> rng.below(64),
            sourcePosition: rng.chance(60) ? string() : nil,
            txn: rng.chance(50) ? string() : nil,
            committedAt: rng.chance(50) ? Timestamp(microseconds: Int64(bitPattern: rng.next()) >> (rng.chance(10) ? 0 : 10)) : nil,
            entity: "e" + string(max: 8),
            key: row(max: 3),
            op: ops[rng.below(ops.count)],
            before: rng.chance(50) ? row() : nil,
            after: rng.chance(70) ? row() : nil,
            tenant: rng.chance(50) ? string() : nil,
            origin: rng.chance(40) ? string() : nil)
    }
}

/// Equality that tells -0.0 from 0.0 and treats every NaN as the same value (what a round trip must keep).
func same(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.double(let x), .double(let y)): return x.isNaN ? y.isNaN : x.bitPattern == y.bitPattern
    default: return a == b
    }
}

func same(_ a: Row?, _ b: Row?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return a.names == b.names && zip(a.values, b.values).allSatisfy { same($0, $1) }
}

/// Field-by-field event equality with `same` for values; `seq` compared only when asked.
func same(_ a: Event, _ b: Event, compareSeq: Bool = true) -> Bool {
    (!compareSeq || a.seq == b.seq) && a.sourcePosition == b.sourcePosition && a.txn == b.txn
        && a.committedAt == b.committedAt && a.entity == b.entity && same(a.key, b.key) && a.op == b.op
        && same(a.before, b.before) && same(a.after, b.after) && a.tenant == b.tenant && a.origin == b.origin
}

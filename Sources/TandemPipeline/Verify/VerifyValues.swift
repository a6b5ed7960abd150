import TandemCore

/// How verify compares values of the two stores: each in the form a SQLite store holds it (what the sink
/// binds: a bool as 0/1, a decimal as its text, a timestamp as RFC 3339 text), ordered as SQLite orders keys,
/// hashed for the chunk checksums.
enum VerifyValues {
    /// `v` as a SQLite sink stores it.
    static func stored(_ v: Value) -> Value {
        switch v {
        case .bool(let b): return .int(b ? 1 : 0)
        case .decimal(let d): return .string(d)
        case .timestamp(let t): return .string(t.rfc3339)
        default: return v
        }
    }

    /// Every value of `row` as stored.
    static func stored(_ row: Row) -> Row {
        // Most rows hold no bool, decimal or timestamp: kept as they are, without a copy.
        guard row.values.contains(where: { switch $0 { case .bool, .decimal, .timestamp: true; default: false } }) else { return row }
        return Row(uncheckedNames: row.names, values: row.values.map(stored))
    }

    /// Whether the legacy value (as stored) and the new store's value are the same. Beside equality, what a
    /// column's affinity does to a value on its way in counts as the same: an integer in a REAL column, a
    /// number's text (a decimal) in a NUMERIC one. A number that comes back as text is a drifted type.
    static func same(legacy l: Value, new n: Value) -> Bool {
        if l == n { return true }
        switch (l, n) {
        case (.int(let i), .double(let d)): return Double(i) == d
        case (.double(let d), .int(let i)): return Double(i) == d
        case (.string(let s), .int(let i)): return Double(s) == Double(i)
        case (.string(let s), .double(let d)): return Double(s) == d
        default: return false
        }
    }

    /// The columns in which the two rows differ (a column one row lacks counts as NULL there), sorted.
    static func differingColumns(legacy: Row, new: Row) -> [String] {
        var names = Set(legacy.names)
        names.formUnion(new.names)
        return names.filter { !same(legacy: legacy[$0] ?? .null, new: new[$0] ?? .null) }.sorted()
    }

    /// SQLite's order of stored values under BINARY collation: NULL, numbers, text (bytewise), blobs.
    static func compare(_ a: Value, _ b: Value) -> Int {
        func rank(_ v: Value) -> Int {
            switch v {
            case .null: return 0
            case .int, .double, .bool: return 1
            case .string, .decimal, .timestamp: return 2
            case .bytes: return 3
            }
        }
        let (ra, rb) = (rank(a), rank(b))
        if ra != rb { return ra < rb ? -1 : 1 }
        switch (stored(a), stored(b)) {
        case (.int(let x), .int(let y)): return x == y ? 0 : x < y ? -1 : 1
        case (.string(let x), .string(let y)): return bytes(Array(x.utf8), Array(y.utf8))
        case (.bytes(let x), .bytes(let y)): return bytes(x, y)
        case (let x, let y):
            let (dx, dy) = (number(x), number(y))
            return dx == dy ? 0 : dx < dy ? -1 : 1
        }
    }

    /// Keys compared column by column, as `(k1, k2) > (?, ?)` compares them.
    static func compare(keys a: [Value], _ b: [Value]) -> Int {
        for (x, y) in zip(a, b) {
            let c = compare(x, y)
            if c != 0 { return c }
        }
        return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
    }

    private static func number(_ v: Value) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return 0
        }
    }

    private static func bytes(_ x: [UInt8], _ y: [UInt8]) -> Int {
        for (a, b) in zip(x, y) where a != b { return a < b ? -1 : 1 }
        return x.count == y.count ? 0 : x.count < y.count ? -1 : 1
    }

    /// A row's 64-bit hash over its non-NULL columns by name (a missing column and a NULL one hash alike),
    /// each value in its stored form, an integral REAL hashed as the integer it equals (REAL affinity). The
    /// columns' hashes are summed after a finalizer, so the order of the columns does not matter and no
    /// sort is needed: this runs for every row of both stores (the chunk checksums).
    static func hash(_ row: Row) -> UInt64 {
        var sum: UInt64 = 0
        for (name, value) in row.columns { sum &+= hash(Hasher64.named(name), value) }
        return sum
    }

    /// One column's part of `hash(_:)`: `named` has hashed the column's name; 0 for NULL.
    static func hash(_ named: Hasher64, _ value: Value) -> UInt64 {
        var h = named
        switch value {
        case .null: return 0
        case .int(let i): h.add(tag: 0x69, word: UInt64(bitPattern: i))
        case .bool(let b): h.add(tag: 0x69, word: b ? 1 : 0)
        case .double(let d): h.add(real: d)
        case .string(let t), .decimal(let t): h.add(tag: 0x73); h.add(text: t)
        case .timestamp(let t): h.add(tag: 0x73); h.add(text: t.rfc3339)
        case .bytes(let b): h.add(tag: 0x62); b.withUnsafeBytes { _ = h.add(value: $0) }
        }
        return Hasher64.finalized(h.value)
    }

    /// `hash(_:_:)` of a value read in place (a SQLite column): the same number as for the `Value` that
    /// `Statement.value(at:)` builds from it. Sets `nul` when the value is text holding a NUL.
    static func hash(_ named: Hasher64, _ value: ColumnValue, nul: inout Bool) -> UInt64 {
        var h = named
        switch value {
        case .null: return 0
        case .int(let i): h.add(tag: 0x69, word: UInt64(bitPattern: i))
        case .double(let d): h.add(real: d)
        case .text(let t):
            h.add(tag: 0x73)
            let seen = h.add(value: t)
            if seen.nul { nul = true }
            // Text that is not UTF-8 reads as a repaired string on the row path: hashed as that here too.
            if !seen.ascii, !isUTF8(t) { return hash(named, .string(String(decoding: t, as: UTF8.self))) }
        case .blob(let b): h.add(tag: 0x62); _ = h.add(value: b)
        }
        return Hasher64.finalized(h.value)
    }

    /// Whether the bytes are well-formed UTF-8 (what `String(decoding:as:)` keeps as it is): no stray or
    /// missing continuation byte, no overlong form, no surrogate, nothing past U+10FFFF.
    static func isUTF8(_ p: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = p.count
        while i < n {
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            let length: Int, least: UInt32
            var scalar: UInt32
            switch b {
            case 0xC0...0xDF: length = 2; least = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; least = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF7: length = 4; least = 0x10000; scalar = UInt32(b & 0x07)
            default: return false
            }
            guard i + length <= n else { return false }
            for j in 1..<length {
                let c = p[i + j]
                guard c & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            guard scalar >= least, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return false }
            i += length
        }
        return true
    }

    /// The `Value` `Statement.value(at:)` builds from a value read in place.
    static func value(_ c: ColumnValue) -> Value {
        switch c {
        case .null: return .null
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .text(let t): return .string(String(decoding: t, as: UTF8.self))
        case .blob(let b): return .bytes(Array(b))
        }
    }
}

/// FNV-1a 64 fed piece by piece (each piece followed by a separator byte, so "ab"+"c" differs from "a"+"bc").
struct Hasher64 {
    private(set) var value: UInt64 = 14_695_981_039_346_656_037

    mutating func add(_ text: String) {
        // The contiguous UTF-8 of a native string, without an iterator per byte.
        var t = text
        t.withUTF8 { add(bytes: $0) }
    }

    /// A one-byte type tag.
    mutating func add(tag: UInt8) { value = (value ^ UInt64(tag)) &* 1_099_511_628_211 }

    /// A type tag and a 64-bit word (8 bytes, little end first).
    mutating func add(tag: UInt8, word: UInt64) {
        add(tag: tag)
        var w = word
        for _ in 0..<8 { value = (value ^ (w & 0xff)) &* 1_099_511_628_211; w >>= 8 }
        value = (value ^ 0xff) &* 1_099_511_628_211
    }

    /// SplitMix64's finalizer: spreads every input bit over the output, so sums of column hashes stay distinct.
    static func finalized(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A REAL: an integral one (below 2^53 or so) as the integer it equals (REAL affinity), else its bits.
    mutating func add(real d: Double) {
        // Int64(exactly:) is nil for a fraction (and NaN): integral, as `d.rounded() == d` asks, without libm.
        if abs(d) < 9.0e15, let i = Int64(exactly: d) { add(tag: 0x69, word: UInt64(bitPattern: i)) } else { add(tag: 0x64, word: d.bitPattern) }
    }

    /// A hasher that has hashed `name` (a column's: the start of each of its values' hashes).
    static func named(_ name: String) -> Hasher64 {
        var h = Hasher64()
        h.add(name)
        return h
    }

    /// A value's bytes, eight at a time, then their count (the row hashes' text and blobs: FNV-1a's byte at a
    /// time was most of a verify's time; `add(bytes:)` stays FNV-1a, the mapping version keeps its value).
    /// Returns whether every byte is ASCII and whether one is NUL.
    mutating func add(value p: UnsafeRawBufferPointer) -> (ascii: Bool, nul: Bool) {
        var v = value
        var ors: UInt64 = 0, zeros: UInt64 = 0
        let n = p.count
        var i = 0
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            ors |= w
            zeros |= (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080  // non-zero when a byte is 0
            v = Self.mix(v ^ w)
            i += 8
        }
        var nul = zeros != 0
        if i < n, n >= 8 {
            // The last 8 bytes, overlapping the words before: the ones not hashed yet shifted down.
            let whole = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            ors |= whole
            if (whole &- 0x0101_0101_0101_0101) & ~whole & 0x8080_8080_8080_8080 != 0 { nul = true }
            v = Self.mix(v ^ (whole >> UInt64(8 * (8 - (n - i)))))
        } else if i < n {
            var w: UInt64 = 0, shift: UInt64 = 0
            for j in i..<n {
                let b = p[j]
                if b == 0 { nul = true }
                w |= UInt64(b) << shift
                shift += 8
            }
            ors |= w
            v = Self.mix(v ^ w)
        }
        value = Self.mix(v ^ UInt64(n))
        return (ors & 0x8080_8080_8080_8080 == 0, nul)
    }

    /// `add(value:)` of a string's UTF-8.
    mutating func add(text: String) {
        var t = text
        t.withUTF8 { _ = add(value: UnsafeRawBufferPointer($0)) }
    }

    /// A bijective mix of one word (multiply by an odd constant, fold the high half down).
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        let m = x &* 0x9E37_79B9_7F4A_7C15
        return m ^ (m >> 32)
    }

    mutating func add<S: Sequence>(bytes: S) where S.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 1_099_511_628_211 }
        value = (value ^ 0xff) &* 1_099_511_628_211
    }

    mutating func add(_ n: UInt64) { add(String(n)) }
}

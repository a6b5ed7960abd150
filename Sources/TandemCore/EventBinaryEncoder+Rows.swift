/// Encodes `snapshot` events of one entity straight from source rows (`ColumnValues`) into `EncodedEvents`,
/// in the payload layout `EventBinaryEncoder` writes for an `Event` (the same bytes, see `EventBinaryCodec`),
/// without a `Row`, `Value` or `String` per row: the names are encoded once, the values copied in place.
///
/// A text value is kept as its UTF-8 bytes when they are ASCII; other text goes through `String` exactly as a
/// `Value` would (invalid UTF-8 is repaired the same way), so the events are those of the event-per-row path.
public struct SnapshotRowEncoder {
    typealias Tag = EventBinaryCodec.Tag

    /// The entity, length-prefixed.
    private let entity: [UInt8]
    /// Every column's name, length-prefixed, one after another; `nameEnds[i]` is where column i's ends.
    private let names: [UInt8]
    private let nameEnds: [Int]
    /// The columns of the key, in key order.
    private let keyIndexes: [Int32]
    private let columnCount: Int32
    // Per row scratch, kept for its capacity.
    private var kinds: [ColumnValueKind] = []
    private var texts: [UnsafeRawBufferPointer] = []
    private var repaired: [String?] = []

    /// An encoder for rows of `entity` whose values come in `columns` order, keyed by the columns at `keyIndexes`.
    public init(entity: String, columns: [String], keyIndexes: [Int]) {
        var e: [UInt8] = []
        Self.appendString(entity, to: &e)
        self.entity = e
        var n: [UInt8] = [], ends: [Int] = []
        for c in columns { Self.appendString(c, to: &n); ends.append(n.count) }
        names = n
        nameEnds = ends
        self.keyIndexes = keyIndexes.map { Int32($0) }
        columnCount = Int32(columns.count)
        kinds = Array(repeating: .null, count: columns.count)
        texts = Array(repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: columns.count)
        repaired = Array(repeating: nil, count: columns.count)
    }

    private static func appendString(_ s: String, to out: inout [UInt8]) {
        var v = UInt64(s.utf8.count)
        while v >= 0x80 { out.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        out.append(UInt8(v))
        out.append(contentsOf: s.utf8)
    }

    /// Appends the `snapshot` event of the current row of `row` with `sourcePosition` (UTF-8 bytes) to `out`.
    public mutating func append<R: ColumnValues>(_ row: R, sourcePosition: UnsafeRawBufferPointer, to out: inout EncodedEvents) {
        // First pass: kinds and text bytes, to bound the payload and to judge uniformity.
        var bound = 1 + entity.count + 2 * 10 + 10 + sourcePosition.count + names.count
        var regular = true
        for i in 0..<Int(columnCount) {
            let k = row.kind(at: Int32(i))
            kinds[i] = k
            switch k {
            case .null: bound += 1
            case .int, .double: bound += 10
            case .text:
                let t = row.text(at: Int32(i))
                texts[i] = t
                if Self.isPlainASCII(t) {
                    repaired[i] = nil
                    bound += 11 + t.count
                } else {
                    // Exactly what a `Value.string` of these bytes holds (invalid UTF-8 becomes U+FFFD).
                    let s = String(decoding: t.bindMemory(to: UInt8.self), as: UTF8.self)
                    repaired[i] = s
                    if s.utf8.contains(0) { regular = false }
                    bound += 11 + s.utf8.count
                }
            case .blob:
                let b = row.blob(at: Int32(i))
                texts[i] = b
                bound += 11 + b.count
            }
        }
        if out.ends.isEmpty { out.keyKinds = keyIndexes.map { kinds[Int($0)] } }
        for (j, k) in keyIndexes.enumerated() {
            let kind = kinds[Int(k)]
            if kind != out.keyKinds[j] || kind == .null { regular = false }
            if kind == .double {
                let d = row.double(at: k)
                if d.isNaN || (d == 0 && d.sign == .minus) { regular = false }
            }
            bound += nameEnds[Int(k)] - (k == 0 ? 0 : nameEnds[Int(k) - 1]) + 11 + (kind == .text || kind == .blob ? texts[Int(k)].count * 3 : 0)
        }
        if !regular { out.uniform = false }
        // Through pointers only: a closure that used `self` would copy the encoder (a retain per array).
        kinds.withUnsafeBufferPointer { kinds in
        texts.withUnsafeBufferPointer { texts in
        repaired.withUnsafeBufferPointer { repaired in
        names.withUnsafeBufferPointer { names in
        nameEnds.withUnsafeBufferPointer { nameEnds in
        entity.withUnsafeBufferPointer { entity in
        keyIndexes.withUnsafeBufferPointer { keyIndexes in
            let columns = Columns(kinds: kinds, texts: texts, repaired: repaired, names: names, nameEnds: nameEnds)
            out.appendTail(bound: bound) { start in
                var c = RawCursor(start)
                c.u8(EventBinaryCodec.opCode(.snapshot))
                c.bytes(entity)
                c.varint(UInt64(keyIndexes.count))
                for k in keyIndexes { columns.write(Int(k), row, &c) }
                c.varint(UInt64(sourcePosition.count))
                let position = (c.p - start)..<(c.p - start + sourcePosition.count)
                c.bytes(sourcePosition.bindMemory(to: UInt8.self))
                c.varint(UInt64(kinds.count))
                for i in 0..<kinds.count { columns.write(i, row, &c) }
                return (c.p - start, position)
            }
        }}}}}}}
    }

    /// The current row's columns as the first pass found them, and the encoded names.
    private struct Columns {
        let kinds: UnsafeBufferPointer<ColumnValueKind>
        let texts: UnsafeBufferPointer<UnsafeRawBufferPointer>
        let repaired: UnsafeBufferPointer<String?>
        let names: UnsafeBufferPointer<UInt8>
        let nameEnds: UnsafeBufferPointer<Int>

        /// Writes column `i`'s name and value as `EventBinaryEncoder` writes a row's column.
        @inline(__always)
        func write<R: ColumnValues>(_ i: Int, _ row: R, _ c: inout RawCursor) {
            c.bytes(UnsafeBufferPointer(rebasing: names[(i == 0 ? 0 : nameEnds[i - 1])..<nameEnds[i]]))
            switch kinds[i] {
            case .null: c.u8(Tag.null)
            case .int: c.u8(Tag.int); c.zigzag(row.int(at: Int32(i)))
            case .double: c.u8(Tag.double); c.u64(row.double(at: Int32(i)).bitPattern)
            case .text:
                c.u8(Tag.string)
                if let s = repaired[i] {
                    c.string(s)
                } else {
                    c.varint(UInt64(texts[i].count))
                    c.bytes(texts[i].bindMemory(to: UInt8.self))
                }
            case .blob:
                c.u8(Tag.bytes)
                c.varint(UInt64(texts[i].count))
                c.bytes(texts[i].bindMemory(to: UInt8.self))
            }
        }
    }

    /// True when every byte is ASCII and none is NUL (eight at a time): such text is its own `String` bytes.
    @inline(__always)
    static func isPlainASCII(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = b.count
        // A byte with its high bit set, or a zero byte (whose subtraction borrows), sets a high bit here.
        while i + 8 <= n {
            let x = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if ((x &- 0x0101_0101_0101_0101) | x) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n { if b[i] == 0 || b[i] >= 0x80 { return false }; i += 1 }
        return true
    }
}

/// Encodes `snapshot` events of one entity straight from source rows (`ColumnValues`) into `EncodedEvents`,
/// in the payload layout `EventBinaryEncoder` writes for an `Event` (the same bytes, see `EventBinaryCodec`),
/// without a `Row`, `Value` or `String` per row: the names are encoded once, the values copied in place.
///
/// Text is kept as its bytes when they are valid UTF-8 (what a `String` of them holds byte for byte); invalid
/// UTF-8 goes through `String` exactly as a `Value` would (repaired with U+FFFD), so the events are those of
/// the event-per-row path. A class: its scratch row is allocated once and freed with it.
public final class SnapshotRowEncoder {
    typealias Tag = EventBinaryCodec.Tag

    /// The entity, length-prefixed.
    private let entity: [UInt8]
    /// Every column's name, length-prefixed, one after another: column i's are `names[nameStarts[i]..<nameStarts[i + 1]]`.
    private let names: UnsafeMutablePointer<UInt8>
    private let nameStarts: UnsafeMutablePointer<Int>
    private let nameBytes: Int
    /// The columns of the key, in key order.
    private let keyIndexes: [Int]
    private let width: Int
    /// The loaded row's values (one read per column per row).
    private let values: UnsafeMutablePointer<ColumnValue>
    /// What `load` found out about the loaded row. Behind a pointer: a class's `var` costs a dynamic
    /// exclusivity check per access, several per row.
    private let row: UnsafeMutablePointer<LoadedRow>

    private struct LoadedRow {
        /// At least the bytes of its values with their tags and lengths.
        var valueBytes = 0
        /// No text with a NUL.
        var regular = true
        /// Text that is not valid UTF-8, as `String` repairs it; empty (no allocation) as a rule.
        var repairs: [(column: Int, text: String)] = []
    }

    /// An encoder for rows of `entity` whose values come in `columns` order, keyed by the columns at `keyIndexes`.
    public init(entity: String, columns: [String], keyIndexes: [Int]) {
        var e = ByteWriter()
        e.string(entity)
        self.entity = e.bytes
        var w = ByteWriter(), starts: [Int] = [0]
        for c in columns { w.string(c); starts.append(w.bytes.count) }
        let n = w.bytes
        names = .allocate(capacity: max(1, n.count))
        names.initialize(from: n, count: n.count)
        nameBytes = n.count
        nameStarts = .allocate(capacity: starts.count)
        nameStarts.initialize(from: starts, count: starts.count)
        self.keyIndexes = keyIndexes
        width = columns.count
        values = .allocate(capacity: max(1, columns.count))
        values.initialize(repeating: .null, count: max(1, columns.count))
        row = .allocate(capacity: 1)
        row.initialize(to: LoadedRow())
    }

    deinit {
        values.deinitialize(count: max(1, width))
        values.deallocate()
        names.deallocate()
        nameStarts.deallocate()
        row.deinitialize(count: 1)
        row.deallocate()
    }

    /// Reads the current row of `row`, every column once, for `key(_:)` and `append(sourcePosition:to:)`.
    public func load<R: ColumnValues>(_ source: R) {
        var bytes = 0
        var regular = true
        if !row.pointee.repairs.isEmpty { row.pointee.repairs.removeAll() }
        for i in 0..<width {
            let v = source.columnValue(at: Int32(i))
            values[i] = v
            switch v {
            case .null: bytes += 1
            case .int, .double: bytes += 10
            case .text(let t):
                let (valid, nul) = Self.checkUTF8(t)
                if nul { regular = false }
                if valid {
                    bytes += 11 + t.count
                } else {
                    // Exactly what a `Value.string` of these bytes holds.
                    let s = String(decoding: t.bindMemory(to: UInt8.self), as: UTF8.self)
                    row.pointee.repairs.append((i, s))
                    bytes += 11 + s.utf8.count
                }
            case .blob(let b): bytes += 11 + b.count
            }
        }
        row.pointee.valueBytes = bytes
        row.pointee.regular = regular
    }

    /// The loaded row's key column `j` (in key order); nil for text that is not valid UTF-8 (its `String`
    /// differs from its bytes: read it as a `Value`).
    public func key(_ j: Int) -> ColumnValue? {
        let i = keyIndexes[j]
        if !row.pointee.repairs.isEmpty, row.pointee.repairs.contains(where: { $0.column == i }) { return nil }
        return values[i]
    }

    /// Appends the `snapshot` event of the loaded row with `sourcePosition` (UTF-8 bytes) to `out`.
    public func append(sourcePosition: UnsafeRawBufferPointer, to out: inout EncodedEvents) {
        var regular = row.pointee.regular
        if out.ends.isEmpty { out.keyKinds = keyIndexes.map { Self.kindCode(values[$0]) } }
        for (j, k) in keyIndexes.enumerated() {
            let kind = Self.kindCode(values[k])
            if kind != out.keyKinds[j] || kind == 0 { regular = false }
            if case .double(let d) = values[k], d.isNaN || (d == 0 && d.sign == .minus) { regular = false }
        }
        if !regular { out.uniform = false }
        // Key values are a subset of the values: counting all of them twice bounds both images.
        let bound = 1 + entity.count + 3 * 10 + sourcePosition.count + 2 * (nameBytes + row.pointee.valueBytes)
        let repaired = !row.pointee.repairs.isEmpty
        out.appendTail(bound: bound) { start in
            var c = RawCursor(start)
            c.u8(EventBinaryCodec.opCode(.snapshot))
            entity.withUnsafeBufferPointer { c.bytes($0) }
            c.varint(UInt64(keyIndexes.count))
            for k in keyIndexes { write(k, &c, repaired) }
            c.varint(UInt64(sourcePosition.count))
            let position = (c.p - start)..<(c.p - start + sourcePosition.count)
            c.bytes(sourcePosition.bindMemory(to: UInt8.self))
            c.varint(UInt64(width))
            for i in 0..<width { write(i, &c, repaired) }
            return (c.p - start, position)
        }
    }

    /// Writes column `i`'s name and value as `EventBinaryEncoder` writes a row's column.
    @inline(__always)
    private func write(_ i: Int, _ c: inout RawCursor, _ repaired: Bool) {
        let from = nameStarts[i], n = nameStarts[i + 1] - from
        c.p.update(from: names + from, count: n)
        c.p += n
        switch values[i] {
        case .null: c.u8(Tag.null)
        case .int(let v): c.u8(Tag.int); c.zigzag(v)
        case .double(let d): c.u8(Tag.double); c.u64(d.bitPattern)
        case .text(let t):
            c.u8(Tag.string)
            if repaired, let r = row.pointee.repairs.first(where: { $0.column == i }) {
                c.string(r.text)
            } else {
                c.varint(UInt64(t.count))
                c.bytes(t.bindMemory(to: UInt8.self))
            }
        case .blob(let b):
            c.u8(Tag.bytes)
            c.varint(UInt64(b.count))
            c.bytes(b.bindMemory(to: UInt8.self))
        }
    }

    /// A key value's kind as a number (0 for null): what the key kinds of `EncodedEvents` compare.
    private static func kindCode(_ v: ColumnValue) -> UInt8 {
        switch v {
        case .null: 0
        case .int: 1
        case .double: 2
        case .text: 3
        case .blob: 4
        }
    }

    /// Whether `b` is valid UTF-8 (so a `String` of it holds the same bytes), and whether it holds a NUL.
    /// Strict (Unicode's table of well-formed sequences): no overlong forms, surrogates or code points past
    /// U+10FFFF; what it refuses is repaired through `String`, which is right even where it is too strict.
    static func checkUTF8(_ b: UnsafeRawBufferPointer) -> (valid: Bool, nul: Bool) {
        var i = 0, nul = false
        let n = b.count
        while i < n {
            if i + 8 <= n {
                // Eight ASCII bytes, none NUL: a high bit, or a zero byte (whose subtraction borrows), shows here.
                let x = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if ((x &- 0x0101_0101_0101_0101) | x) & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let c = b[i]
            if c < 0x80 {
                if c == 0 { nul = true }
                i += 1
                continue
            }
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            let more: Int
            switch c {
            case 0xC2...0xDF: more = 1
            case 0xE0: more = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: more = 2
            case 0xED: more = 2; hi = 0x9F
            case 0xF0: more = 3; lo = 0x90
            case 0xF1...0xF3: more = 3
            case 0xF4: more = 3; hi = 0x8F
            default: return (false, nul)
            }
            guard i + more < n, b[i + 1] >= lo, b[i + 1] <= hi else { return (false, nul) }
            if more >= 2 {
                for k in 2...more where b[i + k] & 0xC0 != 0x80 { return (false, nul) }
            }
            i += more + 1
        }
        return (true, nul)
    }
}

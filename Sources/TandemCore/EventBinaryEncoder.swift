import Glibc

/// The payload encoder behind `EventBinaryCodec.encode`: it measures an upper bound of the
/// payload, makes room once, then stores through a raw cursor.
///
/// Why not `ByteWriter` calls: each append checks uniqueness and capacity, and each is a call
/// the optimizer cannot see through, so it copied (retained and released) every string and row
/// it passed along. Here nothing between reading a field and storing its bytes is opaque.
enum EventBinaryEncoder {
    typealias Field = EventBinaryCodec.Field
    typealias Tag = EventBinaryCodec.Tag

    /// Appends `headerRoom` zero bytes and the payload of the event at `event`, stamped with `seq`.
    static func encode(_ event: UnsafePointer<Event>, seq: UInt64, headerRoom: Int, into w: inout ByteWriter) {
        let bound = headerRoom + maxSize(event)
        let start = w.bytes.count
        w.bytes.append(contentsOf: repeatElement(0, count: bound))
        let used = w.bytes.withUnsafeMutableBufferPointer { buf -> Int in
            var c = RawCursor(buf.baseAddress! + start + headerRoom)
            write(event, seq: seq, to: &c)
            return headerRoom + (c.p - (buf.baseAddress! + start + headerRoom))
        }
        w.bytes.removeLast(bound - used)
    }

    /// At least the payload's size: every varint counted at its widest.
    private static func maxSize(_ event: UnsafePointer<Event>) -> Int {
        var n = 4 + 10  // version, flags, seq, op
        n += 10 + event.pointee.entity.utf8.count
        n += maxSize(event.pointee.key)
        if let s = event.pointee.sourcePosition { n += 10 + s.utf8.count }
        if let s = event.pointee.txn { n += 10 + s.utf8.count }
        n += 10  // committedAt
        if let r = event.pointee.before { n += maxSize(r) }
        if let r = event.pointee.after { n += maxSize(r) }
        if let s = event.pointee.tenant { n += 10 + s.utf8.count }
        if let s = event.pointee.origin { n += 10 + s.utf8.count }
        return n + 1  // second flags byte
    }

    private static func maxSize(_ row: borrowing Row) -> Int {
        var n = 10
        for name in row.names { n += 11 + name.utf8.count }  // length, bytes, tag
        for value in row.values {
            switch value {
            case .null, .bool: break
            case .int, .double, .timestamp: n += 10
            case .decimal(let s), .string(let s): n += 10 + s.utf8.count
            case .bytes(let b): n += 10 + b.count
            }
        }
        return n
    }

    private static func write(_ event: UnsafePointer<Event>, seq: UInt64, to c: inout RawCursor) {
        c.u8(EventBinaryCodec.version)
        var flags: UInt8 = 0
        if event.pointee.sourcePosition != nil { flags |= Field.sourcePosition }
        if event.pointee.txn != nil { flags |= Field.txn }
        if event.pointee.committedAt != nil { flags |= Field.committedAt }
        if event.pointee.before != nil { flags |= Field.before }
        if event.pointee.after != nil { flags |= Field.after }
        if event.pointee.tenant != nil { flags |= Field.tenant }
        if event.pointee.origin != nil { flags |= Field.origin }
        let flags2: UInt8 = event.pointee.beforeComplete ? EventBinaryCodec.Field2.beforeComplete : 0
        if flags2 != 0 { flags |= Field.more }
        c.u8(flags)
        c.varint(seq)
        c.u8(EventBinaryCodec.opCode(event.pointee.op))
        c.string(event.pointee.entity)
        write(event.pointee.key, to: &c)
        if let s = event.pointee.sourcePosition { c.string(s) }
        if let s = event.pointee.txn { c.string(s) }
        if let t = event.pointee.committedAt { c.zigzag(t.microseconds) }
        if let r = event.pointee.before { write(r, to: &c) }
        if let r = event.pointee.after { write(r, to: &c) }
        if let s = event.pointee.tenant { c.string(s) }
        if let s = event.pointee.origin { c.string(s) }
        if flags2 != 0 { c.u8(flags2) }
    }

    private static func write(_ row: borrowing Row, to c: inout RawCursor) {
        c.varint(UInt64(row.count))
        for i in 0..<row.count {
            c.string(row.names[i])
            switch row.values[i] {
            case .null: c.u8(Tag.null)
            case .bool(let b): c.u8(b ? Tag.bTrue : Tag.bFalse)
            case .int(let v): c.u8(Tag.int); c.zigzag(v)
            case .double(let d): c.u8(Tag.double); c.u64(d.bitPattern)
            case .decimal(let s): c.u8(Tag.decimal); c.string(s)
            case .string(let s): c.u8(Tag.string); c.string(s)
            case .bytes(let b): c.u8(Tag.bytes); c.varint(UInt64(b.count)); b.withUnsafeBufferPointer { c.bytes($0) }
            case .timestamp(let t): c.u8(Tag.timestamp); c.zigzag(t.microseconds)
            }
        }
    }
}

/// Unchecked little-endian stores at a moving pointer; the caller made room for all of them.
struct RawCursor {
    var p: UnsafeMutablePointer<UInt8>

    init(_ p: UnsafeMutablePointer<UInt8>) { self.p = p }

    @inline(__always) mutating func u8(_ v: UInt8) { p.pointee = v; p += 1 }

    @inline(__always) mutating func u64(_ v: UInt64) {
        UnsafeMutableRawPointer(p).storeBytes(of: v.littleEndian, as: UInt64.self); p += 8
    }

    @inline(__always) mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { u8(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        u8(UInt8(v))
    }

    @inline(__always) mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    @inline(__always) mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        if let base = b.baseAddress, b.count > 0 { p.update(from: base, count: b.count); p += b.count }
    }

    /// A length-prefixed UTF-8 string.
    @inline(__always) mutating func string(_ s: borrowing String) {
        varint(UInt64(s.utf8.count))
        let done: Void? = s.utf8.withContiguousStorageIfAvailable { bytes($0) }
        if done == nil { for b in s.utf8 { u8(b) } }
    }
}

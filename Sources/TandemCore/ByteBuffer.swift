import Glibc

/// Little-endian, varint-aware appends onto a byte array (the journal's binary encoding).
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// A writer with room reserved for `capacity` bytes.
    public init(capacity: Int = 256) { bytes = []; bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func u8(_ v: UInt8) { bytes.append(v) }

    public mutating func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }

    public mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8((v >> 8) & 0xFF))
        bytes.append(UInt8((v >> 16) & 0xFF)); bytes.append(UInt8(v >> 24))
    }

    public mutating func u64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) }
    }

    /// An unsigned LEB128 varint.
    @inline(__always) public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    /// A signed integer as a zigzag varint.
    public mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    /// A length-prefixed byte string.
    public mutating func blob(_ b: [UInt8]) { varint(UInt64(b.count)); bytes.append(contentsOf: b) }

    /// A length-prefixed UTF-8 string.
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { u in varint(UInt64(u.count)); bytes.append(contentsOf: u) }
    }
}

/// Bounds-checked reads over a byte buffer; every overrun is a `DecodeError`, never a trap.
public struct ByteReader {
    private let base: UnsafeRawBufferPointer
    /// Offset of the next byte to read.
    public private(set) var offset: Int

    /// A reader over `buffer`, which must outlive it.
    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) { base = buffer; self.offset = offset }

    /// Bytes left to read.
    public var remaining: Int { base.count - offset }

    @inline(__always) public mutating func u8() throws(DecodeError) -> UInt8 {
        guard offset < base.count else { throw DecodeError(offset: offset, reason: "unexpected end of data") }
        defer { offset += 1 }
        return base[offset]
    }

    public mutating func u16() throws(DecodeError) -> UInt16 {
        try need(2); defer { offset += 2 }
        return UInt16(base[offset]) | UInt16(base[offset + 1]) << 8
    }

    public mutating func u32() throws(DecodeError) -> UInt32 {
        try need(4); defer { offset += 4 }
        return base.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
    }

    public mutating func u64() throws(DecodeError) -> UInt64 {
        try need(8); defer { offset += 8 }
        return base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }

    @inline(__always) public mutating func varint() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            if shift == 63 && b > 1 { throw DecodeError(offset: offset - 1, reason: "varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw DecodeError(offset: offset, reason: "varint longer than 10 bytes") }
        }
    }

    public mutating func zigzag() throws(DecodeError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// A length-prefixed byte string.
    public mutating func blob() throws(DecodeError) -> [UInt8] {
        let n = try length()
        defer { offset += n }
        return Array(UnsafeRawBufferPointer(rebasing: base[offset..<offset + n]))
    }

    /// A length-prefixed UTF-8 string; invalid UTF-8 is an error.
    public mutating func string() throws(DecodeError) -> String {
        let start = offset
        return try ByteReader.makeString(try stringBytes(), at: start)
    }

    /// The bytes of a length-prefixed string, not yet checked as UTF-8 (valid until the buffer goes).
    public mutating func stringBytes() throws(DecodeError) -> UnsafeRawBufferPointer {
        let n = try length()
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: base[offset..<offset + n])
    }

    /// A string from UTF-8 bytes; invalid UTF-8 is an error naming `offset`.
    public static func makeString(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws(DecodeError) -> String {
        // Not String(validating:): it is generic over the encoding and, unspecialized across modules,
        // spends more time in metadata look-ups than in validation. Decoding repairs invalid UTF-8
        // (U+FFFD), so the result equals the input bytes exactly when they were valid.
        let u = bytes.bindMemory(to: UInt8.self)
        var s = String(decoding: u, as: UTF8.self)
        if !isASCII(bytes) {
            let same = s.withUTF8 { d in d.count == u.count && (u.isEmpty || memcmp(d.baseAddress!, u.baseAddress!, u.count) == 0) }
            guard same else { throw DecodeError(offset: offset, reason: "invalid UTF-8 in string") }
        }
        return s
    }

    /// True when every byte is below 0x80, checked eight at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n { if bytes[i] >= 0x80 { return false }; i += 1 }
        return true
    }

    /// Skips `n` bytes.
    public mutating func skip(_ n: Int) throws(DecodeError) { try need(n); offset += n }

    private mutating func length() throws(DecodeError) -> Int {
        let v = try varint()
        guard v <= UInt64(remaining) else {
            throw DecodeError(offset: offset, reason: "length \(v) runs past the end (\(remaining) bytes left)")
        }
        return Int(v)
    }

    @inline(__always) private func need(_ n: Int) throws(DecodeError) {
        guard n <= remaining else {
            throw DecodeError(offset: offset, reason: "unexpected end of data (needed \(n), \(remaining) left)")
        }
    }
}

/// Bytes that do not decode: where and why.
public struct DecodeError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Byte offset within the decoded buffer.
    public var offset: Int
    /// What was wrong.
    public var reason: String
    public init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "at byte \(offset): \(reason)" }
}

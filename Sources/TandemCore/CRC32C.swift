/// CRC-32C (Castagnoli), the checksum of journal records and segment headers.
public enum CRC32C {
    /// Slice-by-16 tables: 16 × 256 entries, built once and never freed. A raw pointer, not an
    /// array: the hot loop then has no bounds checks and no retain of the table storage.
    // nonisolated(unsafe): written once by the lazy initializer, read-only afterwards.
    nonisolated(unsafe) private static let tables: UnsafePointer<UInt32> = {
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 16 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for i in 0..<256 {
            var c = t[i]
            for k in 1..<16 {
                c = t[Int(c & 0xFF)] ^ (c >> 8)
                t[k * 256 + i] = c
            }
        }
        return UnsafePointer(t)
    }()

    /// The CRC-32C of `bytes`, continuing from `crc` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        let t = tables
        var c = ~crc
        var p = base
        var n = bytes.count
        // Sixteen bytes a step: two little-endian 64-bit loads, sixteen independent table look-ups.
        while n >= 16 {
            let a = p.loadUnaligned(as: UInt64.self).littleEndian ^ UInt64(c)
            let b = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
            c = t[15 * 256 + Int(a & 0xFF)] ^ t[14 * 256 + Int((a >> 8) & 0xFF)]
                ^ t[13 * 256 + Int((a >> 16) & 0xFF)] ^ t[12 * 256 + Int((a >> 24) & 0xFF)]
                ^ t[11 * 256 + Int((a >> 32) & 0xFF)] ^ t[10 * 256 + Int((a >> 40) & 0xFF)]
                ^ t[9 * 256 + Int((a >> 48) & 0xFF)] ^ t[8 * 256 + Int(a >> 56)]
                ^ t[7 * 256 + Int(b & 0xFF)] ^ t[6 * 256 + Int((b >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((b >> 16) & 0xFF)] ^ t[4 * 256 + Int((b >> 24) & 0xFF)]
                ^ t[3 * 256 + Int((b >> 32) & 0xFF)] ^ t[2 * 256 + Int((b >> 40) & 0xFF)]
                ^ t[1 * 256 + Int((b >> 48) & 0xFF)] ^ t[Int(b >> 56)]
            p += 16; n -= 16
        }
        if n >= 8 {
            let a = p.loadUnaligned(as: UInt64.self).littleEndian ^ UInt64(c)
            c = t[7 * 256 + Int(a & 0xFF)] ^ t[6 * 256 + Int((a >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((a >> 16) & 0xFF)] ^ t[4 * 256 + Int((a >> 24) & 0xFF)]
                ^ t[3 * 256 + Int((a >> 32) & 0xFF)] ^ t[2 * 256 + Int((a >> 40) & 0xFF)]
                ^ t[1 * 256 + Int((a >> 48) & 0xFF)] ^ t[Int(a >> 56)]
            p += 8; n -= 8
        }
        while n > 0 {
            c = t[Int((c ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ (c >> 8)
            p += 1; n -= 1
        }
        return ~c
    }

    /// The CRC-32C of a byte array, continuing from `crc` (0 to start).
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}

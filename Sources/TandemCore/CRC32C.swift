/// CRC-32C (Castagnoli), the checksum of journal records and segment headers.
public enum CRC32C {
    // Slice-by-8 tables: 8 × 256 entries, built once.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for i in 0..<256 {
            var c = t[i]
            for k in 1..<8 {
                c = t[Int(c & 0xFF)] ^ (c >> 8)
                t[k * 256 + i] = c
            }
        }
        return t
    }()

    /// The CRC-32C of `bytes`, continuing from `crc` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        tables.withUnsafeBufferPointer { t in
            var p = bytes.baseAddress.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) }
            var n = bytes.count
            guard var q = p else { return }
            while n >= 8 {
                let lo = UInt32(q[0]) | UInt32(q[1]) << 8 | UInt32(q[2]) << 16 | UInt32(q[3]) << 24
                let x = c ^ lo
                c = t[7 * 256 + Int(x & 0xFF)] ^ t[6 * 256 + Int((x >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((x >> 16) & 0xFF)] ^ t[4 * 256 + Int(x >> 24)]
                    ^ t[3 * 256 + Int(q[4])] ^ t[2 * 256 + Int(q[5])]
                    ^ t[1 * 256 + Int(q[6])] ^ t[Int(q[7])]
                q += 8; n -= 8
            }
            while n > 0 {
                c = t[Int((c ^ UInt32(q[0])) & 0xFF)] ^ (c >> 8)
                q += 1; n -= 1
            }
            p = q
        }
        return ~c
    }

    /// The CRC-32C of a byte array, continuing from `crc` (0 to start).
    public static func checksum(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: crc) }
    }
}

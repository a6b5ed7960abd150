import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hashes of a column's text values under normalisation (ASCII white space trimmed, ASCII letters
/// lower-cased), written to an unlinked temporary file in sorted runs of `runLength`, so memory stays at one
/// run (512 KiB) whatever the table size. At the end a merge of the runs tells whether two values are equal
/// under normalisation: when none are, the audit skips the store's duplicate query (a sort of the whole
/// table). Any doubt (a non-ASCII value, whose case folding the store may do differently; an I/O failure;
/// two values with the same 64-bit hash) leaves the check to the store.
final class KeySpill {
    static let runLength = 1 << 16
    private var buffer: [UInt64] = []
    private var runs: [(offset: Int, count: Int)] = []
    private var fd: Int32 = -1
    private var written = 0
    /// False once the spill cannot vouch for the column (the store's query decides then).
    private(set) var usable = true

    init() { buffer.reserveCapacity(Self.runLength) }

    deinit { if fd >= 0 { close(fd) } }

    /// The normalised hash of text, nil when it is not ASCII.
    static func normalizedHash(_ b: UnsafeRawBufferPointer) -> UInt64? {
        var lo = 0, hi = b.count
        while lo < hi, TextClassifier.isSpace(b[lo]) { lo += 1 }
        while hi > lo, TextClassifier.isSpace(b[hi - 1]) { hi -= 1 }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(hi - lo)
        var i = lo
        // Eight bytes at a time: ASCII only, upper-case letters given their 0x20 bit (no carry crosses a byte).
        while i + 8 <= hi {
            let x = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if x & 0x8080_8080_8080_8080 != 0 { return nil }
            let upper = (x &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(x &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
            h = (h ^ mix64(x | upper >> 2)) &* 0x9FB2_1C65_1E98_DF25
            i += 8
        }
        while i < hi {
            var c = b[i]
            if c >= 0x80 { return nil }
            if c >= 65, c <= 90 { c |= 0x20 }
            h = (h ^ UInt64(c)) &* 0x100_0000_01B3
            i += 1
        }
        return mix64(h)
    }

    /// Adds one text value.
    func add(_ b: UnsafeRawBufferPointer) {
        guard usable else { return }
        guard let h = Self.normalizedHash(b) else { return giveUp() }
        add(hash: h)
    }

    func add(hash h: UInt64) {
        guard usable else { return }
        buffer.append(h)
        if buffer.count == Self.runLength { flush() }
    }

    /// Stops vouching: the store's query will check the column.
    func giveUp() {
        usable = false
        buffer = []
        if fd >= 0 { close(fd); fd = -1 }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        Self.radixSort(&buffer)
        if fd < 0 {
            var template = Array((NSTemporaryDirectory() + "/tandem-audit-keys-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { return giveUp() }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }  // gone when closed
        }
        let bytes = buffer.count * 8
        let n = buffer.withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes, off_t(written)) }
        guard n == bytes else { return giveUp() }
        runs.append((written, buffer.count))
        written += bytes
        buffer.removeAll(keepingCapacity: true)
    }

    /// Whether two values are equal under normalisation; nil when the spill cannot tell.
    func hasDuplicates() -> Bool? {
        guard usable else { return nil }
        if runs.isEmpty {
            Self.radixSort(&buffer)
            return zip(buffer, buffer.dropFirst()).contains { $0 == $1 }
        }
        flush()
        guard usable else { return nil }
        // A k-way merge of the sorted runs, reading each through a small buffer.
        let chunk = 4096
        var readers = runs.map { Reader(offset: $0.offset, remaining: $0.count) }
        for i in readers.indices { guard readers[i].fill(fd, chunk) else { return nil } }
        var last: UInt64?
        while true {
            var best = -1
            for i in readers.indices where readers[i].position < readers[i].values.count {
                if best < 0 || readers[i].values[readers[i].position] < readers[best].values[readers[best].position] { best = i }
            }
            guard best >= 0 else { return false }
            let v = readers[best].values[readers[best].position]
            if v == last { return true }
            last = v
            readers[best].position += 1
            if readers[best].position == readers[best].values.count { guard readers[best].fill(fd, chunk) else { return nil } }
        }
    }

    /// Sorts hashes by 16-bit digits, least significant first (four counting passes, no comparisons).
    static func radixSort(_ a: inout [UInt64]) {
        var scratch = [UInt64](repeating: 0, count: a.count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: 0, to: 64, by: 16) {
            for i in counts.indices { counts[i] = 0 }
            for v in a { counts[Int(truncatingIfNeeded: v >> UInt64(shift)) & 0xFFFF] += 1 }
            var total = 0
            for i in counts.indices { let n = counts[i]; counts[i] = total; total += n }
            for v in a {
                let d = Int(truncatingIfNeeded: v >> UInt64(shift)) & 0xFFFF
                scratch[counts[d]] = v
                counts[d] += 1
            }
            swap(&a, &scratch)
        }
    }

    private struct Reader {
        var offset: Int
        var remaining: Int
        var values: [UInt64] = []
        var position = 0

        mutating func fill(_ fd: Int32, _ chunk: Int) -> Bool {
            let n = Swift.min(chunk, remaining)
            values = [UInt64](repeating: 0, count: n)
            position = 0
            guard n > 0 else { return true }
            let got = values.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n * 8, off_t(offset)) }
            guard got == n * 8 else { return false }
            offset += n * 8
            remaining -= n
            return true
        }
    }
}

/// The key spill of a column: started when exact counts end, dropped when the column cannot be a key.
extension ColumnProfiler {
    /// Before exact counts are dropped: the text values counted so far start the key spill.
    mutating func seedKeySpill() {
        guard !keyDisqualified, keySpill == nil else { return }
        let spill = KeySpill()
        if !exactIsLossless { spill.giveUp() }
        for e in counts.store {
            guard case .text(var s) = e.shown else { continue }
            guard let h = s.withUTF8({ KeySpill.normalizedHash(UnsafeRawBufferPointer($0)) }) else { spill.giveUp(); break }
            for _ in 0..<e.count { spill.add(hash: h) }
        }
        keySpill = spill
    }

    mutating func disqualifyKey() {
        keyDisqualified = true
        keySpill = nil
    }

    /// True when no two text values are equal under normalisation (ASCII white space trimmed, ASCII letters
    /// lower-cased), so the store need not look for duplicates; false when some are or it cannot be told.
    var noNormalizedDuplicates: Bool {
        if counts.isExact {
            guard exactIsLossless else { return false }
            var seen = Set<UInt64>()
            for e in counts.store {
                guard case .text(var s) = e.shown else { continue }
                guard e.count == 1, let h = s.withUTF8({ KeySpill.normalizedHash(UnsafeRawBufferPointer($0)) }),
                      seen.insert(h).inserted else { return false }
            }
            return true
        }
        return keySpill?.hasDuplicates() == false
    }
}

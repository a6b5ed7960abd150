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
    /// Some sorted run holds a value twice.
    private var sawDuplicate = false

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
        // A repeat inside one run settles the question (the merge need not run).
        if !sawDuplicate { sawDuplicate = zip(buffer, buffer.dropFirst()).contains { $0 == $1 } }
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
        if sawDuplicate { return true }
        // A k-way merge of the sorted runs, reading each through a small buffer.
        var merge = Merge(runs: runs, fd: fd)
        return merge.hasRepeat()
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

    /// A k-way merge of sorted runs of the spill file through a binary heap of the runs (by their current
    /// value), each read through a `chunk`-value window of one flat buffer.
    private struct Merge {
        static let chunk = 4096
        let fd: Int32
        var values: [UInt64]
        var position: [Int], end: [Int], offset: [Int], remaining: [Int]
        var heap: [Int] = []

        init(runs: [(offset: Int, count: Int)], fd: Int32) {
            self.fd = fd
            values = [UInt64](repeating: 0, count: runs.count * Self.chunk)
            position = [Int](repeating: 0, count: runs.count)
            end = position
            offset = runs.map(\.offset)
            remaining = runs.map(\.count)
        }

        /// Reads the next window of run `r`; false on an I/O failure.
        mutating func fill(_ r: Int) -> Bool {
            let n = Swift.min(Self.chunk, remaining[r])
            position[r] = r * Self.chunk
            end[r] = position[r] + n
            guard n > 0 else { return true }
            let at = position[r] * 8, fd = fd, from = off_t(offset[r])
            let got = values.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + at, n * 8, from) }
            guard got == n * 8 else { return false }
            offset[r] += n * 8
            remaining[r] -= n
            return true
        }

        @inline(__always) func current(_ r: Int) -> UInt64 { values[position[r]] }

        mutating func siftDown(_ at: Int) {
            var i = at
            while true {
                let l = 2 * i + 1
                guard l < heap.count else { return }
                var c = l
                if l + 1 < heap.count, current(heap[l + 1]) < current(heap[l]) { c = l + 1 }
                guard current(heap[c]) < current(heap[i]) else { return }
                heap.swapAt(i, c)
                i = c
            }
        }

        /// True when some value appears twice across the runs, false when none does, nil on an I/O failure.
        mutating func hasRepeat() -> Bool? {
            for r in position.indices {
                guard fill(r) else { return nil }
                if position[r] < end[r] { heap.append(r) }
            }
            for i in stride(from: heap.count / 2, through: 0, by: -1) { siftDown(i) }
            var last: UInt64?
            while let top = heap.first {
                let v = current(top)
                if v == last { return true }
                last = v
                position[top] += 1
                if position[top] == end[top] {
                    guard fill(top) else { return nil }
                    if position[top] == end[top] {
                        heap[0] = heap[heap.count - 1]
                        heap.removeLast()
                    }
                }
                siftDown(0)
            }
            return false
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
        for i in 0..<counts.held {
            guard case .text(var s) = counts.shownForm(i) else { continue }
            guard let h = s.withUTF8({ KeySpill.normalizedHash(UnsafeRawBufferPointer($0)) }) else { spill.giveUp(); break }
            for _ in 0..<counts.tallies[i].count { spill.add(hash: h) }
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
            for i in 0..<counts.held {
                guard case .text(var s) = counts.shownForm(i) else { continue }
                guard counts.tallies[i].count == 1, let h = s.withUTF8({ KeySpill.normalizedHash(UnsafeRawBufferPointer($0)) }),
                      seen.insert(h).inserted else { return false }
            }
            return true
        }
        return keySpill?.hasDuplicates() == false
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hashes of a column's text values under normalisation (ASCII white space trimmed, ASCII letters
/// lower-cased), written to an unlinked temporary file in sorted runs of `runLength`, so memory stays at one
/// run and the sort's other half (1 MiB) whatever the table size. At the end a merge of the runs tells whether two values are equal
/// under normalisation: when none are, the audit skips the store's duplicate query (a sort of the whole
/// table). Any doubt (a non-ASCII value, whose case folding the store may do differently; an I/O failure;
/// two values with the same 64-bit hash) leaves the check to the store.
final class KeySpill {
    static let runLength = 1 << 16
    /// The run being filled, and how full it is (-1 once the spill gave up). Reached through `let` pointers:
    /// a class's `var` is checked for exclusive access at run time on every append, and this runs per value.
    private let pending = UnsafeMutablePointer<UInt64>.allocate(capacity: KeySpill.runLength)
    private let filled = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    /// The sort's other half.
    private let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: KeySpill.runLength)
    private var runs: [(offset: Int, count: Int)] = []
    private var fd: Int32 = -1
    private var written = 0
    /// False once the spill cannot vouch for the column (the store's query decides then).
    var usable: Bool { filled.pointee >= 0 }
    /// Some sorted run holds a value twice.
    private var sawDuplicate = false

    init() { filled.pointee = 0 }

    deinit {
        if fd >= 0 { close(fd) }
        pending.deallocate()
        filled.deallocate()
        scratch.deallocate()
    }

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
        if i < hi {
            // The last one to seven bytes as one word, folded the same way.
            let x = tailWord(UnsafeRawBufferPointer(rebasing: b[..<hi]), from: i)
            if x & 0x8080_8080_8080_8080 != 0 { return nil }
            let upper = (x &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(x &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
            h = (h ^ mix64((x | upper >> 2) ^ 0xD6E8_FEB8_6659_FD93)) &* 0x9FB2_1C65_1E98_DF25
        }
        return mix64(h)
    }

    /// Adds one text value.
    func add(_ b: UnsafeRawBufferPointer) {
        guard usable else { return }
        guard let h = Self.normalizedHash(b) else { return giveUp() }
        add(hash: h)
    }

    @inline(__always) func add(hash h: UInt64) {
        let n = filled.pointee
        guard n >= 0 else { return }
        pending[n] = h
        filled.pointee = n + 1
        if n + 1 == Self.runLength { flush() }
    }

    /// Stops vouching: the store's query will check the column.
    func giveUp() {
        filled.pointee = -1
        if fd >= 0 { close(fd); fd = -1 }
    }

    /// The run being filled, sorted in place; true when it holds a value twice.
    private func sortPending() -> Bool {
        let run = UnsafeMutableBufferPointer(start: pending, count: Swift.max(filled.pointee, 0))
        Self.radixSort(run, scratch: UnsafeMutableBufferPointer(start: scratch, count: run.count))
        return zip(run, run.dropFirst()).contains { $0 == $1 }
    }

    private func flush() {
        let count = filled.pointee
        guard count > 0 else { return }
        // A repeat inside one run settles the question (the merge need not run).
        if sortPending() { sawDuplicate = true }
        if fd < 0 {
            var template = Array((NSTemporaryDirectory() + "/tandem-audit-keys-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { return giveUp() }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }  // gone when closed
        }
        let bytes = count * 8
        guard pwrite(fd, pending, bytes, off_t(written)) == bytes else { return giveUp() }
        runs.append((written, count))
        written += bytes
        filled.pointee = 0
    }

    /// Whether two values are equal under normalisation; nil when the spill cannot tell.
    func hasDuplicates() -> Bool? {
        guard usable else { return nil }
        if runs.isEmpty { return sortPending() }
        flush()
        guard usable else { return nil }
        if sawDuplicate { return true }
        // A k-way merge of the sorted runs, reading each through a small buffer.
        var merge = Merge(runs: runs, fd: fd)
        return merge.hasRepeat()
    }

    /// Sorts hashes: by their top 22 bits in two counting passes of 11-bit digits (no comparisons; a digit's
    /// 2048 counters stay in the first-level cache), then an insertion pass that orders values sharing those
    /// bits (mixed hashes rarely do, so it moves few values; equal values are not moved at all).
    static func radixSort(_ a: inout [UInt64]) {
        var scratch = [UInt64](repeating: 0, count: a.count)
        a.withUnsafeMutableBufferPointer { v in scratch.withUnsafeMutableBufferPointer { radixSort(v, scratch: $0) } }
    }

    /// The sort of `v`, with `scratch` (as long) for the counting passes.
    static func radixSort(_ v: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>) {
        let n = v.count
        guard n > 1 else { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2048) { counts in
            // Two passes: into scratch by bits 42–52, back into v by bits 53–63.
            for (shift, src, dst) in [(UInt64(42), v, scratch), (UInt64(53), scratch, v)] {
                counts.initialize(repeating: 0)
                for i in 0..<n { counts[Int(truncatingIfNeeded: src[i] >> shift) & 0x7FF] += 1 }
                var total = 0
                for i in 0..<2048 { let c = counts[i]; counts[i] = total; total += c }
                for i in 0..<n {
                    let x = src[i]
                    let d = Int(truncatingIfNeeded: x >> shift) & 0x7FF
                    dst[counts[d]] = x
                    counts[d] += 1
                }
            }
        }
        for i in 1..<n {
            let x = v[i]
            var j = i
            while j > 0, v[j - 1] > x { v[j] = v[j - 1]; j -= 1 }
            if j != i { v[j] = x }
        }
    }

    /// A k-way merge of sorted runs of the spill file through a binary heap of the runs (by their current
    /// value), each read through a `chunk`-value window of one flat buffer.
    private struct Merge {
        static let chunk = 4096
        let fd: Int32
        var values: [UInt64]
        var position: [Int], end: [Int], offset: [Int], remaining: [Int]

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

        /// A run in the heap, with its current value (compared without looking into the run).
        struct Head { var value: UInt64; var run: Int }

        static func siftDown(_ heap: UnsafeMutableBufferPointer<Head>, _ count: Int, _ at: Int) {
            var i = at
            let item = heap[i]
            while true {
                let l = 2 * i + 1
                guard l < count else { break }
                var c = l
                if l + 1 < count, heap[l + 1].value < heap[l].value { c = l + 1 }
                guard heap[c].value < item.value else { break }
                heap[i] = heap[c]
                i = c
            }
            heap[i] = item
        }

        /// True when some value appears twice across the runs, false when none does, nil on an I/O failure.
        mutating func hasRepeat() -> Bool? {
            var heap: [Head] = []
            for r in position.indices {
                guard fill(r) else { return nil }
                if position[r] < end[r] { heap.append(Head(value: values[position[r]], run: r)) }
            }
            var count = heap.count
            return heap.withUnsafeMutableBufferPointer { h -> Bool? in
                for i in stride(from: count / 2, through: 0, by: -1) { Self.siftDown(h, count, i) }
                var last: UInt64?
                while count > 0 {
                    let v = h[0].value, r = h[0].run
                    if v == last { return true }
                    last = v
                    position[r] += 1
                    if position[r] == end[r] {
                        guard fill(r) else { return nil }
                        if position[r] == end[r] {
                            count -= 1
                            h[0] = h[count]
                            Self.siftDown(h, count, 0)
                            continue
                        }
                    }
                    h[0].value = values[position[r]]
                    Self.siftDown(h, count, 0)
                }
                return false
            }
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

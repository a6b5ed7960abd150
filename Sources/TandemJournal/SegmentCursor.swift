/// One step of a `SegmentCursor`.
enum CursorStep {
    /// A whole record with a good CRC; `payload` is valid until the next call on the cursor.
    case record(seq: UInt64, groupStart: Bool, offset: Int64, payload: UnsafeRawBufferPointer)
    /// The file ends exactly after the last record.
    case end
    /// The file ends inside a frame that starts at the cursor's offset.
    case incomplete
    /// The frame at the cursor's offset is damaged.
    case bad(reason: String)
}

/// Walks the records of one segment file through a bounded buffer (memory stays flat whatever the size).
final class SegmentCursor {
    let file: any JournalFile
    /// File offset of the next frame.
    private(set) var offset: Int64
    private var buffer: UnsafeMutableRawBufferPointer
    /// File offset of `buffer[0]` and the count of valid bytes in it.
    private var bufferStart: Int64
    private var bufferCount = 0

    /// A cursor at `offset` (usually the header size) of `file`.
    init(file: any JournalFile, offset: Int64, bufferSize: Int = 1 << 20) {
        self.file = file
        self.offset = offset
        bufferStart = offset
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Moves to a frame boundary at `offset`, keeping buffered bytes when they cover it.
    func seek(to offset: Int64) {
        if offset >= bufferStart && offset <= bufferStart + Int64(bufferCount) {
            self.offset = offset
        } else {
            self.offset = offset; bufferStart = offset; bufferCount = 0
        }
    }

    /// Forgets buffered bytes past the cursor (the file may have been truncated or rewritten).
    func dropBuffer() { bufferStart = offset; bufferCount = 0 }

    /// The next record, or why there is none.
    func next() throws -> CursorStep {
        while true {
            let rel = Int(offset - bufferStart)
            let view = UnsafeRawBufferPointer(rebasing: buffer[0..<bufferCount])
            switch SegmentFormat.parseFrame(view, at: rel) {
            case let .record(seq, groupStart, payloadStart, payloadLength):
                let frameOffset = offset
                offset += Int64(SegmentFormat.frameHeaderSize + payloadLength)
                let payload = UnsafeRawBufferPointer(rebasing: view[payloadStart..<(payloadStart + payloadLength)])
                return .record(seq: seq, groupStart: groupStart, offset: frameOffset, payload: payload)
            case let .bad(reason):
                return .bad(reason: reason)
            case let .incomplete(needed):
                let had = bufferCount - rel
                if try !refill(needed: needed) { return had == 0 ? .end : .incomplete }
            }
        }
    }

    /// Reads more of the file after the cursor; false when nothing more could be read.
    private func refill(needed: Int) throws -> Bool {
        let rel = Int(offset - bufferStart)
        let keep = bufferCount - rel
        if rel > 0 && keep > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + rel, byteCount: keep)
        }
        bufferStart = offset
        bufferCount = keep
        if needed > buffer.count {
            // Grow only for a frame the file can hold: a torn length word may claim hundreds of MiB.
            guard try file.size() >= bufferStart + Int64(needed) else { return false }
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: needed, alignment: 16)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: keep)
            buffer.deallocate()
            buffer = bigger
        }
        let space = UnsafeMutableRawBufferPointer(rebasing: buffer[bufferCount...])
        let n = try file.readFully(into: space, at: bufferStart + Int64(bufferCount))
        bufferCount += n
        return n > 0
    }
}

/// Tells a torn tail (an unsynced write cut short by a crash) from damage to durable records.
///
/// A crash can only damage the last write group, which was not yet synced. Every group's first
/// record carries the group-start flag, so a valid record with that flag after the damage proves
/// the damaged bytes were synced before it: corruption. Within one group a disk loses whole
/// sectors, so damage followed by a valid record of the same group must contain an all-zero
/// aligned sector to be a torn write; a flipped byte between good records is corruption.
enum TailClassifier {
    enum Verdict: Equatable { case tornTail, corrupt(reason: String) }

    /// Classifies bad bytes from `badOffset` to the end of `file` (`expectedSeq` was due there).
    static func classify(file: any JournalFile, badOffset: Int64, expectedSeq: UInt64,
                         firstReason: String) throws -> Verdict {
        let end = try file.size()
        let window = 1 << 20
        var scanFrom = badOffset + 1
        var firstValid: Int64?
        while scanFrom < end {
            let chunk = try file.readBytes(Int(min(Int64(window + 4096), end - scanFrom)), at: scanFrom)
            if chunk.isEmpty { break }
            var found: (at: Int64, seq: UInt64, groupStart: Bool, size: Int)?
            let limit = min(chunk.count, window)
            chunk.withUnsafeBytes { raw in
                var p = 0
                while p < limit {
                    switch SegmentFormat.parseFrame(raw, at: p) {
                    case let .record(seq, groupStart, _, length) where seq >= expectedSeq:
                        found = (scanFrom + Int64(p), seq, groupStart, SegmentFormat.frameHeaderSize + length)
                        return
                    case .incomplete(let needed) where scanFrom + Int64(p) + Int64(needed) <= end
                                                    && needed > raw.count - p:
                        // A frame longer than the window: check it straight from the file.
                        if let f = try? frameAt(file: file, offset: scanFrom + Int64(p)), f.seq >= expectedSeq {
                            found = (scanFrom + Int64(p), f.seq, f.groupStart, f.size)
                            return
                        }
                    default: break
                    }
                    p += 1
                }
            }
            guard let f = found else { scanFrom += Int64(limit); continue }
            if f.groupStart {
                return .corrupt(reason: "\(firstReason), and a later write group (seq \(f.seq) at byte \(f.at)) follows")
            }
            if firstValid == nil {
                firstValid = f.at
                let zeroSector = try hasZeroSector(file: file, from: badOffset, to: f.at)
                if !zeroSector {
                    return .corrupt(reason: "\(firstReason), and a good record (seq \(f.seq) at byte \(f.at)) follows")
                }
            }
            scanFrom = f.at + Int64(f.size)
        }
        return .tornTail
    }

    /// The seq, flag and size of a whole, valid frame at `offset`, or nil.
    static func frameAt(file: any JournalFile, offset: Int64) throws -> (seq: UInt64, groupStart: Bool, size: Int)? {
        let head = try file.readBytes(SegmentFormat.frameHeaderSize, at: offset)
        guard head.count == SegmentFormat.frameHeaderSize else { return nil }
        let word = head.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self).littleEndian }
        let length = Int(word & ~SegmentFormat.groupStartFlag)
        guard length >= 3, length <= SegmentFormat.maxPayload else { return nil }
        let whole = try file.readBytes(SegmentFormat.frameHeaderSize + length, at: offset)
        return whole.withUnsafeBytes { raw in
            if case let .record(seq, groupStart, _, len) = SegmentFormat.parseFrame(raw, at: 0) {
                return (seq, groupStart, SegmentFormat.frameHeaderSize + len)
            }
            return nil
        }
    }

    /// True when zeros in [from, to) can be a lost sector: a whole aligned sector of zeros, or zeros
    /// from `from` up to the next sector boundary (a write group that began inside a sector whose
    /// older part was already on disk). A flipped byte between good records leaves neither.
    static func hasZeroSector(file: any JournalFile, from: Int64, to: Int64) throws -> Bool {
        let s = Int64(SegmentFormat.sectorSize)
        let firstBoundary = (from + s - 1) / s * s
        if firstBoundary > from && firstBoundary <= to {
            let head = try file.readBytes(Int(firstBoundary - from), at: from)
            if head.count == Int(firstBoundary - from) && head.allSatisfy({ $0 == 0 }) { return true }
        }
        var sector = firstBoundary
        while sector + s <= to {
            let bytes = try file.readBytes(Int(s), at: sector)
            if bytes.count == Int(s) && bytes.allSatisfy({ $0 == 0 }) { return true }
            sector += s
        }
        return false
    }
}

/// The highest seq on disk past damage, so that cutting the damage away reports all it drops.
enum DamagedTail {
    /// The highest seq of a whole record in the newest segment that has one, looking no further back
    /// than the segment holding `seq`; nil when none has a record.
    static func highestSeq(directory: String, fs: any JournalFileSystem,
                           notBelowSegmentOf seq: UInt64) throws -> UInt64? {
        let bases = try JournalFiles.segments(in: directory, fs: fs)
        let floor = bases.last { $0 <= seq } ?? 0
        for base in bases.reversed() where base >= floor {
            let file = try fs.open(JournalFiles.segmentPath(directory, base), .read)
            defer { file.close() }
            if let high = try highestSeq(file: file, from: Int64(SegmentFormat.headerSize)) { return high }
        }
        return nil
    }

    /// The highest seq of a whole, valid frame in `file` from `offset` on, stepping byte by byte over damage.
    static func highestSeq(file: any JournalFile, from offset: Int64) throws -> UInt64? {
        let end = try file.size()
        let window = 1 << 20
        var at = offset
        var best: UInt64?
        while at < end {
            let chunk = try file.readBytes(Int(min(Int64(window + 4096), end - at)), at: at)
            if chunk.isEmpty { break }
            let limit = min(chunk.count, window)
            var p = 0
            var large: Int64?  // the offset of a valid frame longer than the chunk
            chunk.withUnsafeBytes { raw in
                while p < limit {
                    switch SegmentFormat.parseFrame(raw, at: p) {
                    case let .record(seq, _, _, length):
                        best = max(best ?? seq, seq)
                        p += SegmentFormat.frameHeaderSize + length
                    case .incomplete(let needed) where at + Int64(p) + Int64(needed) <= end && needed > raw.count - p:
                        large = at + Int64(p)
                        return
                    default:
                        p += 1
                    }
                }
            }
            if let l = large {
                if let f = try TailClassifier.frameAt(file: file, offset: l) {
                    best = max(best ?? f.seq, f.seq)
                    at = l + Int64(f.size)
                } else {
                    at = l + 1
                }
            } else {
                at += Int64(p)
            }
        }
        return best
    }
}

extension SegmentCursor {
    /// Re-parses the frame at `offset` (after `next()` reported it incomplete or bad).
    func seekingBack(to offset: Int64) throws -> CursorStep {
        seek(to: offset)
        let step = try next()
        seek(to: offset)
        return step
    }
}

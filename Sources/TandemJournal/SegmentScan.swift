import Foundation
import TandemCore

/// One sparse-index entry: the record with this seq starts at this byte offset of its segment.
struct IndexEntry: Equatable {
    var seq: UInt64
    var offset: Int64
}

/// A full pass over one segment: checks seq continuity and CRCs, builds the sparse index.
struct SegmentScan {
    let file: any JournalFile
    let base: UInt64
    let indexInterval: Int

    struct Result {
        /// The seq of the last whole record (base - 1 when none).
        var lastSeq: UInt64
        /// The offset after the last whole record.
        var end: Int64
        /// Where a torn tail starts, when one was found (only with `stopAtBadTail`).
        var tornAt: Int64?
        var index: [IndexEntry]
        /// Records in the segment.
        var records: Int
    }

    /// Scans; with `stopAtBadTail` a torn tail ends the scan, otherwise any damage is corruption.
    func run(stopAtBadTail: Bool) throws -> Result {
        let cursor = SegmentCursor(file: file, offset: Int64(SegmentFormat.headerSize))
        var expected = base
        var index: [IndexEntry] = []
        var nextIndexAt: Int64 = 0
        var records = 0
        while true {
            let at = cursor.offset
            switch try cursor.next() {
            case let .record(seq, _, offset, _):
                guard seq == expected else {
                    throw JournalError.corrupt(file: file.path, offset: offset, seq: expected,
                                               reason: "seq discontinuity: expected seq \(expected), found \(seq)")
                }
                if offset >= nextIndexAt {
                    index.append(IndexEntry(seq: seq, offset: offset))
                    nextIndexAt = offset + Int64(indexInterval)
                }
                expected += 1
                records += 1
            case .end:
                return Result(lastSeq: expected - 1, end: at, tornAt: nil, index: index, records: records)
            case .incomplete:
                let reason = "record is cut short by the end of the file"
                try classify(at: at, expected: expected, reason: reason, stopAtBadTail: stopAtBadTail)
                return Result(lastSeq: expected - 1, end: at, tornAt: at, index: index, records: records)
            case .bad(let reason):
                try classify(at: at, expected: expected, reason: reason, stopAtBadTail: stopAtBadTail)
                return Result(lastSeq: expected - 1, end: at, tornAt: at, index: index, records: records)
            }
        }
    }

    /// The sparse index of the whole records from the start, stopping quietly at the first problem
    /// (readers build it beside a writer; reading itself reports damage).
    func index(limit: UInt64 = .max) throws -> [IndexEntry] {
        let cursor = SegmentCursor(file: file, offset: Int64(SegmentFormat.headerSize))
        var expected = base
        var index: [IndexEntry] = []
        var nextIndexAt: Int64 = 0
        while expected <= limit, case let .record(seq, _, offset, _) = try cursor.next(), seq == expected {
            if offset >= nextIndexAt {
                index.append(IndexEntry(seq: seq, offset: offset))
                nextIndexAt = offset + Int64(indexInterval)
            }
            expected += 1
        }
        return index
    }

    private func classify(at offset: Int64, expected: UInt64, reason: String, stopAtBadTail: Bool) throws {
        guard stopAtBadTail else {
            throw JournalError.corrupt(file: file.path, offset: offset, seq: expected, reason: reason)
        }
        let verdict = try TailClassifier.classify(file: file, badOffset: offset, expectedSeq: expected,
                                                  firstReason: reason)
        if case .corrupt(let why) = verdict {
            throw JournalError.corrupt(file: file.path, offset: offset, seq: expected, reason: why)
        }
    }
}

/// `<base>.idx`: a segment's sparse index, written when the segment is sealed or the writer closes.
///
/// It is a hint: never synced, validated by its CRC and by the segment size it was made for,
/// and rebuilt by a scan when missing or stale.
struct IndexFile {
    static let magic: [UInt8] = Array("TNDMIDX1".utf8)
    var entries: [IndexEntry]
    var lastSeq: UInt64
    var endOffset: Int64

    static func name(base: UInt64) -> String {
        String(SegmentFormat.fileName(base: base).dropLast(4)) + JournalFiles.indexSuffix
    }

    static func path(_ directory: String, base: UInt64) -> String { directory + "/" + name(base: base) }

    func encoded(base: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 40 + entries.count * 16)
        w.bytes.append(contentsOf: Self.magic)
        w.u64(base)
        w.u64(UInt64(entries.count))
        for e in entries { w.u64(e.seq); w.u64(UInt64(e.offset)) }
        w.u64(lastSeq)
        w.u64(UInt64(endOffset))
        w.u32(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    /// Writes the index via `.tmp` + rename (not synced: a lost index is rebuilt).
    func write(directory: String, base: UInt64, fs: any JournalFileSystem) throws {
        let path = Self.path(directory, base: base)
        let file = try fs.open(path + JournalFiles.tmpSuffix, .createTruncate)
        defer { file.close() }
        try file.write(encoded(base: base), at: 0)
        try fs.rename(path + JournalFiles.tmpSuffix, to: path)
    }

    /// The index of a segment when its file exists and is intact.
    static func load(directory: String, base: UInt64, fs: any JournalFileSystem) -> IndexFile? {
        let path = Self.path(directory, base: base)
        guard fs.exists(path), let file = try? fs.open(path, .read) else { return nil }
        defer { file.close() }
        guard let size = try? file.size(), size >= 44, size < 64 << 20,
              let bytes = try? file.readBytes(Int(size), at: 0), bytes.count == Int(size) else { return nil }
        // A damaged index is a missing one (rebuilt by a scan): check the CRC before trusting any field,
        // and convert every number exactly, so no bit pattern can trap.
        return bytes.withUnsafeBytes { raw -> IndexFile? in
            let stored = raw.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self).littleEndian
            guard CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<(bytes.count - 4)])) == stored else {
                return nil
            }
            var r = ByteReader(raw)
            guard Array(bytes[0..<8]) == magic, (try? r.skip(8)) != nil,
                  let b = try? r.u64(), b == base, let rawCount = try? r.u64(), let count = Int(exactly: rawCount),
                  (bytes.count - 44) % 16 == 0, count == (bytes.count - 44) / 16 else { return nil }
            var entries: [IndexEntry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                guard let s = try? r.u64(), let o = try? r.u64(), let offset = Int64(exactly: o) else { return nil }
                entries.append(IndexEntry(seq: s, offset: offset))
            }
            guard let last = try? r.u64(), let e = try? r.u64(), let end = Int64(exactly: e) else { return nil }
            return IndexFile(entries: entries, lastSeq: last, endOffset: end)
        }
    }
}

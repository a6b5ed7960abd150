import Foundation

/// What a truncation did.
public struct TruncationResult: Sendable, Equatable {
    /// The first and last seq dropped; nil when nothing was dropped.
    public var dropped: ClosedRange<UInt64>?
    /// The journal's first and last seq afterwards (last = first - 1 when empty).
    public var firstSeq: UInt64
    public var lastSeq: UInt64
}

extension JournalWriter {
    /// Drops history: afterwards the journal starts at `seq`.
    ///
    /// Refuses, naming the consumer, when a registered consumer has applied less than `seq - 1`
    /// (it still needs a dropped event), unless `force`. Crash-safe: the rewritten segment is
    /// synced under a temporary name before the manifest moves `firstSeq` (the commit point), and
    /// opening the journal completes an interrupted truncation from the manifest.
    @discardableResult
    public func truncate(before seq: UInt64, force: Bool = false) throws -> TruncationResult {
        try withExclusiveAccess {
            let store = ManifestStore(directory: directory, fs: fs)
            let manifest = try store.read()
            let last = nextSeq - 1
            guard seq >= manifest.firstSeq, seq <= last + 1 else {
                throw JournalError.seqOutOfRange(seq: seq, first: manifest.firstSeq, last: last)
            }
            if seq == manifest.firstSeq {
                return TruncationResult(dropped: nil, firstSeq: firstSeq, lastSeq: last)
            }
            if !force, let c = manifest.consumers.filter({ $0.appliedSeq < seq - 1 }).min(by: { $0.appliedSeq < $1.appliedSeq }) {
                throw JournalError.truncateRefused(
                    consumer: c.name, appliedSeq: c.appliedSeq,
                    reason: "truncate --before \(seq) would drop seqs \(c.appliedSeq + 1)…\(seq - 1), which it has not applied")
            }
            do {
                let segments = try JournalFiles.segments(in: directory, fs: fs)
                let holder = segments.last { $0 <= seq }!
                if holder != seq { try writeRewritten(holder: holder, from: seq) }
                try store.update { m in
                    m.firstSeq = seq
                    m.history.append(.init(kind: "before", seq: seq, droppedFirst: manifest.firstSeq,
                                           droppedLast: seq - 1, forced: force, at: nowRFC3339()))
                }
                if holder != seq {
                    let path = JournalFiles.segmentPath(directory, seq)
                    try fs.rename(path + JournalFiles.tmpSuffix, to: path)
                    try fs.syncDirectory(directory)
                }
                for base in segments where base < seq {
                    try fs.remove(JournalFiles.segmentPath(directory, base))
                    try? fs.remove(IndexFile.path(directory, base: base))
                }
                try fs.syncDirectory(directory)
                try reload()
            } catch let e as JournalError {
                fail(e)
                throw e
            }
            return TruncationResult(dropped: manifest.firstSeq...(seq - 1), firstSeq: seq, lastSeq: last)
        }
    }

    /// Drops the whole segments every event of which is at or below `seq` (what every consumer has applied),
    /// never the newest segment: the journal keeps its head event, from which a source resumes. No segment is
    /// rewritten (the journal then starts at a segment's base). Returns nil when no segment qualifies.
    /// - Throws: as `truncate(before:)`: refused, naming the consumer, when one has applied less.
    @discardableResult
    public func truncateSegments(through seq: UInt64) throws -> TruncationResult? {
        let (first, last, bases) = try withExclusiveAccess {
            (try ManifestStore(directory: directory, fs: fs).read().firstSeq, nextSeq - 1, try JournalFiles.segments(in: directory, fs: fs))
        }
        // A segment based at b holds b… up to the next base: the journal may start at the newest base ≤ seq + 1
        // that holds an event (≤ last: a segment rolled but still empty would leave the journal without its head).
        guard seq < UInt64.max, let base = bases.last(where: { $0 <= seq + 1 && $0 <= last }), base > first else { return nil }
        return try truncate(before: base)
    }

    /// Drops the tail: afterwards the last seq is `seq` and appends continue at `seq + 1`.
    ///
    /// Refuses, naming the consumer, when a registered consumer has applied beyond `seq`, unless
    /// `force`. Crash-safe: the manifest records the pending cut first, and opening the journal
    /// finishes it.
    @discardableResult
    public func truncate(after seq: UInt64, force: Bool = false) throws -> TruncationResult {
        try withExclusiveAccess {
            let store = ManifestStore(directory: directory, fs: fs)
            let manifest = try store.read()
            let last = nextSeq - 1
            // `seq <= last` first: it keeps `seq + 1` from overflowing at UInt64.max.
            guard seq <= last, seq + 1 >= manifest.firstSeq else {
                throw JournalError.seqOutOfRange(seq: seq, first: manifest.firstSeq, last: last)
            }
            if seq == last { return TruncationResult(dropped: nil, firstSeq: manifest.firstSeq, lastSeq: last) }
            if !force, let c = manifest.consumers.filter({ $0.mayHaveApplied > seq }).max(by: { $0.mayHaveApplied < $1.mayHaveApplied }) {
                throw JournalError.truncateAfterRefused(seq: seq, consumer: c.name, mayHaveApplied: c.mayHaveApplied,
                                                        directory: directory)
            }
            do {
                try store.update { m in
                    m.pendingTruncateAfter = seq
                    m.history.append(.init(kind: "after", seq: seq, droppedFirst: seq + 1, droppedLast: last,
                                           forced: force, at: nowRFC3339()))
                    JournalHead.truncated(after: seq, &m, directory: directory, logger: options.logger)
                }
                segmentFile?.close(); segmentFile = nil
                try Truncation(directory: directory, options: options)
                    .cut(after: seq, segments: try JournalFiles.segments(in: directory, fs: fs))
                try store.update { m in m.pendingTruncateAfter = nil }
                try reload()
            } catch let e as JournalError {
                fail(e)
                throw e
            }
            return TruncationResult(dropped: (seq + 1)...last, firstSeq: manifest.firstSeq, lastSeq: seq)
        }
    }

    /// Writes `<seq>.seg.tmp`: a header with base `seq` and the records from `seq` on of `holder`; synced.
    private func writeRewritten(holder: UInt64, from seq: UInt64) throws {
        let source = try fs.open(JournalFiles.segmentPath(directory, holder), .read)
        defer { source.close() }
        let cursor = SegmentCursor(file: source, offset: Int64(SegmentFormat.headerSize))
        var start: Int64?
        while start == nil {
            switch try cursor.next() {
            case .record(let s, _, let offset, _): if s == seq { start = offset }
            default: start = cursor.offset  // seq is the next one: nothing to copy
            }
        }
        let end = try source.size()
        let path = JournalFiles.segmentPath(directory, seq) + JournalFiles.tmpSuffix
        let out = try fs.open(path, .createTruncate)
        defer { out.close() }
        try out.write(SegmentFormat.header(journalID: journalID, base: seq), at: 0)
        var at = start!
        var outAt = Int64(SegmentFormat.headerSize)
        var first = true
        while at < end {
            var chunk = try source.readBytes(Int(min(end - at, 1 << 20)), at: at)
            if chunk.isEmpty { break }
            if first {
                // The first record of a segment starts a group: every record before it is durable.
                try markGroupStart(&chunk)
                first = false
            }
            try out.write(chunk, at: outAt)
            at += Int64(chunk.count); outAt += Int64(chunk.count)
        }
        try out.sync()
        try fs.syncDirectory(directory)
    }

    private func markGroupStart(_ chunk: inout [UInt8]) throws {
        guard chunk.count >= SegmentFormat.frameHeaderSize else { return }
        chunk.withUnsafeMutableBytes { raw in
            let word = raw.loadUnaligned(as: UInt32.self).littleEndian
            if word & SegmentFormat.groupStartFlag != 0 { return }
            let length = Int(word)
            guard SegmentFormat.frameHeaderSize + length <= raw.count else { return }
            let flagged = word | SegmentFormat.groupStartFlag
            let payload = UnsafeRawBufferPointer(rebasing: raw[8..<(8 + length)])
            raw.storeBytes(of: flagged.littleEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: SegmentFormat.frameCRC(word: flagged, payload: payload).littleEndian,
                           toByteOffset: 4, as: UInt32.self)
        }
    }
}

/// The file work of `truncate --after`, shared with recovery (which finishes an interrupted one).
struct Truncation {
    let directory: String
    let options: JournalOptions
    var fs: any JournalFileSystem { options.fileSystem }

    /// Removes segments after the one holding `seq + 1` (newest first, so no gap ever shows),
    /// then cuts that one at `seq + 1`. Idempotent.
    func cut(after seq: UInt64, segments: [UInt64]) throws {
        let target = seq + 1
        for base in segments.reversed() where base > target {
            try fs.remove(JournalFiles.segmentPath(directory, base))
            try? fs.remove(IndexFile.path(directory, base: base))
        }
        guard let holder = segments.last(where: { $0 <= target }) else { return try fs.syncDirectory(directory) }
        // The holder's index describes records about to be cut: gone (durably) before the cut.
        if fs.exists(IndexFile.path(directory, base: holder)) { try fs.remove(IndexFile.path(directory, base: holder)) }
        try fs.syncDirectory(directory)
        let file = try fs.open(JournalFiles.segmentPath(directory, holder), .readWrite)
        defer { file.close() }
        let cursor = SegmentCursor(file: file, offset: Int64(SegmentFormat.headerSize))
        var expected = holder
        while true {
            let at = cursor.offset
            switch try cursor.next() {
            case .record(let s, _, let offset, _):
                // The record to cut at, or (damage being cut away) one with a seq out of line where it was due.
                if s == target || (expected == target && s != expected) {
                    try file.truncate(to: offset)
                    try file.sync()
                    return
                }
                expected = s + 1
            case .end:
                return  // already cut
            case .incomplete, .bad:
                // Damage where the cut goes (a torn tail, or the corruption being cut away): cut there.
                if expected == target {
                    try file.truncate(to: at)
                    try file.sync()
                }
                return
            }
        }
    }
}

extension Journal {
    /// `truncate --after`: opens the writer, drops every event after `seq`, closes.
    ///
    /// Also the way out of damage: when opening fails because the journal is corrupt at a seq
    /// after `seq`, the cut removes the damage with everything after it (consumer checks still apply).
    @discardableResult
    public static func truncate(after seq: UInt64, force: Bool = false, at directory: String,
                                options: JournalOptions = JournalOptions()) throws -> TruncationResult {
        do {
            let writer = try JournalWriter(directory: directory, options: options)
            defer { writer.close() }
            return try writer.truncate(after: seq, force: force)
        } catch JournalError.corrupt(let file, let offset, let damaged, let reason) where damaged > seq {
            let fs = options.fileSystem
            let lock = try fs.lockExclusive(directory + "/" + JournalFiles.writerLock, journal: directory)
            defer { lock.unlock() }
            let store = ManifestStore(directory: directory, fs: fs)
            let manifest = try store.read()
            guard seq + 1 >= manifest.firstSeq else {
                throw JournalError.seqOutOfRange(seq: seq, first: manifest.firstSeq, last: damaged - 1)
            }
            if !force, let c = manifest.consumers.filter({ $0.mayHaveApplied > seq }).max(by: { $0.mayHaveApplied < $1.mayHaveApplied }) {
                throw JournalError.truncateAfterRefused(seq: seq, consumer: c.name, mayHaveApplied: c.mayHaveApplied,
                                                        directory: directory)
            }
            // Report all that goes, including what lies past the damage (read by resyncing over it).
            let past = try DamagedTail.highestSeq(directory: directory, fs: fs, notBelowSegmentOf: damaged)
            let highest = max(damaged, past ?? 0)
            try store.update { m in
                m.pendingTruncateAfter = seq
                m.history.append(.init(kind: "after", seq: seq, droppedFirst: seq + 1, droppedLast: highest,
                                       forced: force, at: nowRFC3339()))
                JournalHead.truncated(after: seq, &m, directory: directory, logger: options.logger)
            }
            try Truncation(directory: directory, options: options)
                .cut(after: seq, segments: try JournalFiles.segments(in: directory, fs: fs))
            try store.update { m in
                m.pendingTruncateAfter = nil
                if let d = m.damage, d.seq > seq { m.damage = nil }  // cut away with everything after it
            }
            options.logger("journal \(directory): truncated after seq \(seq), removing the damage in \(file)"
                           + " at byte \(offset) (\(reason))")
            lock.unlock()
            let writer = try JournalWriter(directory: directory, options: options)
            defer { writer.close() }
            return TruncationResult(dropped: (seq + 1)...highest, firstSeq: manifest.firstSeq,
                                    lastSeq: writer.lastSeq)
        }
    }

    /// `truncate --before`: opens the writer, drops every event before `seq`, closes.
    @discardableResult
    public static func truncate(before seq: UInt64, force: Bool = false, at directory: String,
                                options: JournalOptions = JournalOptions()) throws -> TruncationResult {
        let writer = try JournalWriter(directory: directory, options: options)
        defer { writer.close() }
        return try writer.truncate(before: seq, force: force)
    }
}

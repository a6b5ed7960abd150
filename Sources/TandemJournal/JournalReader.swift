import Foundation
import TandemCore

/// Reads a journal forwards from any seq, beside a writer, and follows its tail.
///
/// Only durable records are returned: with a live writer (in this process or another) the reader
/// stops at the writer's durable seq. A torn tail is the end of the data, not an error; damage
/// before the tail throws `JournalError.corrupt`. Memory stays flat: one bounded buffer per reader.
/// Not thread-safe: one reader per thread.
public final class JournalReader {
    /// The journal directory.
    public let directory: String
    let options: JournalOptions
    var fs: any JournalFileSystem { options.fileSystem }
    private let writer: JournalWriter?

    private var segments: [UInt64] = []
    private var current = 0
    private var cursor: SegmentCursor?
    private var newerSegmentSeen = false
    private var expected: UInt64
    private var limit: UInt64 = 0
    private var indexCache: [UInt64: [IndexEntry]] = [:]
    private var watcher: DirectoryWatcher?
    private var decoder = EventBinaryDecoder()

    /// The seq the next `next()` returns.
    public var nextSeq: UInt64 { expected }

    /// A reader positioned at the first seq of the journal.
    public convenience init(directory: String, options: JournalOptions = JournalOptions()) throws {
        try self.init(directory: directory, options: options, writer: nil)
    }

    init(directory: String, options: JournalOptions, writer: JournalWriter?) throws {
        self.directory = directory
        self.options = options
        self.writer = writer
        var first = try ManifestStore(directory: directory, fs: options.fileSystem).read().firstSeq
        expected = first
        while true {
            do { try seek(to: first); break } catch JournalError.seqOutOfRange(_, let now, _) where now > first {
                first = now  // truncated meanwhile: the journal's first seq is the new one
            }
        }
    }

    deinit { cursor?.file.close() }

    /// Positions the reader so that `next()` returns the event with this seq.
    ///
    /// - Throws: `seqOutOfRange` below the journal's first seq or beyond its last seq + 1.
    public func seek(to seq: UInt64) throws {
        do { try seekUnrecorded(to: seq) } catch let e as JournalError { throw recorded(e) }
    }

    /// Records damage this reader found in the manifest (writers then refuse) and returns the error.
    private func recorded(_ e: JournalError) -> JournalError {
        DamageRecord.record(e, directory: directory, fs: fs, by: "reader")
        return e
    }

    private func seekUnrecorded(to seq: UInt64) throws {
        // A `truncate --before` beside this reader may unlink segments between the manifest read, the listing and
        // the open: a failure while the journal's first seq moved is that, not damage, so the seek starts again.
        // Each retry needs another truncation to have committed meanwhile, so a few suffice.
        var attempts = 0
        while true {
            let first = try ManifestStore(directory: directory, fs: fs).read().firstSeq
            do {
                return try seekOnce(to: seq)
            } catch let e as JournalError where attempts < 16 {
                guard try ManifestStore(directory: directory, fs: fs).read().firstSeq != first else { throw e }
                attempts += 1
            }
        }
    }

    private func seekOnce(to seq: UInt64) throws {
        // A `truncate --before` interrupted after its commit point is completed, not taken for a missing segment.
        if writer == nil { try InterruptedTruncation.completeIfPending(directory: directory, options: options) }
        let manifest = try ManifestStore(directory: directory, fs: fs).read()
        // From the segment holding the first seq: a live truncation commits `firstSeq` before its rewritten
        // `<firstSeq>.seg` takes its name, and meanwhile the old segment still holds those seqs.
        let all = try JournalFiles.segments(in: directory, fs: fs)
        let floor = all.last { $0 <= manifest.firstSeq } ?? manifest.firstSeq
        segments = all.filter { $0 >= floor }
        refreshLimit()
        if seq < manifest.firstSeq || (limit != .max && seq > limit + 1) {
            let last = limit != .max ? limit : try lastSeqOnDisk()
            try checkHead(manifest, last: last)
            throw JournalError.seqOutOfRange(seq: seq, first: manifest.firstSeq, last: last)
        }
        guard let i = segments.lastIndex(where: { $0 <= seq }) else {
            // No segment at or below seq: the journal's first segment is gone.
            throw JournalError.corrupt(file: directory, offset: 0, seq: manifest.firstSeq,
                                       reason: JournalError.firstSegmentMissing(
                                           SegmentFormat.fileName(base: manifest.firstSeq), firstSeq: manifest.firstSeq))
        }
        try open(segment: i)
        let base = segments[i]
        let entries = try index(of: base)
        var start = IndexEntry(seq: base, offset: Int64(SegmentFormat.headerSize))
        if let k = lastEntry(in: entries, notAfter: seq) { start = entries[k] }
        cursor!.seek(to: start.offset)
        expected = start.seq
        // Step over the records before `seq` (at most one index interval of them).
        while expected < seq {
            let at = cursor!.offset
            switch try cursor!.next() {
            case .record(let s, _, let offset, _):
                if s != expected {
                    if start.offset != Int64(SegmentFormat.headerSize) {
                        // A stale index entry: fall back to a scan from the segment's start.
                        indexCache[base] = []
                        start = IndexEntry(seq: base, offset: Int64(SegmentFormat.headerSize))
                        cursor!.seek(to: start.offset); cursor!.dropBuffer(); expected = base
                        continue
                    }
                    throw JournalError.corrupt(file: cursor!.file.path, offset: offset, seq: expected,
                                               reason: "seq discontinuity: expected seq \(expected), found \(s)")
                }
                expected += 1
            default:
                // Seeking to the end of the data (the next seq): the cursor waits there.
                if expected == seq { break }
                if i + 1 < segments.count {
                    try open(segment: i + 1)
                    if segments[i + 1] == expected { continue }
                }
                cursor!.seek(to: at)
                try checkHead(manifest, last: expected - 1)
                throw JournalError.seqOutOfRange(seq: seq, first: manifest.firstSeq, last: expected - 1)
            }
        }
    }

    /// The next durable event, or nil when the reader has reached the end of the durable data.
    public func next() throws -> Event? {
        guard let payload = try nextPayload() else { return nil }
        do {
            return try decoder.decode(payload.payload)
        } catch {
            throw recorded(.corrupt(file: cursor!.file.path, offset: payload.offset, seq: payload.seq,
                                    reason: "payload does not decode: \(error)"))
        }
    }

    /// The next event, waiting up to `timeout` seconds for one to become durable (follow mode).
    public func next(timeout: TimeInterval) throws -> Event? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if let e = try next() { return e }
            if Date() >= deadline { return nil }
            waitForChange(until: deadline)
        }
    }

    /// Up to `max` next durable events (fewer at the end of the data).
    public func next(max: Int) throws -> [Event] {
        var out: [Event] = []
        out.reserveCapacity(Swift.min(max, 4096))
        while out.count < max, let e = try next() { out.append(e) }
        return out
    }

    /// The next record's seq, file offset and undecoded payload (valid until the next call).
    func nextPayload() throws -> (seq: UInt64, offset: Int64, payload: UnsafeRawBufferPointer)? {
        do { return try nextPayloadUnrecorded() } catch let e as JournalError { throw recorded(e) }
    }

    private func nextPayloadUnrecorded() throws -> (seq: UInt64, offset: Int64, payload: UnsafeRawBufferPointer)? {
        while true {
            if expected > limit {
                refreshLimit()
                if expected > limit { return nil }
            }
            guard let cursor else { return nil }
            let at = cursor.offset
            switch try cursor.next() {
            case let .record(seq, _, offset, payload):
                guard seq == expected else {
                    throw JournalError.corrupt(file: cursor.file.path, offset: offset, seq: expected,
                                               reason: "seq discontinuity: expected seq \(expected), found \(seq)")
                }
                expected += 1
                return (seq, offset, payload)
            case .end:
                if try moveToNewerSegment() { continue }
                refreshLimit()
                return nil
            case .incomplete, .bad:
                // A sealed segment (a newer one exists) never grows: damage there is corruption.
                let sealed = try newerSegmentExists()
                let again = try cursor.seekingBack(to: at)  // re-read: it may have completed meanwhile
                if case .record = again { continue }
                var reason = "record is cut short by the end of the file"
                if case .bad(let r) = again { reason = r }
                if sealed {
                    throw JournalError.corrupt(file: cursor.file.path, offset: at, seq: expected, reason: reason)
                }
                let verdict = try TailClassifier.classify(file: cursor.file, badOffset: at, expectedSeq: expected,
                                                          firstReason: reason)
                if case .corrupt(let why) = verdict {
                    throw JournalError.corrupt(file: cursor.file.path, offset: at, seq: expected, reason: why)
                }
                refreshLimit()
                return nil
            }
        }
    }

    /// True when a segment after the current one exists (the list is refreshed).
    private func newerSegmentExists() throws -> Bool {
        if current + 1 < segments.count { return true }
        let all = try JournalFiles.segments(in: directory, fs: fs)
        guard let last = segments.last, let newest = all.last, newest > last else { return false }
        adopt(all)
        return true
    }

    /// Takes a fresh listing as the segment list, keeping `current` on the open segment: a `truncate --before`
    /// may have removed segments before it, which would otherwise shift the index onto a later segment.
    private func adopt(_ all: [UInt64]) {
        let base = segments[current]
        segments = [base] + all.filter { $0 > base }
        current = 0
    }

    /// Reopens at the next seq after a `truncate --before` removed or rewrote segments beneath this reader;
    /// throws `truncatedBeneathReader` when it removed seqs the reader had not read yet.
    private func reopenAfterTruncation() throws {
        let first = try ManifestStore(directory: directory, fs: fs).read().firstSeq
        guard expected >= first else {
            throw JournalError.truncatedBeneathReader(directory: directory, nextSeq: expected, firstSeq: first)
        }
        try seekUnrecorded(to: expected)
    }

    /// True when the journal now starts after the open segment's base: a truncation since it was opened.
    private func truncatedSinceOpened() throws -> Bool {
        try ManifestStore(directory: directory, fs: fs).read().firstSeq > segments[current]
    }

    /// At the end of a segment: moves to the next one once it exists (a sealed segment does not grow).
    private func moveToNewerSegment() throws -> Bool {
        if !newerSegmentSeen {
            let all = try JournalFiles.segments(in: directory, fs: fs)
            // `truncate --before` inside the open segment rewrites it under a new base and unlinks the old
            // file, which then never grows: when the open segment is gone, or a segment starting after it
            // holds seqs already read, reopen the journal at the next seq.
            let base = segments[current]
            if !all.contains(base) || all.contains(where: { $0 > base && $0 < expected }) {
                try reopenAfterTruncation()
                return true
            }
            guard let last = segments.last, all.last.map({ $0 > last }) ?? false || current + 1 < segments.count else {
                return false
            }
            adopt(all)
            // The current segment was sealed before the newer one appeared: read it to its end once more.
            newerSegmentSeen = true
            return true
        }
        newerSegmentSeen = false
        guard current + 1 < segments.count else { return false }
        let nextBase = segments[current + 1]
        guard nextBase == expected else {
            if try truncatedSinceOpened() { try reopenAfterTruncation(); return true }
            throw JournalError.corrupt(file: JournalFiles.segmentPath(directory, nextBase),
                                       offset: Int64(SegmentFormat.headerSize), seq: expected,
                                       reason: "a segment is missing: the previous segment ends at seq \(expected - 1),"
                                           + " the next segment starts at seq \(nextBase)")
        }
        do {
            try open(segment: current + 1)
        } catch let e as JournalError where e.isMissingFile {
            // Unlinked since the listing: by a truncation past this reader, or lost (then the manifest did not move).
            guard try truncatedSinceOpened() else { throw e }
            try reopenAfterTruncation()
        }
        return true
    }

    private func open(segment i: Int) throws {
        cursor?.file.close()
        cursor = nil
        let base = segments[i]
        let file = try fs.open(JournalFiles.segmentPath(directory, base), .read)
        let header = try file.readBytes(SegmentFormat.headerSize, at: 0)
        if case .failure(let problem) = SegmentFormat.parseHeader(header) {
            file.close()
            throw JournalError.corrupt(file: file.path, offset: 0, seq: base, reason: problem.description)
        }
        current = i
        newerSegmentSeen = false
        cursor = SegmentCursor(file: file, offset: Int64(SegmentFormat.headerSize))
    }

    /// The sparse index of a segment: its index file when valid, else built by one scan (then cached).
    private func index(of base: UInt64) throws -> [IndexEntry] {
        if let cached = indexCache[base] { return cached }
        let file = cursor!.file
        let size = try file.size()
        var entries: [IndexEntry]
        if let loaded = IndexFile.load(directory: directory, base: base, fs: fs), loaded.endOffset <= size {
            entries = loaded.entries
        } else {
            entries = try SegmentScan(file: file, base: base, indexInterval: options.indexInterval).index(limit: limit)
        }
        // The active segment grows: cache only what a scan cannot miss (sealed segments, index files).
        if base != segments.last || IndexFile.load(directory: directory, base: base, fs: fs) != nil {
            // Bounded, so memory stays flat however many segments a reader seeks through.
            if indexCache.count >= 64 { indexCache.removeAll(keepingCapacity: true) }
            indexCache[base] = entries
        }
        return entries
    }

    private func lastEntry(in entries: [IndexEntry], notAfter seq: UInt64) -> Int? {
        var lo = 0, hi = entries.count - 1, found: Int?
        while lo <= hi {
            let mid = (lo + hi) / 2
            if entries[mid].seq <= seq { found = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        return found
    }

    /// How far records may be read: the writer's durable seq when one is live, else everything whole.
    private func refreshLimit() {
        if let writer { limit = writer.durable.seq; return }
        guard let head = try? fs.open(directory + "/" + JournalFiles.head, .read) else { limit = .max; return }
        defer { head.close() }
        guard let bytes = try? head.readBytes(16, at: 0), bytes.count == 16 else { limit = .max; return }
        let (seq, pid) = bytes.withUnsafeBytes {
            ($0.loadUnaligned(as: UInt64.self).littleEndian, $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian)
        }
        if pid != 0, fs.lockHolder(directory + "/" + JournalFiles.writerLock) != nil {
            limit = seq
        } else {
            limit = .max
        }
    }

    /// Seeking past the end: when the journal lost seqs it once held (a consumer applied them, the manifest
    /// recorded them), that is the error to report, not "outside the journal".
    private func checkHead(_ manifest: Manifest, last: UInt64) throws {
        try JournalHead.check(directory: directory, manifest: manifest, segments: segments, lastSeq: last,
                              tailMayBeTorn: true)
    }

    private func lastSeqOnDisk() throws -> UInt64 {
        guard let base = segments.last else { return 0 }
        let file = try fs.open(JournalFiles.segmentPath(directory, base), .read)
        defer { file.close() }
        return try SegmentScan(file: file, base: base, indexInterval: 1 << 30).run(stopAtBadTail: true).lastSeq
    }

    /// Sleeps until the journal may have changed: the writer's condition in this process, else inotify.
    private func waitForChange(until deadline: Date) {
        if let writer {
            _ = writer.durable.wait(forSeq: expected, deadline: deadline)
            return
        }
        if watcher == nil { watcher = DirectoryWatcher(directory: directory) }
        // Bounded so that a change inotify cannot report (another host, a missed event) is still seen.
        let wait = Swift.min(deadline.timeIntervalSinceNow, 0.25)
        watcher!.wait(seconds: Swift.max(wait, 0))
    }
}

extension JournalWriter {
    /// A reader of this journal bounded by this writer's durable seq, woken by its appends.
    public func makeReader() throws -> JournalReader {
        try JournalReader(directory: directory, options: options, writer: self)
    }

    /// Blocks until the durable seq reaches `seq`, an append or close moves it, or `deadline` passes; returns the
    /// durable seq (followers in this process sharing one reader wait here instead of on a reader of their own).
    @discardableResult
    public func waitForDurable(_ seq: UInt64, until deadline: Date) -> UInt64 {
        durable.wait(forSeq: seq, deadline: deadline)
    }
}

extension JournalError {
    /// True for a file that is not there (ENOENT on open).
    var isMissingFile: Bool {
        if case .io(_, _, ENOENT) = self { return true }
        return false
    }
}

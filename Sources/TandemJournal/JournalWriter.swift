import Foundation
import TandemCore

/// The one writer of a journal: appends events durably, with group commit.
///
/// Appends from many threads (or batches) share one write and one `fdatasync`: the first caller
/// to find no write in progress becomes the leader, writes every queued batch as one group, syncs
/// once and acknowledges them all. An acknowledged append is on disk. A failed write or sync is
/// never retried: every pending append fails, the writer closes, and reopening re-derives the
/// state from disk. A full disk (ENOSPC, EDQUOT) is the exception: the group fails with
/// `JournalError.diskFull`, is cut back, and the same writer appends again once there is room.
///
/// Thread-safe: `@unchecked Sendable` because all mutable state is guarded by `lock` (queue and
/// leadership) or touched only by the current leader, of which there is one at a time.
public final class JournalWriter: @unchecked Sendable {
    /// The journal directory.
    public let directory: String
    /// The journal id from the manifest.
    public let journalID: UUID
    /// The options given, with the segment size the journal was created with unless another was given.
    private(set) var options: JournalOptions
    var fs: any JournalFileSystem { options.fileSystem }

    private let lock = NSCondition()
    private var queue: [AppendRequest] = []
    private var leaderActive = false
    private var failure: JournalError?
    private var isClosed = false

    /// Followers in this process wait here for `durableSeq` to move.
    let durable = DurableHead()
    /// Transaction ends and commit times of recent appends (any thread).
    let recent = RecentAppends()

    // Leader-only state, set from disk by `adopt(_:)`.
    var segmentBase: UInt64 = 1
    var segmentFile: (any JournalFile)?
    var segmentSize: Int64 = 0
    var segmentIndex: [IndexEntry] = []
    var nextIndexAt: Int64 = 0
    var nextSeq: UInt64 = 1
    var firstSeq: UInt64 = 1
    private var buffer = ByteWriter(capacity: 1 << 20)
    private var headFile: (any JournalFile)?
    private let writerLock: any JournalFileLock
    private var lastEventCache: Event?
    func clearLastEventCache() { lastEventCache = nil }
    /// Each entity's key (leader-only), and whether the key file holds it.
    var entityKeys = EntityKeyCatalog()
    var entityKeysOnDisk = false
    /// Whether `space.reserve` is there (leader-only): made again after the append after a full disk used it.
    var hasReserve = false

    /// Opens `directory` for appending: takes the writer lock, recovers (cuts a torn tail), and
    /// throws `JournalError.locked` naming the holder when another process writes, or
    /// `JournalError.corrupt` on damage before the tail (nothing is written then).
    public init(directory: String, options: JournalOptions = JournalOptions()) throws {
        self.directory = directory
        self.options = options
        let fs = options.fileSystem
        guard fs.exists(directory + "/" + ManifestStore.fileName) else {
            throw JournalError.notAJournal(path: directory, reason: fs.exists(directory)
                                           ? "no \(ManifestStore.fileName)" : JournalError.directoryMissing)
        }
        writerLock = try fs.lockExclusive(directory + "/" + JournalFiles.writerLock, journal: directory)
        do {
            let state = try JournalRecovery(directory: directory, options: options).recover()
            if options.segmentSize == JournalOptions.defaultSegmentSize, let size = state.manifest.segmentSize {
                self.options.segmentSize = size
            }
            journalID = state.manifest.journalID
            adopt(state)
            (entityKeys, entityKeysOnDisk) = try loadEntityKeys()
            hasReserve = ensureReserve()
            headFile = try? fs.open(directory + "/" + JournalFiles.head, .createOrOpen)
            writeHead(seq: state.lastSeq, live: true)
        } catch {
            writerLock.unlock()
            throw error
        }
    }

    deinit {
        segmentFile?.close()
        headFile?.close()
        writerLock.unlock()
    }

    /// The seq of the last durable event (firstSeq - 1 when the journal is empty).
    public var lastSeq: UInt64 { durable.seq }

    /// Appends a batch as one group and returns the seqs assigned, once they are durable; nil for an empty batch.
    @discardableResult
    public func append(_ events: [Event]) throws -> ClosedRange<UInt64>? {
        try append(EventBatch(events), closesTransactions: false)
    }

    /// `append(_:)`; `closesTransactions`: the batch holds whole source transactions, so its last seq closes one
    /// (published as `closedTransactionSeq` once durable).
    @discardableResult
    public func append(_ events: [Event], closesTransactions: Bool) throws -> ClosedRange<UInt64>? {
        try append(EventBatch(events), closesTransactions: closesTransactions)
    }

    /// Appends a batch of decoded and encoded events (in order) as one group; see `append(_:closesTransactions:)`.
    @discardableResult
    public func append(_ batch: EventBatch, closesTransactions: Bool = false) throws -> ClosedRange<UInt64>? {
        if batch.isEmpty { return nil }
        let request = AppendRequest(batch: batch, closesTransactions: closesTransactions)
        lock.lock()
        if let f = failure { lock.unlock(); throw JournalError.writerClosed(reason: f.description) }
        if isClosed { lock.unlock(); throw JournalError.writerClosed(reason: "the writer was closed") }
        queue.append(request)
        while request.result == nil {
            if !leaderActive {
                leaderActive = true
                let group = queue
                queue.removeAll(keepingCapacity: true)
                lock.unlock()
                let outcome = commit(group)
                lock.lock()
                leaderActive = false
                if case .failure(let e) = outcome {
                    failure = failure ?? e
                    for r in queue { r.result = .failure(JournalError.writerClosed(reason: e.description)) }
                    queue.removeAll()
                }
                lock.broadcast()
            } else {
                lock.wait()
            }
        }
        lock.unlock()
        return try request.result!.get()
    }

    /// Appends one event; returns its seq once durable.
    @discardableResult
    public func append(_ event: Event) throws -> UInt64 {
        try append([event])!.lowerBound
    }

    /// Appends from async code: the blocking group commit runs off the cooperative pool.
    @discardableResult
    public func appendAsync(_ events: [Event]) async throws -> ClosedRange<UInt64>? {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<ClosedRange<UInt64>?, Error>) in
            DispatchQueue.global().async {
                do { c.resume(returning: try self.append(events)) } catch { c.resume(throwing: error) }
            }
        }
    }

    /// The last event in the journal (with its seq), nil when empty: where a source resumes.
    public func lastEvent() throws -> Event? {
        try withExclusiveAccess {
            if let e = lastEventCache { return e }
            let last = durable.seq
            guard last >= firstSeq else { return nil }
            let reader = try JournalReader(directory: directory, options: options, writer: self)
            try reader.seek(to: last)
            let e = try reader.next()
            lastEventCache = e
            return e
        }
    }

    /// Flushes the index of the active segment, marks the shutdown clean and releases the lock.
    public func close() {
        _ = try? withExclusiveAccess {
            lock.lock(); isClosed = true; lock.unlock()
            if failure == nil, let file = segmentFile {
                try? IndexFile(entries: segmentIndex, lastSeq: nextSeq - 1, endOffset: segmentSize)
                    .write(directory: directory, base: segmentBase, fs: fs)
                _ = file
            }
            writeHead(seq: durable.seq, live: false)
            if failure == nil, segmentFile != nil {
                do {
                    try JournalHead.recordClose(durable.seq, directory: directory, fs: fs)
                } catch {
                    options.logger("journal \(directory): could not record the last seq \(durable.seq) at close: \(error)")
                }
            }
            segmentFile?.close(); segmentFile = nil
            headFile?.close(); headFile = nil
        }
        writerLock.unlock()
        durable.publish(durable.seq)
    }

    /// Runs `body` as the leader, with no append in flight (truncation, close, lastEvent).
    func withExclusiveAccess<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        while leaderActive { lock.wait() }
        if let f = failure { lock.unlock(); throw JournalError.writerClosed(reason: f.description) }
        leaderActive = true
        lock.unlock()
        defer { lock.lock(); leaderActive = false; lock.broadcast(); lock.unlock() }
        return try body()
    }

    /// Marks the writer failed (after an I/O error outside append).
    func fail(_ error: JournalError) {
        lock.lock(); failure = failure ?? error; lock.unlock()
        segmentFile?.close(); segmentFile = nil
    }

    /// Writes one group: assigns seqs, frames every event into one buffer, one write, one fdatasync.
    /// Every request of the group gets its result; `.failure` means the writer must close (a full disk that
    /// was cut back cleanly fails the group's requests with `.diskFull` but returns `.success`).
    private func commit(_ group: [AppendRequest]) -> Result<Void, JournalError> {
        guard let _ = segmentFile else {
            let e = JournalError.writerClosed(reason: "the writer was closed")
            for r in group { r.result = .failure(e) }
            return .success(())
        }
        // A local buffer: no exclusivity checks on a class property per record (moved back below).
        var out = ByteWriter(capacity: 0)
        swap(&out, &buffer)
        defer { swap(&out, &buffer) }
        out.bytes.removeAll(keepingCapacity: true)
        var seq = nextSeq
        var pendingIndex: [IndexEntry] = []
        var flushes = 0
        var accepted: [(AppendRequest, ClosedRange<UInt64>)] = []
        var lastRequest: AppendRequest?
        // Where the group starts: a failure cuts back to here, so a reopen finds only what was acknowledged.
        let groupStart = AppendPosition(base: segmentBase, size: segmentSize, seq: nextSeq)
        let limit = Int64(options.segmentSize), interval = Int64(options.indexInterval)
        do {
            try admitKeys(group)
            for request in group where request.result == nil {
                let first = seq
                let mark = out.bytes.count
                let indexMark = pendingIndex.count
                let flushMark = flushes
                do {
                    // Places one framed record (written by `frame`) after the records before it, rolling the
                    // segment when it would pass its size.
                    func place(_ frame: (_ groupStart: Bool, inout ByteWriter) throws -> Void) throws {
                        let before = out.bytes.count
                        // An empty buffer means every earlier record is durable: a group starts here.
                        try frame(before == 0, &out)
                        let recordSize = Int64(out.bytes.count - before)
                        if segmentSize + Int64(out.bytes.count) > limit
                            && (segmentSize > Int64(SegmentFormat.headerSize) || before > 0) {
                            // Seal the segment with what came before this record, then start a new one.
                            out.bytes.removeSubrange(before...)
                            try flush(&out, pendingIndex)
                            flushes += 1
                            pendingIndex.removeAll()
                            try roll(newBase: seq)
                            try frame(true, &out)
                        }
                        let offset = segmentSize + Int64(out.bytes.count) - recordSize
                        if offset >= nextIndexAt {
                            pendingIndex.append(IndexEntry(seq: seq, offset: offset))
                            nextIndexAt = offset + interval
                        }
                        seq += 1
                    }
                    for part in request.batch.parts {
                        switch part {
                        case .events(let events):
                            let preFramed = PreFramedBatch.make(events, firstSeq: seq)
                            // Through pointers: `for event in events` or `events[i]` would copy (retain and release) every event.
                            try events.withUnsafeBufferPointer { events in
                                for i in events.indices {
                                    try place { groupStart, out in
                                        if let preFramed {
                                            preFramed.append(i, groupStart: groupStart, to: &out)
                                        } else {
                                            try SegmentFormat.appendFrame(events.baseAddress! + i, seq: seq, groupStart: groupStart, into: &out)
                                        }
                                    }
                                }
                            }
                        case .encoded(let encoded):
                            // Framed inline: a copy and a CRC each, less than handing them to other threads costs.
                            for i in 0..<encoded.count {
                                try place { groupStart, out in
                                    try SegmentFormat.appendFrame(encoded, i, seq: seq, groupStart: groupStart, into: &out)
                                }
                            }
                        }
                    }
                    accepted.append((request, first...(seq - 1)))
                    lastRequest = request
                } catch let e as JournalError where isRecordError(e) && flushes == flushMark {
                    // This batch cannot be framed; the others in the group go on without it.
                    out.bytes.removeSubrange(mark...)
                    pendingIndex.removeSubrange(indexMark...)
                    seq = first
                    request.result = .failure(e)
                }
            }
            try flush(&out, pendingIndex)
        } catch {
            let e = ((error as? JournalError) ?? .writerClosed(reason: "\(error)")).classifyingDiskFull()
            for r in group where r.result == nil { r.result = .failure(e) }
            segmentFile?.close(); segmentFile = nil
            let cut = cutBack(to: groupStart, after: e)
            hasReserve = hasReserve && fs.exists(reservePath)
            // A full disk is not damage: once the group is cut back, the state is re-derived from disk (reads
            // only, so it works on a full disk) and the writer stays open for the retry after space returns.
            if case .diskFull = e, let cut {
                do {
                    try reload()
                    options.logger("journal \(directory): the disk is full (\(e.operationAndErrno)); \(cut);"
                                   + " appends go on once there is room")
                    return .success(())
                } catch {
                    options.logger("journal \(directory): could not re-read the tail after a full disk (\(error))")
                }
            }
            options.logger("journal \(directory): \(e); the writer stops, pending appends fail,"
                           + " reopen re-derives the state from disk")
            if let cut { options.logger("journal \(directory): after the failed write, \(cut)") }
            return .failure(e)
        }
        nextSeq = seq
        let last = lastRequest?.batch.lastEvent
        if var last { last.seq = seq - 1; lastEventCache = last }
        // Before the durable seq moves: a follower woken by it finds the transaction end already known.
        recent.record(accepted.map { ($0.1.lowerBound, $0.0.batch.firstEvent?.committedAt) },
                      closing: accepted.last { $0.0.closesTransactions }?.1.upperBound,
                      head: last.map { (seq - 1, $0.committedAt) })
        durable.publish(seq - 1)
        writeHead(seq: seq - 1, live: true)
        for (r, range) in accepted { r.result = .success(range) }
        if !hasReserve { hasReserve = ensureReserve() }
        return .success(())
    }

    private func isRecordError(_ e: JournalError) -> Bool {
        if case .recordTooLarge = e { return true }
        return false
    }

    /// Writes the buffer at the end of the segment and syncs it.
    private func flush(_ out: inout ByteWriter, _ entries: [IndexEntry]) throws {
        guard !out.bytes.isEmpty, let file = segmentFile else { return }
        try out.bytes.withUnsafeBytes { try file.write($0, at: segmentSize) }
        try file.dataSync()
        segmentSize += Int64(out.bytes.count)
        segmentIndex.append(contentsOf: entries)
        out.bytes.removeAll(keepingCapacity: true)
    }

    /// Seals the active segment and makes a new one starting at `newBase`.
    private func roll(newBase: UInt64) throws {
        try? IndexFile(entries: segmentIndex, lastSeq: newBase - 1, endOffset: segmentSize)
            .write(directory: directory, base: segmentBase, fs: fs)
        try SegmentCreator.create(directory: directory, base: newBase, journalID: journalID, fs: fs)
        try JournalHead.recordSegment(newBase, directory: directory, fs: fs)
        let file = try fs.open(JournalFiles.segmentPath(directory, newBase), .readWrite)
        segmentFile?.close()
        segmentFile = file
        segmentBase = newBase
        segmentSize = Int64(SegmentFormat.headerSize)
        segmentIndex = []
        nextIndexAt = 0
    }

    /// Tells readers in other processes how far the journal is durable (a hint: never synced).
    func writeHead(seq: UInt64, live: Bool) {
        guard let head = headFile else { return }
        var w = ByteWriter(capacity: 16)
        w.u64(seq)
        w.u64(live ? UInt64(getpid()) : 0)
        try? head.write(w.bytes, at: 0)
    }
}

/// One caller's batch waiting in the group-commit queue; `result` is set under the writer's lock.
final class AppendRequest {
    let batch: EventBatch
    let closesTransactions: Bool
    var result: Result<ClosedRange<UInt64>, JournalError>?
    init(batch: EventBatch, closesTransactions: Bool) { self.batch = batch; self.closesTransactions = closesTransactions }
}

/// The durable seq of a writer, with a condition for followers in the same process.
///
/// `@unchecked Sendable`: `seq` is only read and written under `condition`.
final class DurableHead: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: UInt64 = 0
    private var generation: UInt64 = 0

    var seq: UInt64 { condition.lock(); defer { condition.unlock() }; return value }

    func publish(_ seq: UInt64) {
        condition.lock(); value = seq; generation &+= 1; condition.broadcast(); condition.unlock()
    }

    /// Waits until the durable seq reaches `seq` or the deadline passes; returns the durable seq.
    func wait(forSeq seq: UInt64, deadline: Date) -> UInt64 {
        condition.lock(); defer { condition.unlock() }
        let start = generation
        while value < seq && generation == start {
            if !condition.wait(until: deadline) { break }
        }
        return value
    }
}

extension JournalWriter {
    /// Takes the append position from what recovery found on disk.
    private func adopt(_ state: RecoveredState) {
        firstSeq = state.manifest.firstSeq
        segmentBase = state.segments.last!
        segmentFile = state.file
        segmentSize = state.size
        segmentIndex = state.index
        nextIndexAt = (state.index.last?.offset ?? -Int64(options.indexInterval)) + Int64(options.indexInterval)
        nextSeq = state.lastSeq + 1
        durable.publish(state.lastSeq)
    }

    /// Re-derives the append position from disk (after a truncation), keeping the writer lock.
    func reload() throws {
        segmentFile?.close(); segmentFile = nil
        let state = try JournalRecovery(directory: directory, options: options).recover()
        adopt(state)
        clearLastEventCache()
        recent.reset()
        writeHead(seq: state.lastSeq, live: true)
    }
}

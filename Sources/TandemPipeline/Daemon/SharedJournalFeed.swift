import Foundation
import Synchronization
import TandemCore
import TandemJournal

/// Journal events decoded once for every sink applier of the daemon.
///
/// One reader (bounded by the writer's durable seq) decodes the records at the frontier in chunks and keeps the
/// last few chunks in a window keyed by seq: sinks at or near the head take the same immutable arrays instead of
/// each reading and decoding the journal. A sink behind the window (slow, stopped, restarted from an older
/// checkpoint) reads the journal itself, as a replay does, until it is back in the window — so the window is
/// bounded (`capacity` events, plus the one chunk a lagging sink may still hold) whatever a sink's lag.
/// Each sink keeps its own filter, batching, checkpoint and transaction-end rule: the feed only hands out events.
final class SharedJournalFeed: Sendable {
    /// Records one shared read decodes at most (also what a sink behind the window reads at a time).
    let chunkSize: Int
    /// Decoded events the window keeps at most (whole chunks; the newest chunk is always kept).
    let capacity: Int

    /// What `events(from:)` found for a seq.
    enum Answer {
        /// Decoded events with consecutive seqs: those of `chunk` from index `from` on, starting at the asked one.
        case events(SharedChunk, from: Int)
        /// Nothing durable at the asked seq yet.
        case nothingYet
        /// The seq is behind the window, or the shared reader is unavailable: read the journal yourself.
        case readYourself
    }

    /// Consecutive chunks of decoded events, oldest first.
    private struct Window {
        var chunks: [SharedChunk] = []
        var count = 0

        /// The events from `seq` on, `.readYourself` when `seq` is older than the window, nil when newer.
        func answer(for seq: UInt64) -> Answer? {
            guard let first = chunks.first?.events.first?.seq else { return nil }
            if seq < first { return .readYourself }
            for c in chunks.reversed() where seq >= c.events[0].seq {
                let i = Int(seq - c.events[0].seq)
                return i < c.events.count ? .events(c, from: i) : nil
            }
            return nil
        }

        mutating func add(_ chunk: SharedChunk, capacity: Int) {
            if let last = chunks.last?.events.last?.seq, last + 1 != chunk.events[0].seq { chunks.removeAll(); count = 0 }
            chunks.append(chunk)
            count += chunk.events.count
            while count > capacity, chunks.count > 1 { count -= chunks.removeFirst().events.count }
        }
    }

    /// The shared reader and the writer it follows (a reopened writer gets a new reader).
    private struct Frontier {
        var writer: JournalWriter?
        var reader: JournalReader?
    }

    private let journal: JournalHandle
    private let window = Mutex(Window())
    /// Held while the shared reader decodes a chunk: sinks asking for the same new seqs wait here and then find
    /// them in the window (each would otherwise decode them itself).
    private let frontier = Mutex(Frontier())

    /// Events sinks behind the window read from the journal themselves (a figure for tests).
    private let ownReads = Atomic<Int>(0)
    /// Chunk preparations (key check, write plan) a sink took from another with the same filter (a figure for tests).
    let plansReused = SharedCounter()

    /// A feed of `journal` decoding `chunkSize` records at a time and keeping at most `capacity` (nothing is
    /// read until a sink asks).
    init(journal: JournalHandle, chunkSize: Int, capacity: Int) {
        self.journal = journal
        self.chunkSize = max(1, chunkSize)
        self.capacity = max(self.chunkSize, capacity)
    }

    /// The journal directory (for a sink's own reader).
    var directory: String { journal.directory }
    /// The journal's options (for a sink's own reader).
    var options: JournalOptions { journal.options }

    /// The decoded events from `seq` on: from the window, or decoded now by the shared reader when `seq` is the
    /// next one past everything read (or past the window, after which the window starts again at `seq`).
    func events(from seq: UInt64) -> Answer {
        if let known = window.withLock({ $0.answer(for: seq) }) { return known }
        return frontier.withLock { f -> Answer in
            if let known = window.withLock({ $0.answer(for: seq) }) { return known }  // read by another sink meanwhile
            guard let writer = journal.openWriter else { f = Frontier(); return .readYourself }
            do {
                if f.writer !== writer || f.reader == nil {
                    f = Frontier(writer: writer, reader: try writer.makeReader())
                    try f.reader!.seek(to: seq)
                }
                let reader = f.reader!
                if seq < reader.nextSeq { return .readYourself }  // older than the window (or an empty window)
                if seq > reader.nextSeq { try reader.seek(to: seq) }  // ahead of every other sink
                let durable = writer.lastSeq
                guard durable >= seq else { return .nothingYet }
                var chunk: [Event] = []
                chunk.reserveCapacity(Int(min(durable - seq + 1, UInt64(chunkSize))))
                while chunk.count < chunkSize, let e = try reader.next() { chunk.append(e) }
                guard !chunk.isEmpty else { return .nothingYet }
                let shared = SharedChunk(events: chunk, reused: plansReused)
                window.withLock { [capacity] in $0.add(shared, capacity: capacity) }
                return .events(shared, from: 0)
            } catch {
                // The sink's own reader meets the same journal and reports what is wrong, as a replay would.
                f = Frontier()
                return .readYourself
            }
        }
    }

    /// Waits until the event at `seq` may be durable (woken by the writer's appends), at most until `deadline`;
    /// false at once when no writer is open.
    func waitForAppend(_ seq: UInt64, until deadline: Date) -> Bool {
        guard let writer = journal.openWriter else { return false }
        writer.waitForDurable(seq, until: deadline)
        return true
    }

    /// Waits until the event at `seq` may be durable (woken by the writer's appends), at most until `deadline`;
    /// the durable seq then, nil at once when no writer is open.
    func waitForDurable(_ seq: UInt64, until deadline: Date) -> UInt64? {
        guard let writer = journal.openWriter else { return nil }
        return writer.waitForDurable(seq, until: deadline)
    }

    /// Decoded events the window holds now (for tests of its bound).
    var windowCount: Int { window.withLock { $0.count } }

    /// Events sinks behind the window have read from the journal themselves so far.
    var eventsReadAlone: Int { ownReads.load(ordering: .relaxed) }

    func countReadAlone(_ n: Int) { ownReads.add(n, ordering: .relaxed) }
}

/// One sink's replay source over the shared feed: events from the window, or from a reader of its own while the
/// sink is behind the window. Used by one thread.
final class SharedFeedCursor: ChunkedEventSource {
    private let feed: SharedJournalFeed
    private var buffer: ArraySlice<Event> = []
    /// The seq the next `next()` returns.
    private var nextSeq: UInt64
    private var own: JournalReader?

    /// A cursor whose first event is `start`.
    init(feed: SharedJournalFeed, start: UInt64) {
        self.feed = feed
        nextSeq = start
    }

    /// Whether the last events came from the sink's own reader (behind the shared window).
    private(set) var readingItself = false

    func next() throws -> Event? {
        if buffer.isEmpty { try refill() }
        guard let e = buffer.popFirst() else { return nil }
        nextSeq = e.seq + 1
        return e
    }

    func next(timeout: TimeInterval) throws -> Event? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if let e = try next() { return e }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return nil }
            if !feed.waitForAppend(nextSeq, until: deadline) {
                // No writer open: the ingest thread is reopening it after a failed append (rare, brief).
                Thread.sleep(forTimeInterval: min(left, 0.05))
            }
        }
    }

    /// Waits up to `timeout` seconds for an event at the next seq to become durable (consuming nothing); true
    /// when there is one to read.
    func waitForMore(timeout: TimeInterval) -> Bool {
        if !buffer.isEmpty { return true }
        let deadline = Date(timeIntervalSinceNow: timeout)
        guard let durable = feed.waitForDurable(nextSeq, until: deadline) else {
            // No writer open: the ingest thread is reopening it after a failed append (rare, brief).
            Thread.sleep(forTimeInterval: min(timeout, 0.05))
            return false
        }
        return durable >= nextSeq
    }

    func nextChunk() throws -> SharedChunk? {
        guard buffer.isEmpty else { return nil }
        switch feed.events(from: nextSeq) {
        case .events(let chunk, from: 0):
            readingItself = false
            nextSeq = chunk.events[chunk.events.count - 1].seq + 1
            return chunk
        case .events(let chunk, from: let i):
            // Mid-chunk (a checkpoint inside it): its rest event by event, the next chunks whole.
            buffer = chunk.events[i...]
            readingItself = false
        case .nothingYet, .readYourself:
            break
        }
        return nil
    }

    private func refill() throws {
        switch feed.events(from: nextSeq) {
        case .events(let chunk, from: let i):
            buffer = chunk.events[i...]
            readingItself = false
        case .nothingYet:
            break
        case .readYourself:
            let reader = try own ?? JournalReader(directory: feed.directory, options: feed.options)
            own = reader
            if reader.nextSeq != nextSeq { try reader.seek(to: nextSeq) }
            var chunk: [Event] = []
            while chunk.count < feed.chunkSize, let e = try reader.next() { chunk.append(e) }
            feed.countReadAlone(chunk.count)
            buffer = chunk[...]
            readingItself = true
        }
    }
}

import Synchronization
import TandemJournal

/// The daemon's journal writer: opened at start (holding the writer lock for the daemon's life) and reopened —
/// recovering a torn tail, so nothing half-written stays — after an append failed (a full disk).
final class JournalHandle: Sendable {
    /// The journal directory.
    let directory: String
    let options: JournalOptions
    private let writer: Mutex<JournalWriter?>
    private let lastKnownSeq = Atomic<UInt64>(0)

    /// Opens the writer (recovering the journal); throws when another process holds it.
    init(directory: String, options: JournalOptions) throws {
        self.directory = directory; self.options = options
        let w = try JournalWriter(directory: directory, options: options)
        writer = Mutex(w)
        lastKnownSeq.store(w.lastSeq, ordering: .relaxed)
    }

    /// The open writer, reopened when a failure discarded it.
    func current() throws -> JournalWriter {
        try writer.withLock { w in
            if let w { return w }
            let opened = try JournalWriter(directory: directory, options: options)
            w = opened
            return opened
        }
    }

    /// The open writer, nil while a failure has discarded it (never reopens: that is the ingest thread's to do).
    var openWriter: JournalWriter? { writer.withLock { $0 } }

    /// Closes `failed` (when still the current writer) so the next `current()` reopens and recovers.
    func discard(_ failed: JournalWriter) {
        let closing = writer.withLock { w -> JournalWriter? in
            guard let open = w, open === failed else { return nil }
            w = nil
            return open
        }
        closing?.close()
    }

    /// The last durable seq (the last one known while no writer is open).
    var lastSeq: UInt64 {
        if let w = writer.withLock({ $0 }) { lastKnownSeq.store(w.lastSeq, ordering: .relaxed) }
        return lastKnownSeq.load(ordering: .relaxed)
    }

    /// The highest durable seq the open writer knows to close a source transaction (0 while none is open).
    var closedTransactionSeq: UInt64 {
        writer.withLock { $0?.closedTransactionSeq ?? 0 }
    }

    /// Closes the writer for good (flushes its index, marks the shutdown clean, releases the lock).
    func close() {
        writer.withLock { w in w?.close(); w = nil }
    }
}

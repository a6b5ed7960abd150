import Foundation
import TandemCore
import TandemSources

/// Appends batches to the journal on a worker thread while the ingest loop decodes the next batch
/// (two cores: decoding and the journal's encode + fdatasync overlap). At most one batch is in flight.
///
/// Positions become "durable" in submission order, only after their append returned; the ingest loop
/// acknowledges them to the source from its own thread (a source is used from one thread only).
// @unchecked Sendable: `journal` is used only on `queue`, one batch at a time (the semaphore admits one),
// and by the owner only after `drain()`; every other mutable field is guarded by `lock`.
final class AppendPipeline: @unchecked Sendable {
    private let journal: any IngestJournal
    private let queue = DispatchQueue(label: "tandem.ingest.append")
    private let slot = DispatchSemaphore(value: 1)
    private let lock = NSLock()
    private var failure: Error?
    private var durable: String?
    private var acknowledged: String?
    private var lastSeq: UInt64?
    private var journaled = 0

    init(journal: any IngestJournal) { self.journal = journal }

    /// Queues `events` (possibly none) whose batch ends at `position`; waits while the previous batch appends.
    /// `closesTransactions`: the batch ends on a source transaction's end (see `IngestJournal`).
    /// - Throws: the error of an earlier append (nothing more is appended after one fails).
    func submit(_ events: EventBatch, through position: String, closesTransactions: Bool = false) throws {
        slot.wait()
        if let f = lock.withLock({ failure }) { slot.signal(); throw f }
        queue.async { [self] in
            do {
                let range = events.isEmpty ? nil : try journal.appendDurably(events, closesTransactions: closesTransactions)
                lock.withLock {
                    if let r = range { lastSeq = r.upperBound }
                    journaled += events.count
                    durable = position
                }
            } catch {
                lock.withLock { failure = error }
            }
            slot.signal()
        }
    }

    /// Waits until nothing is in flight.
    /// - Throws: the error of a failed append.
    func drain() throws {
        slot.wait()
        slot.signal()
        if let f = lock.withLock({ failure }) { throw f }
    }

    /// Throws the error of a failed append without waiting: a follower that reads nothing new (the whole
    /// input was read before the append failed) must still learn of it, not idle with it forever.
    func checkFailure() throws {
        if let f = lock.withLock({ failure }) { throw f }
    }

    /// The durable position not yet handed to the source, if any (marks it handed).
    func takeUnacknowledged() -> String? {
        lock.withLock {
            guard let d = durable, d != acknowledged else { return nil }
            acknowledged = d
            return d
        }
    }

    /// Events durably journaled so far and the last seq.
    var figures: (journaled: Int, lastSeq: UInt64?) { lock.withLock { (journaled, lastSeq) } }
}

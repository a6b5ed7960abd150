import Foundation
import TandemCore

/// What a writer remembers of its recent appends, in memory, for followers and figures in the same process:
/// the highest durable seq known to close a source transaction, and when each recent append's first event was
/// committed at its source.
///
/// `@unchecked Sendable`: every field is read and written under `lock`.
final class RecentAppends: @unchecked Sendable {
    private let lock = NSLock()
    private var closed: UInt64 = 0
    /// A ring of (first seq of an append, its first event's commit time), in seq order from `start`.
    private var ring: [(seq: UInt64, at: Timestamp?)] = []
    private var start = 0
    /// The newest appended event's seq and commit time.
    private var head: (seq: UInt64, at: Timestamp?)?
    static let capacity = 4096

    var closedSeq: UInt64 { lock.withLock { closed } }

    /// Records accepted appends (in seq order); `closing`: the highest seq of them that closes a transaction.
    func record(_ appends: [(seq: UInt64, at: Timestamp?)], closing: UInt64?, head: (seq: UInt64, at: Timestamp?)?) {
        lock.withLock {
            if let head { self.head = head }
            for a in appends {
                if ring.count < Self.capacity {
                    ring.append(a)
                } else {
                    ring[start] = a
                    start = (start + 1) % Self.capacity
                }
            }
            if let closing { closed = max(closed, closing) }
        }
    }

    /// Forgets everything (the writer re-derived its state from disk).
    func reset() {
        lock.withLock { ring.removeAll(); start = 0; closed = 0; head = nil }
    }

    /// The newest appended event (nil before the first append).
    var newest: (seq: UInt64, at: Timestamp?)? { lock.withLock { head } }

    /// The remembered append holding `seq` (the latest starting at or before it), nil when `seq` is older.
    func append(holding seq: UInt64) -> (seq: UInt64, at: Timestamp?)? {
        lock.withLock {
            let n = ring.count
            guard n > 0, ring[start].seq <= seq else { return nil }
            // Binary search over the ring in seq order.
            var lo = 0, hi = n - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if ring[(start + mid) % n].seq <= seq { lo = mid } else { hi = mid - 1 }
            }
            return ring[(start + lo) % n]
        }
    }
}

extension JournalWriter {
    /// The highest durable seq known to close a source transaction: the last seq of the latest append made with
    /// `closesTransactions` (0 when none since this writer opened). A follower in this process may commit there
    /// without waiting for the next transaction to start.
    public var closedTransactionSeq: UInt64 { recent.closedSeq }

    /// When the source committed the event at `seq`, from memory: the commit time of the first event of the
    /// recent append holding `seq` (exact when `seq` starts an append, else at most one append's span earlier);
    /// nil when `seq` is older than the appends remembered (the caller reads the journal then).
    public func recentCommitTime(of seq: UInt64) -> (appendStart: UInt64, committedAt: Timestamp?)? {
        guard seq <= lastSeq, let a = recent.append(holding: seq) else { return nil }
        return (a.seq, a.at)
    }

    /// When the source committed the journal's last event, from memory without waiting for an append in flight;
    /// `lastEvent()` (which reads it from disk once) before this writer's first append.
    public func headCommitTime() throws -> Timestamp? {
        if let h = recent.newest, h.seq == lastSeq { return h.at }
        return try lastEvent()?.committedAt
    }
}

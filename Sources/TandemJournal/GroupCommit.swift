import Foundation
import TandemCore

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

import Foundation
import TandemJournal
import TandemCore
import TandemSinks

/// How a replay runs.
public struct ReplayOptions: Sendable {
    /// First seq to apply (default: the one after the sink's checkpoint; lower values are skipped anyway).
    public var from: UInt64?
    /// Last seq to apply (default: the end of the journal, or forever with `follow`).
    public var to: UInt64?
    /// Which events to apply.
    public var filter = ReplayFilter()
    /// About how many journal events per sink transaction (cut only between source transactions).
    public var batchSize = 10_000
    /// A source transaction longer than this many events is applied in parts of `batchSize` (0: always whole).
    /// The memory bound: a sink holds at most this many events, however long a transaction (a backlog the
    /// `sqlite-changelog` source reads as one range, a bulk UPDATE); until its last part commits, the store shows
    /// part of it, as a store fed by Debezium's JDBC sink does.
    public var splitTransactionsOver = 20_000
    /// Keep applying new events at the journal's tail until stopped.
    public var follow = false
    /// The consumer name registered in the journal's manifest (default: derived from the sink).
    public var consumerName: String?
    /// Accept a `from` beyond the seq after the checkpoint, leaving the seqs between never applied.
    public var allowGap = false
    /// Where conflicts are logged (rate-limited: `ConflictLog`).
    public var log: @Sendable (String) -> Void = OperatorLog.stderr
    /// Where the consumer's positions are recorded (nil: the journal's manifest, at every batch).
    public var ledger: (any ConsumerLedger)?
    /// Following in the writer's process: the highest durable seq known to close a source transaction
    /// (`JournalWriter.closedTransactionSeq`). Reaching it, the replay commits at once instead of waiting for the
    /// next transaction to start. Nil (a replay in another process): that wait is the only sign of a transaction's end.
    public var closedTransactionSeq: (@Sendable () -> UInt64)?
    /// Where the events come from, given the first seq to read (nil: a `JournalReader` of the journal). The daemon
    /// hands every sink the same decoded events (`SharedJournalFeed`).
    public var events: (@Sendable (_ start: UInt64) throws -> any ReplayEventSource)?

    /// Options with defaults.
    public init(from: UInt64? = nil, to: UInt64? = nil, filter: ReplayFilter = ReplayFilter(), batchSize: Int = 10_000,
                follow: Bool = false, consumerName: String? = nil, allowGap: Bool = false) {
        self.from = from
        self.to = to
        self.filter = filter
        self.batchSize = batchSize
        self.follow = follow
        self.consumerName = consumerName
        self.allowGap = allowGap
    }
}

/// Journal events in seq order for a replay, from a given seq on (`JournalReader` is one).
public protocol ReplayEventSource: AnyObject {
    /// The next durable event, or nil at the end of the durable data.
    func next() throws -> Event?
    /// The next event, waiting up to `timeout` seconds for one to become durable.
    func next(timeout: TimeInterval) throws -> Event?
}

extension JournalReader: ReplayEventSource {}

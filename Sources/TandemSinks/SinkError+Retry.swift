extension SinkError {
    /// True when the same batch may succeed later with nothing changed by a person: the store is down, busy,
    /// its connection broke, another writer moved the checkpoint, or it failed a statement for a reason of its
    /// own (`database`: a full disk, a permission, a server error). A long-running replay retries these with
    /// back-off; everything else stops the sink.
    public var isRetryable: Bool {
        switch self {
        case .connectionLost, .unavailable, .busy, .checkpointMoved, .database: return true
        default: return false
        }
    }

    /// The one journaled event that can never be applied (a poison event: the store's rules or types refuse
    /// it, or the journal holds it in a form no sink applies), which `tandem sink park` sets aside so the sink
    /// can go on; nil for an error that is not about one event (the store, the config, the journal).
    public var poisonSeq: UInt64? {
        switch self {
        case let .refusedEvent(seq, _, _, _, _, _), let .invalidEvent(_, seq, _, _), let .keyRefused(seq, _, _),
             let .keyColumnsDiffer(seq, _, _, _), let .nullKeyValue(seq, _, _), let .missingAfterImage(seq, _, _),
             let .missingKey(seq, _):
            return seq
        default:
            return nil
        }
    }
}

import TandemCore

extension EventSink {
    /// Applies events the checkpoint has already passed over (a parked event re-played by `sink unpark`) in
    /// one transaction that leaves the checkpoint where it is; applying them again changes nothing more.
    /// - Throws: `SinkError.notFilled` when the sink holds no checkpoint, `.journalMismatch` for another
    ///   journal's store, `.refusedData` when the store still refuses them, or the store's other errors.
    public func reapply(_ events: [Event], journalID: String) throws {
        while true {
            do {
                guard let stored = try checkpoint() else {
                    throw SinkError.notFilled(target: target, sink: name, reason: SinkSpec.neverFilled)
                }
                guard stored.journalID == journalID else {
                    throw SinkError.journalMismatch(target: target, sink: name, stored: stored.journalID, given: journalID)
                }
                try SinkNames.check(events, target: target)
                // The same seq, no filter: the checkpoint row is rewritten as it is (the stored filter kept).
                try commit(try ChangePlan(events: events), from: stored,
                           to: SinkCheckpoint(journalID: stored.journalID, seq: stored.seq, filter: nil))
                return
            } catch SinkError.connectionLost {
                try reconnect()
            } catch SinkError.checkpointMoved {
                // A running replay committed a batch meanwhile: read its checkpoint again and retry.
                continue
            }
        }
    }
}

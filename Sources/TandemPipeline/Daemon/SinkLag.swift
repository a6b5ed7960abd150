import TandemCore

/// A sink's lag in seconds, the one definition behind `tandem_sink_lag_seconds` and `SinkStatus.lagSeconds`,
/// live (the daemon's ticker) and offline (`tandem status` with no daemon): now minus the commit time of the
/// newest applied event; 0 when caught up.
public enum SinkLag {
    /// The seq whose commit time the lag is measured from: the sink's newest applied event or, when it has
    /// applied nothing the journal still holds (a new sink, or history truncated past its checkpoint), the
    /// oldest event held — so a sink that never applied anything is not 0 s behind. Nil when the sink is caught
    /// up (`appliedSeq >= headSeq`) or the journal holds nothing (`firstSeq == 0`).
    public static func referenceSeq(appliedSeq: UInt64, firstSeq: UInt64, headSeq: UInt64) -> UInt64? {
        guard headSeq > appliedSeq, firstSeq > 0 else { return nil }
        return appliedSeq >= firstSeq ? appliedSeq : firstSeq
    }

    /// Now minus `referenceCommittedAt` in seconds: 0 when caught up (`lagEvents == 0`), when the reference's
    /// commit time is unknown, or when it lies in the future (a clock stepped back).
    public static func seconds(lagEvents: UInt64, referenceCommittedAt: Timestamp?, now: Timestamp) -> Double {
        guard lagEvents > 0, let committed = referenceCommittedAt else { return 0 }
        return max(0, Double(now.microseconds - committed.microseconds) / 1_000_000)
    }
}

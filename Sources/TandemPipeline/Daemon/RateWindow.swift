/// Events per second over the last minute, from a running total sampled about once a second (at most 61
/// samples: constant memory however long the daemon runs).
struct RateWindow: Sendable {
    private var samples: [(at: ContinuousClock.Instant, total: UInt64)] = []
    /// How far back the rate looks.
    static let span: Duration = .seconds(60)

    /// Records the running total at `now` (ignored when the last sample is under a second old).
    mutating func sample(_ total: UInt64, at now: ContinuousClock.Instant) {
        if let last = samples.last, now - last.at < .seconds(1) { return }
        samples.append((now, total))
        while let first = samples.first, now - first.at > Self.span { samples.removeFirst() }
    }

    /// The rate between the oldest and the newest sample (0 with fewer than two).
    var perSecond: Double {
        guard let first = samples.first, let last = samples.last, last.total >= first.total else { return 0 }
        let d = last.at - first.at
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return seconds > 0 ? Double(last.total - first.total) / seconds : 0
    }
}

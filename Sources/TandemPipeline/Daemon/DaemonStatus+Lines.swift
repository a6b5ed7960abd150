extension DaemonStatus {
    /// systemd's `STATUS=` text, shown by `systemctl status`: the journal head, the worst lag, how many sinks
    /// run, and the first reason the daemon is unhealthy. One line (sd_notify separates fields by newlines),
    /// at most 200 characters.
    public var systemdStatus: String {
        var text = "head seq \(journal.headSeq)"
        if let worst = sinks.max(by: { $0.lagEvents < $1.lagEvents }), worst.lagEvents > 0 {
            text += ", worst lag \(worst.lagEvents) events (\(worst.name))"
        } else if !sinks.isEmpty {
            text += ", caught up"
        }
        text += ", \(sinks.filter { $0.state == .running }.count)/\(sinks.count) sinks running"
        if let first = unhealthyReasons.first { text += "; " + first }
        return Self.oneLine(text, limit: 200)
    }

    /// The daemon's minute heartbeat for the log: rates and lag of the source and each sink, one line.
    public var heartbeat: String {
        var parts = ["source \(source.state.rawValue) \(Self.rate(source.eventsPerSecond)) events/s"
                     + ", \(source.eventsTotal) journaled, \(source.quarantinedTotal) quarantined since start",
                     "journal head seq \(journal.headSeq), \(journal.bytes) bytes in \(journal.segments) segments"]
        for sink in sinks {
            parts.append("sink \(sink.name) \(sink.state.rawValue) applied \(sink.appliedSeq), lag \(sink.lagEvents) events"
                         + " \(Self.rate(sink.lagSeconds)) s, \(Self.rate(sink.eventsPerSecond)) events/s"
                         + (sink.conflicts.total > 0 ? ", conflicts \(sink.conflicts)" : "")
                         + (sink.parked > 0 ? ", \(sink.parked) parked" : ""))
        }
        return Self.oneLine("heartbeat: " + parts.joined(separator: "; "), limit: .max)
    }

    /// One decimal (`0.0`, `12.5`).
    private static func rate(_ value: Double) -> String { StatusReport.decimal(value) }

    /// `text` on one line (CR and LF become spaces), cut to `limit` characters with `…`.
    static func oneLine(_ text: String, limit: Int) -> String {
        let flat = String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }
}

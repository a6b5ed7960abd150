import TandemCore
import TandemSinks

/// The daemon's HTTP pages, rendered from one `DaemonStatus`: `/metrics` (Prometheus text), `/healthz`
/// (200 `ok` or 503 with the reasons) and `/status` (`schemas/status.schema.json`). Everything else is 404,
/// a method other than GET or HEAD 405. The daemon passes `respond` to its `HTTPServer` as the handler.
public enum DaemonEndpoints {
    /// The paths served, in the order a 404 lists them.
    public static let paths = ["/metrics", "/healthz", "/status"]

    /// The answer to `request`. `status` is asked once, only for a page that shows it; `process` gives the
    /// `process_*` figures for `/metrics` (nil where /proc cannot be read: they are left out).
    /// `routes` answers the paths it knows (`GET /v1/routes…`, `RoutesEndpoint`) and nil for others.
    public static func respond(to request: HTTPRequest, status: @Sendable () -> DaemonStatus,
                               process: @Sendable () -> ProcessMetrics? = { ProcessMetrics.current() },
                               routes: @Sendable (String) -> HTTPResponse? = { _ in nil }) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            // The server's parser refuses other methods before a handler runs; this keeps the handler strict alone.
            return .text("405 Method Not Allowed: only GET and HEAD are served\n", status: .methodNotAllowed,
                         headers: [HTTPHeader(name: "Allow", value: "GET, HEAD")])
        }
        switch request.path {
        case "/metrics": return .metrics(metrics(status(), process: process()))
        case "/healthz": return healthz(status())
        case "/status": return statusPage(status())
        default:
            if let answer = routes(request.path) { return answer }
            return .text("404 Not Found: \(request.path); served: \(paths.joined(separator: ", "))\n", status: .notFound)
        }
    }

    /// `/healthz`: 200 `ok` when nothing is unhealthy, else 503 with one reason a line.
    public static func healthz(_ status: DaemonStatus) -> HTTPResponse {
        let reasons = status.unhealthyReasons
        guard !reasons.isEmpty else { return .text("ok\n") }
        // A reason holding a line break (a store's multi-line message) stays one line of the answer.
        return .text(reasons.map { DaemonStatus.oneLine($0, limit: .max) + "\n" }.joined(), status: .serviceUnavailable)
    }

    /// `/status`: the status document, one JSON object and a newline.
    public static func statusPage(_ status: DaemonStatus) -> HTTPResponse {
        HTTPResponse(contentType: "application/json", body: Array((status.json.description + "\n").utf8))
    }

    /// The `/metrics` page: the `tandem_*` families from `status`, then the `process_*` ones.
    public static func metrics(_ status: DaemonStatus, process: ProcessMetrics?) -> MetricsText {
        var page = MetricsText()
        let j = status.journal, s = status.source
        page.append("tandem_journal_head_seq", type: .gauge, help: "The newest seq in the journal (0 when empty).",
                    value: j.headSeq)
        page.append("tandem_journal_first_seq", type: .gauge, help: "The oldest seq the journal still holds (0 when empty).",
                    value: j.firstSeq)
        page.append("tandem_journal_bytes", type: .gauge, help: "Bytes of the journal's segment files.", value: j.bytes)
        page.append("tandem_journal_segments", type: .gauge, help: "Segment files of the journal.", value: j.segments)
        for state in ComponentState.allCases {
            page.append("tandem_journal_state", type: .gauge, help: "1 for the journal's current state, 0 for the others.",
                        labels: ["state": state.rawValue], value: j.state == state ? 1 : 0)
        }
        page.append("tandem_source_events_total", type: .counter, help: "Events journaled from the source since the daemon started.",
                    value: s.eventsTotal)
        page.append("tandem_source_quarantined_total", type: .counter,
                    help: "Input records quarantined since the daemon started.", value: s.quarantinedTotal)
        for (reason, n) in s.quarantineByReason.sorted(by: { $0.key < $1.key }) {
            page.append("tandem_source_quarantine_open", type: .gauge,
                        help: "Open quarantine entries (the whole quarantine, not only this run), by reason.",
                        labels: ["reason": reason], value: n)
        }
        page.append("tandem_source_position_info", type: .gauge,
                    help: "Always 1; the label is the last journaled source position (empty before the first event).",
                    labels: ["position": s.position ?? ""], value: 1)
        for state in ComponentState.allCases {
            page.append("tandem_source_state", type: .gauge, help: "1 for the source's current state, 0 for the others.",
                        labels: ["state": state.rawValue], value: s.state == state ? 1 : 0)
        }
        for sink in status.sinks { append(sink, to: &page) }
        CohortStatus.append(status.cohorts, to: &page)
        status.reverse?.append(to: &page)
        process?.write(into: &page)
        return page
    }

    private static func append(_ sink: SinkStatus, to page: inout MetricsText) {
        let name = sink.name
        page.append("tandem_sink_applied_seq", type: .gauge, help: "The last seq the sink durably applied (its checkpoint).",
                    labels: ["sink": name], value: sink.appliedSeq)
        page.append("tandem_sink_lag_events", type: .gauge, help: "Journal head seq minus the sink's applied seq.",
                    labels: ["sink": name], value: sink.lagEvents)
        page.append("tandem_sink_lag_seconds", type: .gauge,
                    help: "Now minus the commit time of the newest applied event; 0 when caught up.",
                    labels: ["sink": name], value: sink.lagSeconds)
        page.append("tandem_sink_events_total", type: .counter, help: "Events the sink applied since the daemon started.",
                    labels: ["sink": name], value: sink.eventsTotal)
        // Every kind, 0 included: a series that appears only at its first conflict hides the first rise from rate().
        for kind in ConflictKind.allCases {
            page.append("tandem_sink_conflicts_total", type: .counter,
                        help: "Conflicts the sink met since the daemon started (a row there or missing against the event), by kind.",
                        labels: ["sink": name, "kind": kind.rawValue], value: sink.conflicts.counts[kind] ?? 0)
        }
        for state in ComponentState.allCases {
            page.append("tandem_sink_state", type: .gauge, help: "1 for the sink's current state, 0 for the others.",
                        labels: ["sink": name, "state": state.rawValue], value: sink.state == state ? 1 : 0)
        }
        page.append("tandem_sink_parked", type: .gauge, help: "Events parked for the sink (kept with their reason, re-playable).",
                    labels: ["sink": name], value: sink.parked)
        page.append("tandem_sink_retry_attempts", type: .gauge, help: "Retries of the sink's current fault (0 when running).",
                    labels: ["sink": name], value: sink.attempts)
    }
}

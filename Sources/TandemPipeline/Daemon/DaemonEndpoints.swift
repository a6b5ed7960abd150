/// The daemon's HTTP routes. Placeholder until the renderers of `/metrics` and `/status` land (the lead swaps
/// this file at merge): `/healthz` answers 200 `ok` or 503 with the reasons; other paths 404.
public enum DaemonEndpoints {
    /// The response to `request` from `status`.
    public static func respond(to request: HTTPRequest, status: DaemonStatus) -> HTTPResponse {
        switch request.path {
        case "/healthz":
            let reasons = status.unhealthyReasons
            return reasons.isEmpty ? .text("ok\n") : .text(reasons.joined(separator: "\n") + "\n", status: .serviceUnavailable)
        default:
            return .text("not found\n", status: .notFound)
        }
    }
}

import Foundation
import TandemCore
import TandemSources

extension HTTPStatus {
    /// 401: no credentials.
    public static let unauthorized = HTTPStatus(code: 401, reason: "Unauthorized")
    /// 403: refused whoever asks.
    public static let forbidden = HTTPStatus(code: 403, reason: "Forbidden")
    /// 409: the state does not allow it now.
    public static let conflict = HTTPStatus(code: 409, reason: "Conflict")
}

/// The control room on the daemon's HTTP server: `GET /` (the page, `ControlRoomPage`) and the operator's
/// actions `POST /v1/cohorts/NAME/advance|pause|resume|rollback`, which do what `tandem cohort …` does.
///
/// Every POST is 403 unless `http.operatorToken` is configured. With it, an action needs
/// `Authorization: Bearer TOKEN` (401 without, 403 when wrong) and the header `X-Tandem-Control: 1`, which
/// a cross-site form cannot send and a cross-site script cannot send without a preflight (OPTIONS is 405);
/// an `Origin` or `Sec-Fetch-Site` naming another site is 403 as well, and so is a form's content type.
/// A POST never has a body (400; the server does not read it); `why=TEXT` in the query is recorded.
public enum ControlRoomEndpoints {
    /// The actions, as the path's last segment.
    public static let actions = ["advance", "pause", "resume", "rollback"]
    /// The header an action must carry.
    public static let controlHeader = "X-Tandem-Control"
    /// Who the timeline records for an action from the page.
    public static let who = "control-room"

    /// The answer for `GET /` and every POST; nil for other requests (the daemon's other endpoints answer).
    public static func respond(to request: HTTPRequest, config: DaemonConfig, log: DaemonLog?) -> HTTPResponse? {
        if request.method == "POST" { return post(request, config: config, log: log) }
        guard request.path == "/" else { return nil }
        return ControlRoomPage.response(actions: config.http.operatorToken != nil)
    }

    private static func refuse(_ status: HTTPStatus, _ reason: String, headers: [HTTPHeader] = []) -> HTTPResponse {
        .text("\(status): \(reason)\n", status: status, headers: headers)
    }

    static func post(_ request: HTTPRequest, config: DaemonConfig, log: DaemonLog?) -> HTTPResponse {
        guard let token = config.http.operatorToken else {
            return refuse(.forbidden, "the control room is read-only (set http.operatorToken to allow actions)")
        }
        // The server never reads a body: one announced is refused rather than left unread (a form post has one).
        if request.header("transfer-encoding") != nil || (request.header("content-length").map { $0 != "0" } ?? false) {
            return refuse(.badRequest, "an action carries no body (give why= in the query); a form post is refused")
        }
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "v1", parts[2] == "cohorts", !parts[3].isEmpty, actions.contains(String(parts[4])) else {
            return refuse(.notFound, "POST serves /v1/cohorts/NAME/{\(actions.joined(separator: ","))}")
        }
        let name = String(parts[3]), action = String(parts[4])
        guard let auth = request.header("authorization") else {
            return refuse(.unauthorized, "an action needs Authorization: Bearer TOKEN",
                          headers: [HTTPHeader(name: "WWW-Authenticate", value: "Bearer realm=\"tandem\"")])
        }
        guard auth.hasPrefix("Bearer "), token.matches(String(auth.dropFirst("Bearer ".count))) else {
            log?.warning("control room: refused \(action) of cohort \(name): wrong operator token")
            return refuse(.forbidden, "the operator token does not match")
        }
        if let reason = crossSiteReason(request) { return refuse(.forbidden, reason) }
        let why = query(request.query, "why").map { String($0.prefix(500)) }
        let now = (try? TandemClock.now()) ?? Quarantine.now()
        do {
            let control = try CohortControl(config: config, create: false)
            defer { control.state.close() }
            let c: Cohort, words: String
            switch action {
            case "advance":
                let before = try control.cohort(name).phase
                c = try control.advance(name: name, to: nil, who: who, why: why, now: now).last ?? control.cohort(name)
                words = "advanced \(before.rawValue) → \(c.phase.rawValue)"
            case "rollback":
                let before = try control.cohort(name).phase
                c = try control.rollback(name: name, who: who, why: why, now: now)
                words = "rolled back \(before.rawValue) → \(c.phase.rawValue)"
            default:
                c = try control.pause(name: name, paused: action == "pause", who: who, why: why, now: now)
                words = action == "pause" ? "paused" : "resumed"
            }
            log?.notice("control room: cohort \(name) \(words) (by the operator on the page)")
            let body: JSONValue = .object([("cohort", .string(c.name)), ("phase", .string(c.phase.rawValue)),
                                           ("paused", .bool(c.paused)), ("message", .string("cohort \(c.name) \(words)"))])
            return HTTPResponse(contentType: "application/json", body: Array((body.description + "\n").utf8))
        } catch {
            log?.notice("control room: \(action) of cohort \(name) refused: \(error)")
            let status: HTTPStatus = switch (error as? any CategorizedError)?.category ?? .ioError {
            case .refused: .conflict
            case .noInput: .notFound
            case .badData: .badRequest
            default: .serviceUnavailable
            }
            return refuse(status, DaemonStatus.oneLine("\(error)", limit: 1000))
        }
    }

    /// Why the request looks like it comes from another site (nil: it does not).
    static func crossSiteReason(_ request: HTTPRequest) -> String? {
        guard request.header(controlHeader) == "1" else {
            return "an action needs the header \(controlHeader): 1 (a form post is refused)"
        }
        if let origin = request.header("origin") {
            let host = request.header("host") ?? ""
            guard origin == "http://\(host)" || origin == "https://\(host)" else { return "the Origin \(origin) is not this server" }
        }
        if let site = request.header("sec-fetch-site"), site != "same-origin", site != "none" {
            return "Sec-Fetch-Site is \(site), not same-origin"
        }
        if let type = request.header("content-type")?.lowercased(),
           ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"].contains(where: { type.hasPrefix($0) }) {
            return "a form's content type (\(type)) is refused"
        }
        return nil
    }

    /// The percent-decoded value of `key` in a query string (`+` as space).
    static func query(_ query: String?, _ key: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0] == key else { continue }
            return String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}

import Foundation
import TandemCore
import TandemSinks

/// `GET /v1/routes` and `GET /v1/routes/TENANT` on the daemon's HTTP server, read from the state file on each
/// request (so they change the moment a cohort command records a phase). A tenant in no cohort is routed to
/// legacy for reads and writes, with `cohort` and `phase` null and version 0.
public enum RoutesEndpoint {
    /// The path prefix served.
    public static let prefix = "/v1/routes"

    /// The answer for `path` (under `prefix`), or nil for another path.
    public static func respond(path: String, config: DaemonConfig) -> HTTPResponse? {
        guard path == prefix || path.hasPrefix(prefix + "/") else { return nil }
        guard let migration = config.migration else {
            return .text("404 Not Found: the config has no \"migration\" block, so there is no routing\n", status: .notFound)
        }
        let routes: [TenantRoute]
        do { routes = try RoutesEndpoint.routes(migration) } catch {
            return .text("503 Service Unavailable: \(error)\n", status: .serviceUnavailable)
        }
        if path == prefix || path == prefix + "/" {
            let version = routes.map(\.version).max() ?? 0
            return page(.object([("version", .int(version)), ("routes", .array(routes.map(json)))]))
        }
        let raw = String(path.dropFirst(prefix.count + 1))
        guard let tenant = raw.removingPercentEncoding, !tenant.isEmpty else {
            return .text("400 Bad Request: the tenant in \(path) is not valid percent-encoding\n", status: .badRequest)
        }
        return page(json(routes.first { $0.tenant == tenant } ?? unrouted(tenant)))
    }

    /// Every route recorded in the migration's state file (empty before the first cohort).
    public static func routes(_ migration: DaemonConfig.Migration) throws(MigrationError) -> [TenantRoute] {
        guard FileManager.default.fileExists(atPath: migration.state) else { return [] }
        let state = try MigrationStateFile(path: migration.state, readOnly: true)
        defer { state.close() }
        return try state.cohorts().flatMap { CohortControl.routes(of: $0) }.sorted { $0.tenant < $1.tenant }
    }

    /// The route of a tenant in no cohort: legacy for everything.
    public static func unrouted(_ tenant: String) -> TenantRoute {
        TenantRoute(tenant: tenant, cohort: "", phase: "", reads: StoreSide.legacy.rawValue, writes: StoreSide.legacy.rawValue,
                    version: 0, since: "")
    }

    /// A route as JSON: tenant, cohort, phase, reads, writes, version, since (cohort, phase, since null when unrouted).
    public static func json(_ r: TenantRoute) -> JSONValue {
        func orNull(_ s: String) -> JSONValue { s.isEmpty ? .null : .string(s) }
        return .object([("tenant", .string(r.tenant)), ("cohort", orNull(r.cohort)), ("phase", orNull(r.phase)),
                        ("reads", .string(r.reads)), ("writes", .string(r.writes)), ("version", .int(r.version)),
                        ("since", orNull(r.since))])
    }

    static func page(_ v: JSONValue) -> HTTPResponse {
        HTTPResponse(contentType: "application/json", body: Array((v.description + "\n").utf8))
    }
}

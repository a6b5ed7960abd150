import Foundation
import TandemCore
import TandemSources
import XCTest
@testable import TandemPipeline

/// `GET /v1/routes` and `/v1/routes/TENANT` as the daemon's handler answers them, from a real state file.
final class RoutesEndpointTests: XCTestCase {
    func answer(_ path: String, _ config: DaemonConfig) -> (Int, String) {
        let r = DaemonEndpoints.respond(to: HTTPRequest(method: "GET", path: path, query: nil, headers: []), status: { fixedStatus() },
                                        routes: { RoutesEndpoint.respond(path: $0, config: config) })
        return (r.status.code, String(decoding: r.body, as: UTF8.self))
    }

    func testRoutesAreServedFromTheStateFile() throws {
        let f = try MigrationFixture(self, tenants: ["acme", "a b"])
        XCTAssertEqual(answer("/v1/routes", f.config).1, #"{"version":0,"routes":[]}"# + "\n", "before the first cohort")
        let control = try CohortControl(config: f.config)
        defer { control.state.close() }
        let now = Quarantine.now()
        _ = try control.create(name: "pilot", selection: .tenants(["acme", "a b"]), who: "x", why: nil, now: now)
        try f.recordCleanVerify(control, cohort: "pilot")
        try f.recordPassingDrill(control, cohort: "pilot")
        _ = try control.advance(name: "pilot", to: .readsNew, who: "x", why: nil, now: now)
        let since = now.rfc3339
        XCTAssertEqual(answer("/v1/routes/a%20b", f.config).1,
                       #"{"tenant":"a b","cohort":"pilot","phase":"reads-new","reads":"new","writes":"legacy","version":3,"since":"\#(since)"}"# + "\n")
        XCTAssertEqual(answer("/v1/routes/zed", f.config).1,
                       #"{"tenant":"zed","cohort":null,"phase":null,"reads":"legacy","writes":"legacy","version":0,"since":null}"# + "\n")
        let all = answer("/v1/routes", f.config)
        XCTAssertEqual(all.0, 200)
        XCTAssertTrue(all.1.hasPrefix(#"{"version":3,"routes":[{"tenant":"a b","#), all.1)
        XCTAssertEqual(answer("/v1/routes/%zz", f.config).0, 400)
        XCTAssertEqual(answer("/v1/other", f.config).0, 404, "other paths stay 404")
        var plain = f.config
        plain.migration = nil
        XCTAssertEqual(answer("/v1/routes/acme", plain).1, "404 Not Found: the config has no \"migration\" block, so there is no routing\n")
    }
}

import Foundation
import TandemCore
import TandemPipeline

/// `tandem route TENANT`: where applications read and write one tenant now (the state file's routing).
enum RouteCommand {
    static let routeVerb = Verb(
        name: "route", summary: "where a tenant's reads and writes go now (legacy, new, or moving)",
        positionals: ["TENANT"], options: [MigrationCLI.configOption, .flag("--json", "the route as GET /v1/routes/TENANT gives it")],
        details: "A tenant in no cohort reads and writes legacy. ops/ROUTING.md describes the contract for applications."
    ) { args in
        let tenant = try args.positional(0, "TENANT")
        switch try MigrationCLI.config(args) {
        case .failure(let box): return box.code
        case .success(let config):
            guard let migration = config.migration else { throw MigrationError.notConfigured(config: config.file) }
            let route = try RoutesEndpoint.routes(migration).first { $0.tenant == tenant } ?? RoutesEndpoint.unrouted(tenant)
            if args.flag("--json") {
                Output.out(RoutesEndpoint.json(route).description + "\n")
            } else {
                let where_ = route.cohort.isEmpty ? "in no cohort" : "cohort \(route.cohort), phase \(route.phase), version \(route.version)"
                Output.out(TerminalText.escaped("tenant \(tenant): reads \(route.reads), writes \(route.writes) (\(where_))") + "\n")
            }
            return 0
        }
    }
}

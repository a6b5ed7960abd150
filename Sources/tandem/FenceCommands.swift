import Foundation
import TandemCore
import TandemPipeline
import TandemSinks

/// `tandem fence status|publish`: the write fences of both stores.
enum FenceCommands {
    static let status = Verb(
        name: "status", summary: "what each store fences: tables with a fence trigger, tenants whose writes it refuses",
        positionals: [], options: [MigrationCLI.configOption, .flag("--json", "one JSON object")],
        details: "Exit 0 when both stores agree with the state file's routing, 1 when a store is behind (tandem fence publish), 69 unreachable."
    ) { args in
        try MigrationCLI.withControl(args) { control in
            let routes = try control.routes()
            var stores: [JSONValue] = [], text = "", behind = false
            for store in control.stores {
                let st: FenceState, stored: [TenantRoute]
                do { st = try store.fenceState(tables: control.tables(store.role)); stored = try store.routes() } catch {
                    throw MigrationError.store(target: "\(store.role.rawValue) store \(store.spec)", reason: "\(error)")
                }
                let current = Set(stored) == Set(routes)
                if !current { behind = true }
                stores.append(.object([("role", .string(store.role.rawValue)), ("store", .string(store.spec.description)),
                                       ("routingCurrent", .bool(current)),
                                       ("fencedTables", .array(st.fencedTables.map(JSONValue.string))),
                                       ("unfencedTables", .array(st.unfencedTables.map(JSONValue.string))),
                                       ("refused", .array(st.refused.map { .object([("tenant", .string($0.tenant)), ("message", .string($0.message))]) }))]))
                text += "\(store.role.rawValue) store \(store.spec): routing \(current ? "current" : "BEHIND the state file (tandem fence publish)")\n"
                text += "  fenced tables: \(st.fencedTables.isEmpty ? "none" : st.fencedTables.joined(separator: ", "))\n"
                if !st.unfencedTables.isEmpty { text += "  not fenced (missing): \(st.unfencedTables.joined(separator: ", "))\n" }
                text += "  refuses writes of \(plural(st.refused.count, "tenant"))\(st.refused.isEmpty ? "" : ":")\n"
                for r in st.refused.prefix(50) { text += "    \(r.message)\n" }
                if st.refused.count > 50 { text += "    … and \(st.refused.count - 50) more\n" }
            }
            if args.flag("--json") { Output.out(JSONValue.object([("stores", .array(stores))]).description + "\n") } else {
                Output.out(MigrationCLI.escapedLines(text))
            }
            return behind ? ExitCode.checkFailed : 0
        }
    }

    static let publish = Verb(
        name: "publish", summary: "write the state file's routing and fences to both stores again (after a store was down)",
        positionals: [], options: [MigrationCLI.configOption]
    ) { args in
        try MigrationCLI.withControl(args) { control in
            try control.publishRecorded()
            Output.out("routing published to \(control.stores.map { "the \($0.role.rawValue) store" }.joined(separator: " and "))\n")
            return 0
        }
    }

    static let group = VerbGroup(name: "fence", summary: "write fences: a store refuses the writes of tenants routed to the other",
                                 verbs: [status, publish])
}

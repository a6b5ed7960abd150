import Foundation
import TandemCore
import TandemPipeline

/// `tandem config check|example`: the daemon's configuration file (`schemas/config.schema.json`).
enum ConfigCommands {
    static let check = Verb(
        name: "check", summary: "validate a daemon config file without touching any store; each fault with its JSON path",
        positionals: ["FILE"],
        options: [.flag("--json", "print the result as one JSON object")],
        details: """
        Checks keys, types and ranges, the source and sink specs, sink names, the listen address, and that
        secrets (${ENV} in a sink's "into", passwordFile, passwordCredential) resolve; nothing is opened.
        Prints one line a fault: FILE: $.sinks[1].intoo: unknown key; did you mean "into"?
        Exit 0 valid, 65 not a valid config, 66 no such file, 64 usage.
        """
    ) { args in
        let path = args.positionals[0]
        let config: DaemonConfig
        do { config = try DaemonConfig.load(path: path) } catch let error as DaemonConfigError {
            if args.flag("--json") {
                let faults = error.faults.map { JSONValue.object([("path", .string($0.path)), ("message", .string($0.message))]) }
                Output.out(JSONValue.object([("ok", .bool(false)), ("error", .string(error.description)),
                                             ("faults", .array(faults))]).description + "\n")
            }
            for line in error.description.split(separator: "\n") { Output.err("tandem: \(TerminalText.escaped(String(line)))\n") }
            return exitCode(for: error)
        }
        if args.flag("--json") {
            Output.out(json(config).description + "\n")
        } else {
            Output.out("ok: \(TerminalText.escaped(config.summary))\n")
        }
        return 0
    }

    static let example = Verb(
        name: "example", summary: "print a minimal daemon config with every key explained (\"$comment\" keys)",
        positionals: [], options: []
    ) { _ in
        Output.out(DaemonConfig.example + "\n")
        return 0
    }

    static let group = VerbGroup(name: "config", summary: "the daemon's configuration file: check it, or print an example",
                                 verbs: [check, example])

    /// `config check --json` for a valid config: what the daemon would run, no secret.
    static func json(_ c: DaemonConfig) -> JSONValue {
        let sinks = c.sinks.map { s -> JSONValue in
            var members: [(key: String, value: JSONValue)] = [("name", .string(s.name)), ("into", .string(s.spec.description)),
                                                              ("batch", .int(Int64(s.batchSize)))]
            if let e = s.filter.entities { members.append(("entities", .array(e.sorted().map(JSONValue.string)))) }
            if let t = s.filter.tenants { members.append(("tenants", .array(t.sorted().map(JSONValue.string)))) }
            return .object(members)
        }
        return .object([("ok", .bool(true)), ("journal", .string(c.journal)), ("source", .string(c.sourceText)),
                         ("mapping", c.mapping.map(JSONValue.string) ?? .null), ("sinks", .array(sinks)),
                         ("listen", .string(c.http.listen.description)), ("logFormat", .string(c.logFormat.rawValue))])
    }
}

import Foundation
import TandemCore

/// The `tandem` executable: argument parsing and output formatting only; the work lives in the libraries.
@main
enum Tandem {
    static let version = "0.1.0"

    /// Every verb group and top-level verb, in the order `tandem --help` lists them.
    static let groups: [VerbGroup] = [JournalCommands.group, IngestCommands.sourceGroup, QuarantineCommands.group, SchemaCommands.group,
                                      ConfigCommands.group, SinkCommands.group, MappingCommands.group, CohortCommands.group,
                                      FenceCommands.group, NotifyCommands.group]
    static let topLevel: [Verb] = [RunCommand.verb, IngestCommands.ingestVerb, SnapshotCommands.snapshotVerb, ReplayCommands.replayVerb,
                                   ReplayCommands.rewindVerb, StatusCommand.statusVerb, AuditCommand.verb, RouteCommand.routeVerb,
                                   VerifyCommand.verb, DrillCommand.verb]

    static func main() {
        signal(SIGPIPE, SIG_IGN)
        let code = run(Array(CommandLine.arguments.dropFirst()))
        Output.flush()
        exit(code)
    }

    /// Runs one invocation and returns its exit code.
    static func run(_ args: [String]) -> Int32 {
        guard let first = args.first else {
            Output.err(rootHelp())
            return ExitCode.usage
        }
        switch first {
        case "--help", "-h":
            Output.out(rootHelp()); return 0
        case "--version", "version":
            Output.out("tandem \(version)\n"); return 0
        case "help":
            return help(Array(args.dropFirst()))
        default:
            break
        }
        do {
            let (verb, path, rest) = try resolve(args)
            if rest.contains("--help") || rest.contains("-h") {
                Output.out(verb.help(path: path)); return 0
            }
            let parsed = try verb.parse(rest, path: path)
            return try verb.run(parsed)
        } catch let request as HelpRequest {
            Output.out(request.text)
            return 0
        } catch {
            Output.flush()
            Output.err("tandem: \(describe(error))\n")
            return exitCode(for: error)
        }
    }

    /// Finds the verb named by the leading arguments.
    static func resolve(_ args: [String]) throws -> (Verb, String, [String]) {
        let name = args[0]
        if let verb = topLevel.first(where: { $0.name == name }) {
            return (verb, name, Array(args.dropFirst()))
        }
        guard let group = groups.first(where: { $0.name == name }) else {
            throw UsageError("unknown command '\(name)' (see 'tandem --help')")
        }
        guard args.count > 1 else {
            throw UsageError("\(name): missing verb, one of: \(group.verbs.map(\.name).joined(separator: ", "))")
        }
        if args[1] == "--help" || args[1] == "-h" { throw HelpRequest(text: groupHelp(group)) }
        guard let verb = group.verbs.first(where: { $0.name == args[1] }) else {
            throw UsageError("\(name): unknown verb '\(args[1])', one of: \(group.verbs.map(\.name).joined(separator: ", "))")
        }
        return (verb, "\(name) \(verb.name)", Array(args.dropFirst(2)))
    }

    static func help(_ topic: [String]) -> Int32 {
        if topic.isEmpty { Output.out(rootHelp()); return 0 }
        if let verb = topLevel.first(where: { $0.name == topic[0] }) {
            Output.out(verb.help(path: verb.name)); return 0
        }
        guard let group = groups.first(where: { $0.name == topic[0] }) else {
            Output.err("tandem: no help for '\(TerminalText.escaped(topic.joined(separator: " ")))' (see 'tandem --help')\n")
            return ExitCode.usage
        }
        if topic.count > 1 {
            guard let verb = group.verbs.first(where: { $0.name == topic[1] }) else {
                Output.err("tandem: \(group.name) has no verb '\(TerminalText.escaped(topic[1]))'\n")
                return ExitCode.usage
            }
            Output.out(verb.help(path: "\(group.name) \(verb.name)")); return 0
        }
        Output.out(groupHelp(group))
        return 0
    }

    static func rootHelp() -> String {
        var out = "tandem \(version): change-data-capture replicator (legacy change log → journal → new store)\n\n"
        out += "usage: tandem COMMAND [VERB] [ARGS…]\n       tandem help COMMAND [VERB]\n\ncommands:\n"
        for g in groups {
            out += "  \(column(g.name, 12))\(g.summary)\n"
            for v in g.verbs { out += "      \(column(v.name, 18))\(v.summary)\n" }
        }
        for v in topLevel { out += "  \(column(v.name, 12))\(v.summary)\n" }
        out += "\nexit codes: 0 ok, 1 check failed, 64 usage, 65 bad data, 66 no input, 69 unavailable,\n"
        out += "            70 internal error, 73 cannot create, 74 I/O error, 75 try again (e.g. locked)\n"
        return out
    }

    static func groupHelp(_ g: VerbGroup) -> String {
        var out = "tandem \(g.name): \(g.summary)\n\nverbs:\n"
        let width = g.verbs.map { $0.name.count + 2 }.max() ?? 12
        for v in g.verbs { out += "  \(column(v.name, max(12, width)))\(v.summary)\n" }
        out += "\n'tandem help \(g.name) VERB' describes one verb.\n"
        return out
    }
}

/// `name` padded to `width` columns, never cut: a name as long as the column still gets two spaces after it.
func column(_ name: String, _ width: Int) -> String {
    name.count + 2 > width ? name + "  " : name.padding(toLength: width, withPad: " ", startingAt: 0)
}

/// `tandem GROUP --help`: not an error, the group's help on stdout.
struct HelpRequest: Error { let text: String }

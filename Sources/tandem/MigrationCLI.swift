import Foundation
import TandemCore
import TandemPipeline
import TandemSinks

/// What the cohort, route and fence verbs share: the config, the control, output of routes.
enum MigrationCLI {
    /// The `--config` option every migration verb takes.
    static let configOption = OptionSpec.value("--config", "FILE", "the daemon's config file, with its \"migration\" block")

    /// The config named by `--config`; a config fault is printed one line each (nil: return `code`).
    static func config(_ args: ParsedArguments) throws -> Result<DaemonConfig, Int32Box> {
        let path = try ReplayCommands.required(args, "--config")
        do { return .success(try DaemonConfig.load(path: path)) } catch {
            for line in error.description.split(separator: "\n") { Output.err("tandem: \(TerminalText.escaped(String(line)))\n") }
            return .failure(Int32Box(code: exitCode(for: error)))
        }
    }

    /// Runs `body` with the cohort control of `--config` (its state file created when `create`).
    static func withControl(_ args: ParsedArguments, create: Bool = true, _ body: (CohortControl) throws -> Int32) throws -> Int32 {
        switch try config(args) {
        case .failure(let box): return box.code
        case .success(let config):
            setenv("PGCONNECT_TIMEOUT", "5", 0)  // libpq waits for a connection without limit by default
            let control = try CohortControl(config: config, create: create)
            defer { control.state.close() }
            control.onRecovered = { Output.err("tandem: \(TerminalText.escaped($0))\n") }
            return try body(control)
        }
    }

    /// `text` with the control characters of each line escaped (tenant names come from legacy data), its line breaks kept.
    static func escapedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escaped(String($0)) }.joined(separator: "\n")
    }

    /// `--by` or the OS user.
    static func who(_ args: ParsedArguments) -> String { args.value("--by") ?? CohortControl.osUser }

    /// A route as the JSON `tandem route --json` and `GET /v1/routes/TENANT` give.
    static func json(_ r: TenantRoute) -> JSONValue { RoutesEndpoint.json(r) }
}

/// An exit code carried through `Result` (Int32 is not an Error).
struct Int32Box: Error { let code: Int32 }

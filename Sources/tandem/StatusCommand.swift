import Foundation
import TandemCore
import TandemPipeline

/// `tandem status --config FILE [--json]`: the daemon's status for a person, or its `/status` document.
enum StatusCommand {
    static let statusVerb = Verb(
        name: "status", summary: "the daemon's sinks, lag, source and journal: from the running daemon, or from disk",
        positionals: [],
        options: [.value("--config", "FILE", "the daemon's config file (schemas/config.schema.json)"),
                  .flag("--json", "print the /status document (schemas/status.schema.json) instead of the table"),
                  .flag("--offline", "read from disk without asking the daemon")],
        details: """
        Asks the running daemon (GET /status at the config's http.listen, 2 s at most). When none answers, reads
        the journal, the quarantine and each sink's _tandem_checkpoint row directly, read-only, and says so on
        the first line; every component is then "stopped: the daemon is not running".
        Exit 0 when the daemon runs and is healthy, 1 when it is unhealthy or not running (the table is printed
        either way), 64 usage, 65 invalid config, 66 no such config file.
        """
    ) { args in
        let path = try ReplayCommands.required(args, "--config")
        let config: DaemonConfig
        do { config = try DaemonConfig.load(path: path) } catch let error as DaemonConfigError {
            for line in error.description.split(separator: "\n") { Output.err("tandem: \(TerminalText.escaped(String(line)))\n") }
            return error.exitCode
        }
        // libpq waits for a TCP connection without limit by default; a status must come back.
        setenv("PGCONNECT_TIMEOUT", "5", 0)
        let report = StatusReport.fetch(config: config, askDaemon: !args.flag("--offline"))
        if args.flag("--json") {
            Output.out(bytes: report.document)
        } else {
            Output.out(report.summaryLines.joined(separator: "\n") + "\n\n")
            Output.out(QuarantineCommands.table(report.sinkRows))
        }
        return report.status.live && report.status.unhealthyReasons.isEmpty ? 0 : ExitCode.checkFailed
    }
}

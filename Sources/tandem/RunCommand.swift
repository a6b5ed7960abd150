import Foundation
import TandemCore
import TandemPipeline

/// `tandem run`: the daemon (source → journal → every sink) from one config file.
enum RunCommand {
    static let verb = Verb(
        name: "run", summary: "run the pipeline from a config file: source → journal → every sink, until SIGTERM",
        positionals: [],
        options: [.value("--config", "FILE", "the daemon's config (schemas/config.schema.json; 'tandem config example')"),
                  .value("--log-format", "text|json", "log lines as text (default, or the config's logFormat) or one JSON object a line")],
        details: """
        Recovers the journal (creating it when missing), resumes the source after its newest journaled
        position and every sink after its checkpoint, then tells systemd READY=1 ($NOTIFY_SOCKET) and pings
        its watchdog ($WATCHDOG_USEC) while the pipeline moves. A sink whose store is down is retried with
        back-off (state degraded); one that meets an event its store refuses stops (state stopped, naming
        seq, entity and key) while the others go on. /healthz, /status and /metrics are served on the
        config's http.listen (default 127.0.0.1:9187). SIGTERM or SIGINT: stop after the batches in hand,
        exit 0. SIGHUP: reload the mapping and the sinks' batch and filter; a bad config is refused and the
        running one kept. Exit 64 usage, 65 bad config, 66 no config file, 69 the HTTP address is taken, 75
        the journal is locked by another process.
        """
    ) { args in
        let path = try ReplayCommands.required(args, "--config")
        var config = try DaemonConfig.load(path: path)
        if let f = args.value("--log-format") {
            guard let format = DaemonConfig.LogFormat(rawValue: f) else {
                throw UsageError("run: --log-format is text or json, not \"\(f)\"")
            }
            config.logFormat = format
        }
        let log = DaemonLog(format: config.logFormat)
        let notifier = SystemdNotifier()
        var settings = Daemon.Settings()
        // Under systemd's watchdog, a component stuck for a whole watchdog period stops the pings.
        if let half = notifier.watchdogInterval { settings.wedgedAfter = half * 2 }
        let daemon: Daemon
        do {
            daemon = try Daemon(config: config, settings: settings, log: log, notifier: notifier)
            DaemonSignals.install(for: daemon)
            try daemon.start()
        } catch {
            log.error("cannot start: \(error)")
            return exitCode(for: error)
        }
        daemon.wait()
        return 0
    }
}

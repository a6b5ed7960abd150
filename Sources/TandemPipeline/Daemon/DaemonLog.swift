import Foundation
import Synchronization
import TandemCore
import TandemSources
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's log writer, the one place its lines are formatted: text (`tandem: …`, with a `<N>` syslog
/// priority prefix when `$JOURNAL_STREAM` says stderr goes to the systemd journal) or one JSON object a line
/// (`{"time":…,"level":…,"message":…}`). Each line is one write(2), so threads never interleave. Callers pass
/// only text that is safe to show (sink specs print without passwords).
public final class DaemonLog: Sendable {
    /// How much a line matters (syslog(3) priorities).
    public enum Level: Int, Sendable {
        /// A component stopped or the daemon cannot go on.
        case error = 3
        /// A fault the daemon retries, input it refused.
        case warning = 4
        /// Start, stop, recovery, a component back to normal.
        case notice = 5
        /// Heartbeats and routine figures.
        case info = 6

        var name: String {
            switch self { case .error: "error"; case .warning: "warning"; case .notice: "notice"; case .info: "info" }
        }
    }

    /// Text or JSON.
    public let format: DaemonConfig.LogFormat
    /// Whether text lines get `<N>` prefixes (systemd's journal reads them as priorities).
    public let priorityPrefix: Bool
    private let sink: @Sendable (String) -> Void

    /// A log in `format`; `environment` decides the priority prefix; `sink` receives each finished line
    /// (default: stderr).
    public init(format: DaemonConfig.LogFormat,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                sink: @escaping @Sendable (String) -> Void = DaemonLog.writeToStderr) {
        self.format = format
        self.priorityPrefix = format == .text && environment["JOURNAL_STREAM"] != nil
        self.sink = sink
    }

    /// Writes one line.
    public func log(_ level: Level, _ message: String) {
        switch format {
        case .text:
            sink((priorityPrefix ? "<\(level.rawValue)>" : "") + "tandem: " + TerminalText.escaped(message) + "\n")
        case .json:
            let o: JSONValue = .object([("time", .string(Quarantine.now().rfc3339)), ("level", .string(level.name)),
                                        ("message", .string(message))])
            sink(o.description + "\n")
        }
    }

    /// `log(.error, …)`.
    public func error(_ message: String) { log(.error, message) }
    /// `log(.warning, …)`.
    public func warning(_ message: String) { log(.warning, message) }
    /// `log(.notice, …)`.
    public func notice(_ message: String) { log(.notice, message) }
    /// `log(.info, …)`.
    public func info(_ message: String) { log(.info, message) }

    /// Writes a finished line to stderr in one write(2).
    @Sendable public static func writeToStderr(_ line: String) {
        var text = line
        text.withUTF8 { u in
            var off = 0
            while off < u.count {
                let n = write(2, u.baseAddress! + off, u.count - off)
                if n < 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}

/// Lets through at most `burst` lines per `interval`, then counts the rest and reports them in one line when the
/// interval ends: a flood of bad input or conflicts costs a few lines a minute, never silence.
public final class RateLimitedLog: Sendable {
    private struct State { var windowStart: ContinuousClock.Instant; var passed = 0; var suppressed = 0 }
    private let burst: Int
    private let interval: Duration
    private let what: String
    private let write: @Sendable (String) -> Void
    private let state: Mutex<State>

    /// A limiter writing to `write`; `what` names the lines in the summary (`quarantined inputs`).
    public init(burst: Int = 10, interval: Duration = .seconds(60), what: String, write: @escaping @Sendable (String) -> Void) {
        self.burst = burst; self.interval = interval; self.what = what; self.write = write
        state = Mutex(State(windowStart: .now))
    }

    /// Logs `line` unless this interval's burst is spent.
    public func callAsFunction(_ line: String) {
        let now = ContinuousClock.now
        let (pass, summary) = state.withLock { s -> (Bool, String?) in
            var summary: String?
            if now - s.windowStart >= interval {
                if s.suppressed > 0 { summary = "\(s.suppressed) more \(what) in the last \(SourceWorker.text(interval)) were not logged one by one" }
                s = State(windowStart: now)
            }
            if s.passed < burst { s.passed += 1; return (true, summary) }
            s.suppressed += 1
            return (false, summary)
        }
        if let summary { write(summary) }
        if pass { write(line) }
    }
}

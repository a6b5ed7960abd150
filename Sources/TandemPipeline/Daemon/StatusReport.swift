import Foundation
import TandemCore

/// What `tandem status` shows: the running daemon's `/status`, or, when none answers, the status read from
/// disk (`DaemonStatus.offline`), and which of the two it is.
public struct StatusReport: Sendable {
    /// Where the status came from.
    public enum Origin: Sendable, Equatable {
        /// The running daemon answered `GET /status` at this address.
        case daemon(address: String)
        /// Read from disk; `why` says why the daemon was not asked or did not answer.
        case disk(why: String)
    }

    /// The status.
    public var status: DaemonStatus
    /// Where it came from.
    public var origin: Origin
    /// The `/status` document: the daemon's bytes as it sent them, or the offline status encoded.
    public var document: [UInt8]

    /// A report from its parts.
    public init(status: DaemonStatus, origin: Origin, document: [UInt8]) {
        self.status = status; self.origin = origin; self.document = document
    }

    /// Asks the daemon configured by `config` (`GET /status` at its listen address, within `timeout`); when
    /// it does not answer with a live status document of the config's journal, reads the status from disk. `askDaemon: false` reads
    /// from disk at once.
    public static func fetch(config: DaemonConfig, askDaemon: Bool = true, timeout: Duration = .seconds(2)) -> StatusReport {
        let address = config.http.listen.connectable.description
        var why = "the daemon was not asked: --offline"
        if askDaemon {
            do {
                let response = try HTTPClient.get("/status", from: config.http.listen, timeout: timeout)
                if response.status != 200 {
                    why = "\(address) answered HTTP \(response.status) to GET /status"
                } else {
                    do {
                        let status = try DaemonStatus(json: response.body)
                        if !status.live {
                            why = "\(address) answered with a status that is not live"
                        } else if !Self.sameDirectory(status.journal.directory, config.journal) {
                            // Another daemon on that port (another config, a stale one): its figures are not these.
                            why = "the daemon at \(address) serves the journal \(status.journal.directory), not \(config.journal)"
                        } else {
                            return StatusReport(status: status, origin: .daemon(address: address), document: response.body)
                        }
                    } catch {
                        why = "\(address) answered GET /status with no Tandem status: \(error)"
                    }
                }
            } catch {
                why = "no daemon answers at \(error)"
            }
        }
        let status = DaemonStatus.offline(config: config)
        return StatusReport(status: status, origin: .disk(why: why), document: Array((status.json.description + "\n").utf8))
    }

    /// True when both paths name one directory (symbolic links and `.`/`..` resolved where they exist).
    static func sameDirectory(_ a: String, _ b: String) -> Bool {
        func canonical(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        return a == b || canonical(a) == canonical(b)
    }

    /// The first line: where the status came from and when it was taken.
    public var headline: String {
        switch origin {
        case .daemon(let address):
            let pid = status.pid.map { "pid \($0)" } ?? "pid unknown"
            let since = status.startedAt.map { ", up since \($0.rfc3339)" } ?? ""
            return "from the running daemon (\(pid)) at \(address)\(since); taken \(status.takenAt.rfc3339)"
        case .disk(let why):
            return "from disk (\(why)); taken \(status.takenAt.rfc3339)"
        }
    }

    /// The lines above the sinks' table, for a person: headline, health with its reasons, source, journal.
    /// Every text that may quote data or a store's message is escaped for the terminal.
    public var summaryLines: [String] {
        let t = TerminalText.escaped
        let s = status.source, j = status.journal
        var lines = ["tandem status: \(t(headline))"]
        let reasons = status.unhealthyReasons
        lines += reasons.isEmpty ? ["health: ok"] : ["health: unhealthy"] + reasons.map { "  - \(t($0))" }
        var source = "source:  \(t(s.spec)), \(s.state.rawValue), position \(s.position.map(t) ?? "none yet")"
        if status.live {
            source += ", \(s.eventsTotal) events journaled (\(Self.decimal(s.eventsPerSecond))/s),"
                + " \(s.quarantinedTotal) quarantined since start"
        }
        let open = s.quarantineByReason.values.reduce(0, +)
        source += open == 0 ? ", quarantine empty"
            : ", \(open) in quarantine (" + s.quarantineByReason.sorted { $0.key < $1.key }
                .map { "\(t($0.key)) \($0.value)" }.joined(separator: ", ") + ")"
        lines.append(source)
        lines.append("journal: \(t(j.directory)), \(j.state.rawValue), head seq \(j.headSeq), first seq \(j.firstSeq),"
                     + " \(j.segments) segment\(j.segments == 1 ? "" : "s"), \(j.bytes) bytes")
        if let r = status.reverse { lines.append(t(r.line)) }
        return lines
    }

    /// The sinks' table for a person: a header row, then one row a sink (cells escaped for the terminal).
    public var sinkRows: [[String]] {
        let t = TerminalText.escaped
        return [["SINK", "STATE", "APPLIED", "LAG EVENTS", "LAG SECONDS", "CONFLICTS", "PARKED", "REASON"]]
            + status.sinks.map { k in
                [t(k.name), k.state.rawValue, "\(k.appliedSeq)", "\(k.lagEvents)", Self.decimal(k.lagSeconds),
                 "\(k.conflicts.total)", "\(k.parked)", k.reason.map(t) ?? "-"]
            }
    }

    /// One decimal (`0.0`, `12.5`, `86400.0`): seconds and rates.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let tenths = (value * 10).rounded()
        return "\(Int64(tenths) / 10).\(abs(Int64(tenths) % 10))"
    }
}

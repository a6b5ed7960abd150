import TandemCore
import TandemSinks
import TandemSources

/// The daemon's configuration (`tandem run CONFIG`, `schemas/config.schema.json`), checked and with every
/// path absolute (relative paths in the file are relative to the file) and every secret resolved.
/// Load it with `DaemonConfig.load(path:environment:)`; nothing here opens a store.
public struct DaemonConfig: Sendable {
    /// The config file, absolute.
    public var file: String
    /// The journal directory.
    public var journal: String
    /// The segment size for a journal the daemon creates (nil: the journal's default).
    public var segmentSize: Int?
    /// The source, as `ingest --source` would take it.
    public var source: SourceSpec
    /// The source as the file writes it, a `postgres-changelog:` connection string without its password (for
    /// logs and `/status`).
    public var sourceText: String
    /// The mapping file (nil: events pass unmapped).
    public var mapping: String?
    /// The sinks, in file order, with unique non-empty names.
    public var sinks: [Sink]
    /// How long to wait between attempts when a store is down.
    public var retry: Retry
    /// The HTTP endpoint (`/healthz`, `/status`, `/metrics`).
    public var http: HTTP
    /// How log lines are written.
    public var logFormat: LogFormat
    /// The migration block (cohorts, routing, fences), if any.
    public var migration: Migration?
    /// Whether start-up runs the catch-up snapshot (`tandem snapshot`) of a `sqlite-changelog:` source's tables
    /// that the journal holds no complete copy of yet, before the live stream (default true; other sources
    /// have no tables to copy).
    public var snapshot = true
    /// The notify block (customers told before their cohort moves, issue 15), if any.
    public var notify: Notify? = nil

    /// One named sink: where it writes and which events it takes.
    public struct Sink: Sendable, Hashable, CustomStringConvertible {
        /// The sink's name: its journal consumer and its row in the store's checkpoint table.
        public var name: String
        /// The store, with any secret resolved (`spec.description` never shows a password).
        public var spec: SinkSpec
        /// Which events it applies.
        public var filter: ReplayFilter
        /// Events a transaction (replay's `--batch`).
        public var batchSize: Int
        /// A source transaction longer than this is applied in parts (`ReplayOptions.splitTransactionsOver`).
        public var splitTransactionsOver = ReplayOptions().splitTransactionsOver

        /// A sink from its parts (the config file gives them; tests and tools may too).
        public init(name: String, spec: SinkSpec, filter: ReplayFilter = ReplayFilter(), batchSize: Int = 10_000) {
            self.name = name; self.spec = spec; self.filter = filter; self.batchSize = batchSize
        }

        /// `name → store`, safe for logs.
        public var description: String { "\(name) → \(spec)" }
    }

    /// Back-off between attempts: doubling from `initialMs` up to `maxMs`.
    public struct Retry: Sendable, Hashable {
        /// The first wait, in milliseconds.
        public var initialMs: Int = 500
        /// The longest wait, in milliseconds.
        public var maxMs: Int = 30_000

        /// The wait before attempt `attempt` (1: the first retry), doubling and capped at `maxMs`.
        public func delay(attempt: Int) -> Duration {
            var ms = initialMs, n = 1
            while n < attempt, ms < maxMs { ms *= 2; n += 1 }
            return .milliseconds(min(ms, maxMs))
        }

        /// A back-off from its bounds (defaults 500 ms and 30 s).
        public init(initialMs: Int = 500, maxMs: Int = 30_000) { self.initialMs = initialMs; self.maxMs = maxMs }
    }

    /// The HTTP endpoint.
    public struct HTTP: Sendable, Hashable {
        /// Where to listen (default `127.0.0.1:9187`): the HTTP server's own address type and parser.
        public var listen: HTTPListenAddress = HTTP.defaultListen
        /// `127.0.0.1:9187`, parsed once (a constant that parses: the force is checked by every test that loads a config).
        static let defaultListen = try! HTTPListenAddress(parsing: HTTPListenAddress.defaultAddress)
        /// Whether a non-loopback address was allowed explicitly.
        public var allowNonLoopback = false
        /// The control room's operator token (nil: the page is read-only and every POST is 403).
        public var operatorToken: OperatorToken?
    }

    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// One line of text an event.
        case text
        /// One JSON object a line.
        case json
    }

    /// The migration block: the two stores and the cohorts' state file (`tandem cohort`, issue 13).
    public struct Migration: Sendable, Hashable {
        /// The name of the sink that is the new store.
        public var new: String
        /// The legacy store.
        public var legacy: SinkSpec
        /// The migration's state file (default: `tandem-migration.db` beside the journal directory).
        public var state: String
        /// The forward-lag gate's limit for `reads-new → cut-over`, in seconds (default 5).
        public var maxForwardLagSeconds: Double = 5
        /// The reverse flow's journal (new → legacy); empty: the forward journal's path with `-reverse` appended
        /// (`ReverseSetup.journal`).
        public var reverseJournal: String = ""
        /// The reverse flow's source spec, the new store's change table (default: derived from the new sink's
        /// spec, `sqlite:P` → `sqlite-changelog:P`, `postgres://…` → `postgres-changelog:postgres://…`).
        public var reverseSource: String?

        /// The state file's name when the config gives none.
        public static let defaultStateName = "tandem-migration.db"

        /// A migration block from its parts.
        public init(new: String, legacy: SinkSpec, state: String, maxForwardLagSeconds: Double = 5) {
            self.new = new; self.legacy = legacy; self.state = state; self.maxForwardLagSeconds = maxForwardLagSeconds
        }
    }

    /// The sink named `name`.
    public func sink(named name: String) -> Sink? { sinks.first { $0.name == name } }

    /// One line for `config check` and the daemon's start-up log: sinks, source, journal (no secret).
    public var summary: String {
        "\(sinks.count) sink\(sinks.count == 1 ? "" : "s") (\(sinks.map(\.description).joined(separator: ", "))),"
            + " source \(sourceText), journal \(journal)"
    }
}

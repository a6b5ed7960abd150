import Foundation
import TandemPostgres

/// Which store a sink writes to, as given on the command line or in a config:
///
/// - `sqlite:PATH` — a SQLite file (created when missing).
/// - `postgres://…` or `postgresql://…` — a libpq connection URI, e.g. `postgres:///dbname?host=/tmp/pg`
///   (the whole string goes to libpq; it may carry a password, which is never printed).
/// - a JSON object, inline or in a `.json` file: `{"kind":"sqlite","path":"new.db","name":"default",
///   "synchronous":"full"}` or `{"kind":"postgres","url":"postgres://…","name":"cohort-1"}`;
///   `name` (the sink's row in `_tandem_checkpoint`) defaults to `default`; `synchronous` defaults to `full`
///   (a committed batch survives power loss; `normal` is faster but may lose the last batches that the
///   journal's manifest already counts as applied); `"schema": "evolve"` lets Tandem add columns to tables it
///   did not create (default `"fixed"`: such a column is refused, naming it).
public struct SinkSpec: Sendable, Hashable, CustomStringConvertible {
    /// The store.
    public enum Kind: Sendable, Hashable {
        /// A SQLite file.
        case sqlite(path: String, synchronous: SQLiteSink.Synchronous)
        /// A PostgreSQL database (libpq connection string).
        case postgres(conninfo: String)
    }

    /// The store.
    public var kind: Kind
    /// The sink's name in the store's checkpoint table.
    public var name: String
    /// `"schema": "evolve"`: columns may be added to tables Tandem did not create (default: refused, naming
    /// the column; Tandem never alters an application's table on its own).
    public var evolve = false

    /// A spec for a store and sink name.
    public init(kind: Kind, name: String = "default") {
        self.kind = kind
        self.name = name
    }

    /// The store, safe for logs: a PostgreSQL password is never shown.
    public var description: String {
        switch kind {
        case .sqlite(let path, _): return "sqlite:\(path)"
        case .postgres(let conninfo):
            return (try? PostgresRedactor(conninfo: conninfo).target) ?? "postgres:(unparsable connection string)"
        }
    }

    /// Parses a sink spec (see the type's documentation for the forms).
    /// - Throws: `SinkError.badSpec` (never quoting a password).
    public static func parse(_ text: String) throws -> SinkSpec {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { return try parseJSON(Data(trimmed.utf8), origin: "inline JSON") }
        if trimmed.hasPrefix("sqlite:") {
            var path = String(trimmed.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw SinkError.badSpec(spec: trimmed, reason: "no file path after sqlite:") }
            return SinkSpec(kind: .sqlite(path: path, synchronous: .full))
        }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            _ = try PostgresRedactor(sinkConninfo: trimmed)  // refuse what libpq cannot parse, now
            return SinkSpec(kind: .postgres(conninfo: trimmed))
        }
        if trimmed.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: trimmed) else {
                throw SinkError.badSpec(spec: trimmed, reason: "cannot read the file")
            }
            return try parseJSON(data, origin: trimmed)
        }
        let shown = trimmed.contains("@") || trimmed.contains("password") ? "(not shown: it may hold a password)" : trimmed
        throw SinkError.badSpec(spec: shown, reason: "unknown kind of sink")
    }

    private struct Config: Decodable {
        var kind: String
        var path: String?
        var url: String?
        var name: String?
        var synchronous: String?
        var schema: String?
    }

    private static func parseJSON(_ data: Data, origin: String) throws -> SinkSpec {
        let config: Config
        do { config = try JSONDecoder().decode(Config.self, from: data) } catch {
            throw SinkError.badSpec(spec: origin, reason: "not a sink object {\"kind\":\"sqlite\"|\"postgres\", …}")
        }
        let name = config.name ?? "default"
        guard config.schema == nil || config.schema == "evolve" || config.schema == "fixed" else {
            throw SinkError.badSpec(spec: origin, reason: "\"schema\" must be \"evolve\" or \"fixed\"")
        }
        let evolve = config.schema == "evolve"
        guard !name.isEmpty else { throw SinkError.badSpec(spec: origin, reason: "empty \"name\"") }
        switch config.kind {
        case "sqlite":
            guard let path = config.path, !path.isEmpty else {
                throw SinkError.badSpec(spec: origin, reason: "a sqlite sink needs \"path\"")
            }
            var sync = SQLiteSink.Synchronous.full
            if let s = config.synchronous {
                guard let v = SQLiteSink.Synchronous(rawValue: s.uppercased()) else {
                    throw SinkError.badSpec(spec: origin, reason: "\"synchronous\" must be \"full\" or \"normal\"")
                }
                sync = v
            }
            var spec = SinkSpec(kind: .sqlite(path: path, synchronous: sync), name: name)
            spec.evolve = evolve
            return spec
        case "postgres", "postgresql":
            guard let url = config.url, !url.isEmpty else {
                throw SinkError.badSpec(spec: origin, reason: "a postgres sink needs \"url\"")
            }
            _ = try PostgresRedactor(sinkConninfo: url)
            var spec = SinkSpec(kind: .postgres(conninfo: url), name: name)
            spec.evolve = evolve
            return spec
        default:
            throw SinkError.badSpec(spec: origin, reason: "\"kind\" must be \"sqlite\" or \"postgres\"")
        }
    }

    /// Opens the sink.
    /// - Throws: `SinkError` when the store cannot be opened or reached.
    public func open() throws -> any EventSink {
        switch kind {
        case let .sqlite(path, synchronous): return try SQLiteSink(path: path, name: name, synchronous: synchronous, evolve: evolve)
        case let .postgres(conninfo): return try PostgresSink(conninfo: conninfo, name: name, evolve: evolve)
        }
    }

    /// Opens the sink for a caller that retries with its own back-off (the daemon): a PostgreSQL connection is
    /// tried `connectAttempts` times, at open and when lost, before `SinkError.unavailable`; the sink's lines go to `log`.
    public func open(connectAttempts: Int, log: @escaping @Sendable (String) -> Void) throws -> any EventSink {
        switch kind {
        case .sqlite: return try open()
        case let .postgres(conninfo):
            let retry = PostgresSink.Retry(attempts: connectAttempts, firstConnectAttempts: connectAttempts)
            return try PostgresSink(conninfo: conninfo, name: name, retry: retry, evolve: evolve, log: log)
        }
    }
}

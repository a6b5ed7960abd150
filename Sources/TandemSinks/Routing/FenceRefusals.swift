import TandemCore
import TandemPostgres

/// How many application writes one store's fences refused for one cohort.
///
/// A fence refuses inside the application's own transaction, which rolls back with everything the trigger
/// wrote. PostgreSQL sequences are not transactional: the fence calls `nextval` on the cohort's counter before
/// it raises, and the count survives the rollback. A SQLite store has nothing that survives it.
public enum RefusalCount: Sendable, Hashable {
    /// Refused statements since the counter was installed.
    case counted(Int64)
    /// The store cannot keep a count; the reason in one short phrase.
    case notCountable(String)
    /// Countable, but not known now (the store did not answer, the counter is not installed yet); why.
    case unknown(String)

    /// The reason a SQLite store gives.
    public static let sqliteReason = "SQLite cannot record a refused write; count it in the application"

    /// The count (nil when not counted).
    public var count: Int64? { if case .counted(let n) = self { return n } else { return nil } }

    /// As `cohort show` and the control room print it: `2`, `n/a (…)`, `unknown (…)`.
    public var text: String {
        switch self {
        case .counted(let n): return String(n)
        case .notCountable(let why): return "n/a (\(why))"
        case .unknown(let why): return "unknown (\(why))"
        }
    }
}

/// One store's refusal count for a cohort.
public struct StoreRefusals: Sendable, Hashable {
    /// The store's side.
    public var role: StoreRole
    /// Its count.
    public var count: RefusalCount

    /// A count from its parts.
    public init(role: StoreRole, count: RefusalCount) { self.role = role; self.count = count }
}

/// Reads the stores' refusal counters again and again (the daemon, every few seconds) over one connection per
/// PostgreSQL store, kept open between reads and opened again after a failure.
///
/// - Important: not `Sendable` (it holds the connections); one thread's.
public final class RefusalReader {
    private var connections: [String: PostgresConnection] = [:]

    /// No connection yet.
    public init() {}

    deinit { for c in connections.values { c.close() } }

    /// The refusal count of each of `cohorts` in `store`, by cohort (`.unknown` with the reason when the store
    /// cannot be read, `.notCountable` for a SQLite store).
    public func read(_ store: RoutingStore, cohorts: [String]) -> [String: RefusalCount] {
        guard case .postgres(let conninfo) = store.spec.kind else {
            return Dictionary(uniqueKeysWithValues: cohorts.map { ($0, .notCountable(RefusalCount.sqliteReason)) })
        }
        do {
            let c: PostgresConnection
            if let open = connections[conninfo], !open.isBroken { c = open } else {
                connections[conninfo]?.close()
                c = try PostgresRouting(conninfo: conninfo, role: store.role).connect()
                connections[conninfo] = c
            }
            return try PostgresRefusalCounters.read(c, cohorts: cohorts)
        } catch {
            connections[conninfo]?.close()
            connections[conninfo] = nil
            let why = "the store did not answer: \(error)"
            return Dictionary(uniqueKeysWithValues: cohorts.map { ($0, .unknown(why)) })
        }
    }
}

/// The PostgreSQL fences' refusal counters: one sequence per cohort, `_tandem_refused_COHORT` (a cohort name
/// longer than 47 bytes is shortened and given an md5 suffix, to stay within PostgreSQL's 63-byte names), named
/// by the SQL function `_tandem_refusal_counter(cohort)` that the fence, the installer and the reader share.
enum PostgresRefusalCounters {
    /// The naming function (installed, and replaced, with the fence function).
    static let nameFunction = """
        CREATE OR REPLACE FUNCTION _tandem_refusal_counter(cohort text) RETURNS text LANGUAGE sql IMMUTABLE AS $counter$
          SELECT CASE WHEN octet_length(cohort) <= 47 THEN '_tandem_refused_' || cohort
                      ELSE '_tandem_refused_' || left(cohort, 30) || '_' || left(md5(cohort), 16) END
        $counter$
        """

    /// A PostgreSQL text array of `items` (`{"a","b"}`).
    static func array(_ items: [String]) -> String {
        "{" + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    /// Creates the counters of `cohorts` that do not exist yet (in the installer's transaction), usable by
    /// every role: the fence runs as the application's.
    static func install(_ c: PostgresConnection, cohorts: [String]) throws {
        guard !cohorts.isEmpty else { return }
        let missing = try SinkError.postgres { () throws(PostgresError) in
            try c.query("""
                SELECT _tandem_refusal_counter(x) FROM unnest($1::text[]) AS x
                WHERE to_regclass(quote_ident(_tandem_refusal_counter(x))) IS NULL
                """, [array(cohorts)])
        }
        for i in 0..<missing.count {
            guard let name = missing[i, 0] else { continue }
            _ = try SinkError.postgres { () throws(PostgresError) in
                try c.query("CREATE SEQUENCE IF NOT EXISTS \(SQL.quote(name)) MINVALUE 1 START 1")
                try c.query("GRANT USAGE ON SEQUENCE \(SQL.quote(name)) TO PUBLIC")
            }
        }
    }

    /// Reads the counters of `cohorts` (`.unknown` for one not installed yet).
    static func read(_ c: PostgresConnection, cohorts: [String]) throws -> [String: RefusalCount] {
        let notInstalled = RefusalCount.unknown("no counter in this store yet (tandem fence publish installs it)")
        let installed = try SinkError.postgres { () throws(PostgresError) in
            try c.query("SELECT to_regprocedure('_tandem_refusal_counter(text)') IS NOT NULL")
        }
        var out = Dictionary(uniqueKeysWithValues: cohorts.map { ($0, notInstalled) })
        guard installed.count > 0, installed[0, 0] == "t", !cohorts.isEmpty else { return out }
        // last_value is NULL until the first nextval (is_called false): no refusal yet.
        let rows = try SinkError.postgres { () throws(PostgresError) in
            try c.query("""
                SELECT x, s.last_value FROM unnest($1::text[]) AS x
                JOIN pg_sequences s ON s.schemaname = current_schema() AND s.sequencename = _tandem_refusal_counter(x)
                """, [array(cohorts)])
        }
        for i in 0..<rows.count {
            guard let cohort = rows[i, 0] else { continue }
            out[cohort] = .counted(rows[i, 1].flatMap { Int64($0) } ?? 0)
        }
        return out
    }
}

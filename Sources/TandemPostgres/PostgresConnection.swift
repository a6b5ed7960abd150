import CPostgres
import Glibc

/// One libpq connection (`PGconn*`) with every message scrubbed of the connection's password.
///
/// - Important: not `Sendable`; one thread at a time.
public final class PostgresConnection {
    /// The libpq connection (nil once closed); read by the COPY streaming in this module.
    private(set) var conn: OpaquePointer?
    /// What may be said about the connection string, and the scrubber of libpq's messages.
    public let redactor: PostgresRedactor
    /// The SQLSTATE of the last failed statement ("" when none).
    public private(set) var lastSQLState = ""

    /// Connects (`PQconnectdb`).
    /// - Throws: `PostgresError.connectionLost` (retryable) or `.badOption`, with a scrubbed message.
    public init(conninfo: String, redactor: PostgresRedactor) throws(PostgresError) {
        self.redactor = redactor
        conn = PQconnectdb(conninfo)
        if PQstatus(conn) != CONNECTION_OK {
            let message = currentMessage()
            PQfinish(conn)
            conn = nil
            // libpq's option checks ("invalid sslmode value: …", "invalid integer value … for connection option
            // \"port\"") fail before any network I/O: a configuration error, which no retry can fix.
            if message.hasPrefix("invalid ") {
                throw PostgresError.badOption(target: redactor.target, message: message)
            }
            throw PostgresError.connectionLost(target: redactor.target, message: message)
        }
    }

    deinit { close() }

    /// Closes the connection (`PQfinish`); idempotent.
    public func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// True when the connection is gone.
    public var isBroken: Bool { conn == nil || PQstatus(conn) != CONNECTION_OK }

    private func currentMessage() -> String {
        guard let conn, let p = PQerrorMessage(conn) else { return "no connection" }
        return redactor.scrub(String(cString: p))
    }

    /// Runs SQL with text parameters (`PQexecParams`; a nil parameter is NULL) and returns the rows as text.
    /// - Throws: `PostgresError.connectionLost` when the connection broke, else `PostgresError.server`.
    @discardableResult
    public func query(_ sql: String, _ params: [String?] = [], entity: String? = nil) throws(PostgresError) -> PostgresRows {
        guard let conn else { throw PostgresError.connectionLost(target: redactor.target, message: "not connected") }
        let owned: [UnsafeMutablePointer<CChar>?] = params.map { $0.flatMap { strdup($0) } }
        defer { for p in owned { free(p) } }
        let res: OpaquePointer? = owned.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buf.count, 1)) { values in
                params.isEmpty ? PQexec(conn, sql)
                    : PQexecParams(conn, sql, Int32(params.count), nil, values, nil, nil, 0)
            }
        }
        defer { PQclear(res) }
        let status = PQresultStatus(res)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw failure(res, entity: entity)
        }
        var rows = PostgresRows()
        let n = PQntuples(res), m = PQnfields(res)
        rows.values.reserveCapacity(Int(n * m))
        for r in 0..<n {
            for c in 0..<m {
                rows.values.append(PQgetisnull(res, r, c) != 0 ? nil : String(cString: PQgetvalue(res, r, c)))
            }
        }
        rows.columnCount = Int(m)
        return rows
    }

    func failure(_ res: OpaquePointer?, entity: String?) -> PostgresError {
        var message = currentMessage()
        if let res, let p = PQresultErrorMessage(res), p.pointee != 0 { message = redactor.scrub(String(cString: p)) }
        let state = res.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
        lastSQLState = state
        // Class 08 is "connection exception"; 57P0x are administrator/crash shutdowns of the backend.
        if isBroken || state.hasPrefix("08") || state.hasPrefix("57P0") {
            return .connectionLost(target: redactor.target, message: message)
        }
        // The primary message apart: the full one's DETAIL line may quote the failing row's values.
        let primary = res.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { redactor.scrub(String(cString: $0)) }
        return .server(target: redactor.target, sqlState: state, message: message, primary: primary, entity: entity)
    }
}

/// Rows of a query as text (NULL as nil), row-major.
public struct PostgresRows: Sendable {
    var values: [String?] = []
    var columnCount = 0
    /// Number of rows.
    public var count: Int { columnCount == 0 ? 0 : values.count / columnCount }
    /// The value at row `r`, column `c`.
    public subscript(r: Int, c: Int) -> String? { values[r * columnCount + c] }
}

/// What may be said about a connection string: a password-free description, and a scrubber for
/// libpq's messages (which may quote parts of the connection string).
public struct PostgresRedactor: Sendable {
    /// `postgres://user@host:port/dbname`, never with the password.
    public let target: String
    /// The parsed connection options (the password among them: never print this).
    public let fields: [String: String]
    private let secrets: [String]

    /// Parses `conninfo` (`PQconninfoParse`, URI or key=value form).
    /// - Throws: `PostgresError.unparsableConnectionString` when libpq cannot parse it.
    public init(conninfo: String) throws(PostgresError) {
        var err: UnsafeMutablePointer<CChar>?
        guard let opts = PQconninfoParse(conninfo, &err) else {
            // libpq's message quotes the offending token, which may be the password: never pass it on.
            if let err { PQfreemem(err) }
            throw PostgresError.unparsableConnectionString
        }
        defer { PQconninfoFree(opts) }
        var fields: [String: String] = [:]
        var p = opts
        while let k = p.pointee.keyword {
            if let v = p.pointee.val { fields[String(cString: k)] = String(cString: v) }
            p += 1
        }
        var secrets: [String] = []
        if let pw = fields["password"], !pw.isEmpty { secrets.append(pw) }
        self.secrets = secrets
        self.fields = fields
        let user = fields["user"].map { "\($0)@" } ?? ""
        let host = fields["host"] ?? fields["hostaddr"] ?? "localhost"
        let port = fields["port"].map { ":\($0)" } ?? ""
        let hostPart = host.hasPrefix("/") ? "[\(host)]" : host
        target = "postgres://\(user)\(hostPart)\(port)/\(fields["dbname"] ?? "")"
    }

    /// `text` with every occurrence of the password replaced by `***`, folded onto one line (libpq's
    /// messages span lines: "…failed: Connection refused\n\tIs the server running…").
    public func scrub(_ text: String) -> String {
        var out = text
        for s in secrets { out = out.replacing(s, with: "***") }
        let parts = out.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { String($0.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
            .filter { !$0.isEmpty }
        return parts.joined(separator: "; ")
    }
}

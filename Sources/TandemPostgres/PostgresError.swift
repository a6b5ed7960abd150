/// A failure of libpq or of the PostgreSQL server; every message is scrubbed of the connection's password.
public enum PostgresError: Error, CustomStringConvertible {
    /// libpq cannot parse the connection string (its message is dropped: it may quote the password).
    case unparsableConnectionString
    /// libpq refused a connection option before any network I/O (a configuration error no retry fixes).
    case badOption(target: String, message: String)
    /// The connection could not be made or broke (retryable after a reconnect).
    case connectionLost(target: String, message: String)
    /// The server refused a statement: its SQLSTATE, full message, primary message (without the DETAIL line,
    /// which may quote the row's values), and the table the statement was about, if any.
    case server(target: String, sqlState: String, message: String, primary: String?, entity: String?)

    public var description: String {
        switch self {
        case .unparsableConnectionString:
            return "postgres:(not shown: it may hold a password): cannot parse the connection string"
        case let .badOption(target, message):
            return "\(target): libpq refused a connection option: \(message)"
        case let .connectionLost(target, message):
            return "\(target): connection lost: \(message)"
        case let .server(target, state, message, _, entity):
            return "\(target)\(entity.map { " (table \($0))" } ?? ""): \(message) (SQLSTATE \(state))"
        }
    }
}

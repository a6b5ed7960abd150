import TandemPostgres

extension SinkError {
    /// The sink's error for a PostgreSQL failure: the one place `PostgresError` becomes `SinkError`.
    init(_ error: PostgresError) {
        switch error {
        case .unparsableConnectionString:
            self = .badSpec(spec: "postgres:(not shown: it may hold a password)", reason: "cannot parse the connection string")
        case let .badOption(target, message):
            self = .badSpec(spec: target, reason: "libpq refused a connection option: \(message)")
        case let .connectionLost(target, message):
            self = .connectionLost(target: target, message: message)
        case let .server(target, state, message, primary, entity):
            // Classes 22 (data exception), 23 (integrity constraint), 54 (program limit, e.g. a row too big) and
            // P0 (PL/pgSQL, e.g. a trigger's RAISE EXCEPTION): the data is refused, and a retry fails the same way.
            if state.hasPrefix("22") || state.hasPrefix("23") || state.hasPrefix("54") || state.hasPrefix("P0") {
                // The primary message only: the DETAIL line quotes the failing row's values.
                self = .refusedData(target: target, entity: entity ?? "", key: nil,
                                    message: "\(primary ?? message) (SQLSTATE \(state))")
            } else {
                self = .database(target: target, entity: entity, message: message)
            }
        }
    }

    /// Runs `body`, throwing a PostgreSQL failure as the sink's error.
    static func postgres<T>(_ body: () throws(PostgresError) -> T) throws -> T {
        do { return try body() } catch { throw SinkError(error) }
    }
}

extension PostgresRedactor {
    /// Parses `conninfo` for the sink.
    /// - Throws: `SinkError.badSpec` (scrubbed) when libpq cannot parse it.
    init(sinkConninfo conninfo: String) throws {
        self = try SinkError.postgres { () throws(PostgresError) in try PostgresRedactor(conninfo: conninfo) }
    }
}

extension PostgresConnection {
    /// `query`, failing with the sink's error: `SinkError.connectionLost` when the connection broke,
    /// `.refusedData` when the server refuses the data, else `.database`.
    @discardableResult
    func run(_ sql: String, _ params: [String?] = [], entity: String? = nil) throws -> PostgresRows {
        try SinkError.postgres { () throws(PostgresError) in try query(sql, params, entity: entity) }
    }
}

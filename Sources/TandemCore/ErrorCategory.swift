/// What kind of failure an error is, whoever reports it: the CLI maps a category to its sysexits code
/// (`Sources/tandem/ExitCodes.swift`), the daemon to its metrics and health.
public enum ErrorCategory: String, Sendable, CaseIterable {
    /// A check failed or an operation was refused to keep data safe (e.g. truncate would drop unapplied events).
    case refused
    /// The command or call was wrong (a missing option, a seq out of range, a filter other than the store's).
    case usage
    /// A setting names something unusable (a source or sink description, a config value).
    case config
    /// Input data is wrong: an event, a line, a record, a mapping file, a damaged journal.
    case badData
    /// Something to read is not there (a journal, a file, a quarantine entry, a store never filled).
    case noInput
    /// A service is not reachable (a PostgreSQL server).
    case unavailable
    /// Something to create is already there or cannot be made.
    case cannotCreate
    /// Reading or writing failed (a file, a database).
    case ioError
    /// Temporary: a lock is held or a connection dropped; running again later may succeed.
    case tryAgain
}

/// An error that knows its category, so each front end reports it in one place.
public protocol CategorizedError: Error {
    /// The kind of failure.
    var category: ErrorCategory { get }
}

extension DecodeError: CategorizedError {
    /// Bytes that do not decode are bad data.
    public var category: ErrorCategory { .badData }
}

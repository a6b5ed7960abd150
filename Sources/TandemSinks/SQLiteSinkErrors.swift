import TandemSQLite

extension SinkError {
    /// The sink error for a SQLite failure: `busy` (exit 75, try again) when another connection holds the
    /// lock past the busy timeout, else `database`.
    static func sqlite(_ e: SQLiteError, target: String, entity: String?) -> SinkError {
        e.isBusy ? .busy(target: target, message: e.description)
            : .database(target: target, entity: entity, message: e.description)
    }
}

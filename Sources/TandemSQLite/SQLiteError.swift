import CSQLite
import TandemCore

/// A failed SQLite call: the result code, SQLite's message and the SQL it ran — never bound values,
/// so row data cannot leak into logs.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (e.g. `SQLITE_BUSY`, `SQLITE_CONSTRAINT_PRIMARYKEY`).
    public var code: Int32
    /// SQLite's message for the failure.
    public var message: String
    /// The statement that failed, when there was one.
    public var sql: String?

    /// An error from a result code, a message and the statement.
    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low byte of `code`).
    public var primaryCode: Int32 { code & 0xff }

    /// True when another connection holds the lock (`SQLITE_BUSY`/`SQLITE_LOCKED`): worth retrying.
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

    /// True for errors the data causes, which no retry fixes: a constraint (NOT NULL, CHECK, UNIQUE, a
    /// foreign key, a STRICT column's type, a trigger's RAISE), a type mismatch (text into an INTEGER
    /// PRIMARY KEY), a value too big.
    public var isCausedByData: Bool {
        primaryCode == SQLITE_CONSTRAINT || primaryCode == SQLITE_MISMATCH || primaryCode == SQLITE_TOOBIG
    }

    public var description: String {
        var s = "SQLite error \(code) (\(String(cString: sqlite3_errstr(code)))): \(message)"
        if let sql { s += " — in `\(sql)`" }
        return s
    }
}

extension SQLiteError: CategorizedError {
    /// An I/O error: the libraries map the failures they expect (busy, constraint) to their own errors, so what
    /// reaches the top as a bare `SQLiteError` is a file that could not be read or written.
    public var category: ErrorCategory { .ioError }
}

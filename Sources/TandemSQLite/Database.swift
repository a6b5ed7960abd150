import CSQLite
import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection (`sqlite3*`): open, execute, prepare, transactions, close.
///
/// - Important: not `Sendable`; use a connection from one thread at a time.
public final class Database {
    /// How to open the file.
    public enum Mode: Sendable {
        /// Read and write, creating the file when missing.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only.
        case readOnly

        var flags: Int32 {
            switch self {
            case .readWriteCreate: return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            case .readWrite: return SQLITE_OPEN_READWRITE
            case .readOnly: return SQLITE_OPEN_READONLY
            }
        }
    }

    /// The raw handle, for the rare call this wrapper does not cover.
    public private(set) var handle: OpaquePointer?
    /// The path it was opened with.
    public let path: String
    private var cache: [String: Statement] = [:]

    /// Opens (`sqlite3_open_v2`) a database file with a busy timeout in milliseconds.
    /// - Throws: `SQLiteError` when the file cannot be opened.
    public init(path: String, mode: Mode = .readWriteCreate, busyTimeoutMilliseconds: Int32 = 5000) throws {
        self.path = path
        if mode == .readWriteCreate { Self.createPrivately(path) }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, mode.flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: "\(message) (opening \(path))")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit { close() }

    /// Creates a missing database file with mode 0600 (owner only: stores hold legacy personal data), so that
    /// SQLite, which gives its -wal, -shm and -journal files the main file's mode, creates those 0600 too.
    /// Paths SQLite treats specially (":memory:", "", URIs) are left to it; a failure here is left to the open.
    static func createPrivately(_ path: String) {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    /// Finalizes the cached statements and closes the connection (`sqlite3_close_v2`); idempotent.
    public func close() {
        cache.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one or more statements without results (`sqlite3_exec`).
    /// - Throws: `SQLiteError` with the SQL.
    public func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, sql: sql) }
    }

    /// Compiles one statement (`sqlite3_prepare_v3`); the caller owns it.
    /// - Throws: `SQLiteError` with the SQL.
    public func prepare(_ sql: String, persistent: Bool = false) throws -> Statement {
        var stmt: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let rc = sqlite3_prepare_v3(handle, sql, -1, flags, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return Statement(stmt, database: self, sql: sql)
    }

    /// A statement from this connection's cache, compiled on first use and reset before it is returned.
    /// - Throws: `SQLiteError` with the SQL.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let s = cache[sql] {
            try s.reset()
            return s
        }
        let s = try prepare(sql, persistent: true)
        cache[sql] = s
        return s
    }

    /// Drops every cached statement (e.g. after a schema change).
    public func clearStatementCache() { cache.removeAll() }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back when it throws.
    /// - Throws: what `body` throws, or `SQLiteError` from BEGIN/COMMIT.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// True outside an explicit transaction (`sqlite3_get_autocommit`).
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Rows changed by the last statement (`sqlite3_changes64`).
    public var changes: Int64 { sqlite3_changes64(handle) }

    /// The first column of the first row of a query, or nil when it returns no row.
    /// - Throws: `SQLiteError` with the SQL.
    public func scalar(_ sql: String) throws -> Value? {
        let s = try prepare(sql)
        guard try s.step() else { return nil }
        return s.value(at: 0)
    }

    /// The current error of this connection as a typed error.
    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "database is closed"
        let code = handle.map { sqlite3_extended_errcode($0) } ?? rc
        return SQLiteError(code: code == 0 ? rc : code, message: message, sql: sql)
    }
}

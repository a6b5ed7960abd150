import CSQLite
import TandemCore

/// One compiled statement (`sqlite3_stmt*`): bind by index (1-based), step, read columns, reset.
/// Finalized in `deinit`.
///
/// - Important: explicitly not `Sendable`: a statement belongs to its connection's thread.
public final class Statement {
    /// The raw handle.
    public let handle: OpaquePointer
    /// The SQL it was compiled from (for errors; never with bound values).
    public let sql: String
    // Weak: the connection's statement cache holds its statements, so a strong reference would be a cycle.
    private weak var database: Database?

    init(_ handle: OpaquePointer, database: Database, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    private func failure(_ rc: Int32) -> SQLiteError {
        database?.error(rc, sql: sql) ?? SQLiteError(code: rc, message: "the connection is closed", sql: sql)
    }

    /// Number of `?` parameters.
    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// Binds a typed value to parameter `index` (1-based); see `Value` for the storage mapping.
    /// - Throws: `SQLiteError` when the index is out of range.
    public func bind(_ value: Value, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .bool(let b): rc = sqlite3_bind_int64(handle, index, b ? 1 : 0)
        case .int(let i): rc = sqlite3_bind_int64(handle, index, i)
        case .double(let d): rc = sqlite3_bind_double(handle, index, d)
        case .decimal(let s), .string(let s): rc = bindText(s, index)
        case .bytes(let b):
            rc = b.withUnsafeBytes { buf in
                // A zero-length blob still needs a non-null pointer to be a blob, not NULL.
                sqlite3_bind_blob64(handle, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                                    sqlite3_uint64(buf.count), csqlite_transient())
            }
        case .timestamp(let t): rc = bindText(t.rfc3339, index)
        }
        if rc != SQLITE_OK { throw failure(rc) }
    }

    /// Binds an integer to parameter `index`.
    public func bind(_ value: Int64, at index: Int32) throws {
        let rc = sqlite3_bind_int64(handle, index, value)
        if rc != SQLITE_OK { throw failure(rc) }
    }

    /// Binds a string to parameter `index`.
    public func bind(_ value: String, at index: Int32) throws {
        let rc = bindText(value, index)
        if rc != SQLITE_OK { throw failure(rc) }
    }

    private func bindText(_ s: String, _ index: Int32) -> Int32 {
        var s = s
        return s.withUTF8 { buf in
            // An empty string still needs a non-null pointer to be '', not NULL.
            let p = UnsafeRawPointer(buf.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self)
            return sqlite3_bind_text64(handle, index, p, sqlite3_uint64(buf.count), csqlite_transient(), UInt8(SQLITE_UTF8))
        }
    }

    /// Advances one step (`sqlite3_step`): true when a row is ready, false when done.
    /// - Throws: `SQLiteError` with the SQL.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw failure(rc)
    }

    /// Steps to completion, ignoring rows, then resets.
    /// - Throws: `SQLiteError` with the SQL.
    public func execute() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Resets for another run (`sqlite3_reset`); bindings stay.
    /// - Throws: `SQLiteError` when the last run failed.
    public func reset() throws {
        let rc = sqlite3_reset(handle)
        if rc != SQLITE_OK { throw failure(rc) }
    }

    /// Sets every parameter to NULL (`sqlite3_clear_bindings`).
    public func clearBindings() { sqlite3_clear_bindings(handle) }

    /// Number of result columns.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name of result column `index` (0-based).
    public func columnName(_ index: Int32) -> String { String(cString: sqlite3_column_name(handle, index)) }

    /// True when result column `index` is NULL.
    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    /// Result column `index` as an integer.
    @inlinable public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// Result column `index` as a double.
    @inlinable public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// Result column `index` as text ("" for NULL).
    public func text(_ index: Int32) -> String {
        guard let p = sqlite3_column_text(handle, index) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    /// Result column `index` as bytes.
    public func blob(_ index: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, index))
        guard n > 0, let p = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Result column `index` by its storage class: NULL, INTEGER → `.int`, REAL → `.double`,
    /// TEXT → `.string`, BLOB → `.bytes` (the declared meaning, e.g. decimal or timestamp, is the caller's).
    public func value(at index: Int32) -> Value {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .int(int64(index))
        case SQLITE_FLOAT: return .double(double(index))
        case SQLITE_TEXT: return .string(text(index))
        case SQLITE_BLOB: return .bytes(blob(index))
        default: return .null
        }
    }
}

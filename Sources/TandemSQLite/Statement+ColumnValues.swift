import CSQLite
import TandemCore

/// A statement's current row as `ColumnValues`: what `SnapshotRowEncoder` reads a row from in place.
extension Statement: ColumnValues {
    /// The same value as `value(at:)`, without building it: text and blob bytes stay SQLite's.
    public func columnValue(at i: Int32) -> ColumnValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(handle, i))
        case SQLITE_TEXT:
            // Text first, then its length (SQLite's rule: the length is of the last form asked for).
            guard let p = sqlite3_column_text(handle, i) else { return .text(UnsafeRawBufferPointer(start: nil, count: 0)) }
            return .text(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i))))
        case SQLITE_BLOB:
            let p = sqlite3_column_blob(handle, i)
            let n = Int(sqlite3_column_bytes(handle, i))
            guard n > 0, let p else { return .blob(UnsafeRawBufferPointer(start: nil, count: 0)) }
            return .blob(UnsafeRawBufferPointer(start: p, count: n))
        default: return .null
        }
    }
}

import CSQLite
import TandemCore

/// A statement's current row as `ColumnValues`: what `SnapshotRowEncoder` reads a row from in place.
extension Statement: ColumnValues {
    public func kind(at i: Int32) -> ColumnValueKind {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .int
        case SQLITE_FLOAT: return .double
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    public func int(at i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }

    public func double(at i: Int32) -> Double { sqlite3_column_double(handle, i) }

    public func text(at i: Int32) -> UnsafeRawBufferPointer {
        // Text first, then its length (SQLite's rule: the length is of the last form asked for).
        guard let p = sqlite3_column_text(handle, i) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, i)))
    }

    public func blob(at i: Int32) -> UnsafeRawBufferPointer {
        let p = sqlite3_column_blob(handle, i)
        let n = Int(sqlite3_column_bytes(handle, i))
        guard n > 0, let p else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: n)
    }
}

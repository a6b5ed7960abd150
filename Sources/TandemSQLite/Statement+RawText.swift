import CSQLite

// Inlinable: a profiler reads every cell of every row through these (one call per cell across modules would
// cost more than the read).
extension Statement {
    /// The SQLite storage class of result column `index`, as profiling needs it without converting the value.
    public enum StorageClass: Sendable { case null, integer, real, text, blob }

    /// The storage class of result column `index` (`sqlite3_column_type`).
    @inlinable public func storageClass(_ index: Int32) -> StorageClass {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    /// The raw bytes of text column `index`, not decoded: a profiler must see invalid UTF-8 as it is stored
    /// (`text(_:)` replaces it). Valid until the next `step`, `reset` or column read of another type.
    @inlinable public func rawText(_ index: Int32) -> UnsafeRawBufferPointer {
        guard let p = sqlite3_column_text(handle, index) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: UnsafeRawPointer(p), count: Int(sqlite3_column_bytes(handle, index)))
    }

    /// The byte length of blob or text column `index`, without copying it.
    @inlinable public func byteCount(_ index: Int32) -> Int { Int(sqlite3_column_bytes(handle, index)) }
}

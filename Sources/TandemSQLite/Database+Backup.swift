import CSQLite

extension Database {
    /// Copies this database, as of one consistent moment, into a new file at `path` with SQLite's online backup
    /// API (`sqlite3_backup_*`): writers of this database are not blocked for the whole copy, and the copy is
    /// a database of its own (the drill rehearses on such copies).
    /// - Throws: `SQLiteError` when `path` cannot be created or the copy fails.
    public func backup(to path: String) throws {
        let target = try Database(path: path, mode: .readWriteCreate)
        defer { target.close() }
        guard let b = sqlite3_backup_init(target.handle, "main", handle, "main") else {
            throw SQLiteError(code: sqlite3_errcode(target.handle), message: "\(String(cString: sqlite3_errmsg(target.handle))) (backing up \(self.path) to \(path))")
        }
        var rc: Int32
        repeat {
            // All pages in one step when no writer interferes; a busy source is retried (the busy timeout of
            // the source applies to each step).
            rc = sqlite3_backup_step(b, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(5) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        sqlite3_backup_finish(b)
        guard rc == SQLITE_DONE else {
            throw SQLiteError(code: rc, message: "\(String(cString: sqlite3_errstr(rc))) (backing up \(self.path) to \(path))")
        }
    }
}

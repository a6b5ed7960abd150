import CSQLite

extension Database {
    /// Waits for a lock by trying again every millisecond, up to `milliseconds`, instead of SQLite's default
    /// back-off (up to 100 ms between tries): a reader beside a busy legacy writer gets in as soon as the
    /// writer lets go. Fair to the writer: once it waits for the exclusive lock (PENDING), new readers wait.
    public func pollWhenBusy(upToMilliseconds milliseconds: Int32) {
        sqlite3_busy_handler(handle, { limit, tries in
            guard tries < Int32(Int(bitPattern: limit)) else { return 0 }
            sqlite3_sleep(1)
            return 1
        }, UnsafeMutableRawPointer(bitPattern: Int(max(1, milliseconds))))
    }
}

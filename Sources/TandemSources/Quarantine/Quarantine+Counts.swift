import Foundation
import TandemSQLite

extension Quarantine {
    /// Open entries (quarantined, retrying or superseded) of a journal's quarantine by the rule that failed
    /// (`parse`, `type`, `key`, …), read without creating or changing anything: empty when the journal has no
    /// quarantine yet. The store is opened without creating it and with `query_only` (a reader never blocks
    /// an ingest writing in WAL mode); not `SQLITE_OPEN_READONLY`, which would leave `-wal`/`-shm` files behind.
    /// - Throws: `QuarantineError.storage` when the store cannot be read.
    public static func openCountsByRule(journal: String) throws -> [String: Int] {
        let path = Quarantine.path(journal: journal)
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            let db = try Database(path: path, mode: .readWrite, busyTimeoutMilliseconds: 2000)
            try db.execute("PRAGMA query_only = ON")
            defer { db.close() }
            let open = [QuarantineEntry.State.quarantined, .retrying, .superseded].map { "'\($0.rawValue)'" }.joined(separator: ",")
            let st = try db.prepare("SELECT rule, count(*) FROM quarantine WHERE state IN (\(open)) GROUP BY rule")
            var out: [String: Int] = [:]
            while try st.step() { out[st.text(0)] = Int(st.int64(1)) }
            return out
        } catch let e as SQLiteError {
            throw QuarantineError.storage(path: path, e)
        }
    }
}

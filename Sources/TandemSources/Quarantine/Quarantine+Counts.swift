import Foundation
import TandemSQLite

extension Quarantine {
    /// Open entries (quarantined, retrying or superseded) of a journal's quarantine by the rule that failed
    /// (`parse`, `type`, `key`, …), read without creating or changing anything: empty when the journal has no
    /// quarantine yet. The store is opened read-only, so an ingest writing it is never blocked.
    /// - Throws: `QuarantineError.storage` when the store cannot be read.
    public static func openCountsByRule(journal: String) throws -> [String: Int] {
        let path = Quarantine.path(journal: journal)
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            let db = try Database(path: path, mode: .readOnly, busyTimeoutMilliseconds: 2000)
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

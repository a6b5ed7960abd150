import Foundation
import TandemCore

/// Which legacy tables a journal holds a complete snapshot of: `JOURNAL/snapshot/state.json`.
///
/// The journal's positions say how far the table being copied got; this file remembers what positions
/// cannot: tables finished earlier, and the progress of a table whose copy was interrupted while a later run
/// (or `ingest`) journaled events without it. A table is marked complete only once all its rows are durable
/// in the journal, so the file never claims more than the journal holds. Written with tmp + fsync + rename.
public struct SnapshotState: Sendable, Equatable {
    /// One table's entry.
    public struct Table: Sendable, Equatable {
        /// True when every row of the table is journaled.
        public var complete: Bool
        /// The change id the last chunk was cut at (complete tables).
        public var throughChange: Int64?
        /// When it was completed (RFC 3339).
        public var completedAt: String?
        /// The position of the last row journaled (an interrupted copy), to continue after.
        public var resumeAfter: String?
    }

    /// Entries by legacy table name.
    public var tables: [String: Table] = [:]

    /// The file of the journal at `journal`.
    public static func path(journal: String) -> String { journal + "/snapshot/state.json" }

    /// Reads the state (empty when there is no file).
    /// - Throws: `SourceError.config` for a file that is not a state file.
    public static func load(journal: String) throws -> SnapshotState {
        let p = path(journal: journal)
        guard let data = FileManager.default.contents(atPath: p) else { return SnapshotState() }
        guard let v = try? JSONValue.parse([UInt8](data)), let t = v["tables"]?.object else {
            throw SourceError.config("\(p): not a snapshot state file; hint: move it away to start the snapshot afresh")
        }
        var s = SnapshotState()
        for (name, e) in t {
            s.tables[name] = Table(complete: e["complete"]?.bool ?? false, throughChange: e["throughChange"]?.int64,
                                   completedAt: e["completedAt"]?.string, resumeAfter: e["resumeAfter"]?.string)
        }
        return s
    }

    /// Writes the state durably.
    /// - Throws: `SourceError.io` naming the file and operation.
    public func save(journal: String) throws {
        let dir = journal + "/snapshot", p = Self.path(journal: journal), tmp = p + ".tmp"
        if !FileManager.default.fileExists(atPath: dir) {
            guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { throw SourceError.io(path: dir, operation: "mkdir", errno: errno) }
        }
        var members: [(key: String, value: JSONValue)] = []
        for name in tables.keys.sorted() {
            let t = tables[name]!
            var e: [(key: String, value: JSONValue)] = [("complete", .bool(t.complete))]
            if let c = t.throughChange { e.append(("throughChange", .int(c))) }
            if let c = t.completedAt { e.append(("completedAt", .string(c))) }
            if let r = t.resumeAfter { e.append(("resumeAfter", .string(r))) }
            members.append((name, .object(e)))
        }
        var out: [UInt8] = []
        JSONValue.object([("tables", .object(members))]).write(into: &out)
        out.append(10)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SourceError.io(path: tmp, operation: "open", errno: errno) }
        let written = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == out.count, fsync(fd) == 0 else {
            let e = errno
            close(fd)
            throw SourceError.io(path: tmp, operation: "write", errno: e)
        }
        close(fd)
        guard rename(tmp, p) == 0 else { throw SourceError.io(path: p, operation: "rename", errno: errno) }
        let dfd = open(dir, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}

import Foundation
import TandemCore
import TandemSinks
import TandemSQLite
import TandemSources

/// A copy of one live store for the drill, taken by the store's own strategy: SQLite's online backup API into the
/// drill's directory, or a scratch database on the same PostgreSQL server filled from one snapshot
/// (`PostgresDrillCopy`). The drill removes it at its end, also when it fails.
final class DrillCopy {
    /// The copy as a store: the live spec's sink name and options, the copy's location.
    let spec: SinkSpec
    /// The copy's change table as a source (the forward catch-up reads the legacy copy's, reverse replication
    /// the new copy's).
    let source: SourceSpec
    private let scratch: PostgresDrillCopy?

    private init(spec: SinkSpec, source: SourceSpec, scratch: PostgresDrillCopy?) {
        self.spec = spec; self.source = source; self.scratch = scratch
    }

    /// Copies the live store `live` (the `role` side of the migration, whose migrated tables are `tables`) as of
    /// one moment, while it keeps running; a SQLite copy goes into `dir`. A PostgreSQL copy leaves out the rows
    /// of the tables in `withoutRows` (a SQLite copy is the whole file: the caller empties them).
    /// - Throws: `DrillFailure` or the store's error when the copy cannot be taken (nothing is left behind then).
    static func take(_ live: SinkSpec, role: StoreRole, tables: [FencedTable], withoutRows: Set<String> = [], dir: String) throws -> DrillCopy {
        var spec = live
        switch live.kind {
        case .sqlite(let path, _):
            guard FileManager.default.fileExists(atPath: path) else { throw DrillFailure("the \(role.rawValue) store \(path) does not exist") }
            let to = dir + "/\(role.rawValue).db"
            try backup(path, to: to)
            spec.kind = .sqlite(path: to, synchronous: .normal)
            return DrillCopy(spec: spec, source: SourceSpec(kind: .sqliteChangelog, path: to), scratch: nil)
        case .postgres(let conninfo):
            let scratch: PostgresDrillCopy
            do { scratch = try PostgresDrillCopy.take(live: conninfo, role: role, tables: tables, withoutRows: withoutRows) } catch {
                throw DrillFailure("the \(role.rawValue) store \(live) could not be copied: \(error)")
            }
            spec.kind = .postgres(conninfo: scratch.conninfo)
            return DrillCopy(spec: spec, source: SourceSpec(kind: .postgresChangelog, path: scratch.conninfo), scratch: scratch)
        }
    }

    /// Copies the SQLite file at `from` to `to` with the online backup API (its writers keep running).
    static func backup(_ from: String, to: String) throws {
        // Read-write with query_only, as the state file's pages read it: a read-only open of a WAL file fails
        // when its -shm is gone.
        let db = try Database(path: from, mode: .readWrite)
        defer { db.close() }
        try db.execute("PRAGMA query_only = ON")
        try db.backup(to: to)
    }

    /// A connection to the copy for the synthetic application and the checks (the caller closes it).
    func open() throws -> any DrillStore {
        switch spec.kind {
        case .sqlite(let path, _): return try SQLiteDrillStore(path: path)
        case .postgres(let conninfo): return try PostgresDrillStore(conninfo: conninfo)
        }
    }

    /// Runs `body` on a connection to the copy.
    func with<T>(_ body: (any DrillStore) throws -> T) throws -> T {
        let store = try open()
        defer { store.close() }
        return try body(store)
    }

    /// Removes a PostgreSQL copy (a SQLite copy goes with the drill's directory); what could not be removed, or nil.
    func remove() -> String? { scratch?.drop() }
}

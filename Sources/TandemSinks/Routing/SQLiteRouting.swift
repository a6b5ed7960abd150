import Foundation
import TandemCore
import TandemSQLite

/// `_tandem_routing` and the write fences in a SQLite store (see `RoutingStore`).
///
/// SQLite's RAISE takes only a literal message, so each fence trigger holds one `RAISE` per refused tenant
/// (one per cohort beyond `perTenantMessages`), re-created from the routing rows whenever they change; its WHEN clause (the marker absent and the row's
/// tenant routed elsewhere, an indexed lookup) keeps the cost of an unfenced write to that one lookup.
struct SQLiteRouting {
    let path: String
    let role: StoreRole

    var target: String { "sqlite:\(path)" }

    func open() throws -> Database {
        // The legacy store must exist (a wrong path must not become an empty database); the new one is the sink's to create.
        do { return try Database(path: path, mode: role == .legacy ? .readWrite : .readWriteCreate) } catch let e as SQLiteError {
            throw SinkError.sqlite(e, target: target, entity: nil)
        }
    }

    func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as SQLiteError { throw SinkError.sqlite(e, target: target, entity: nil) }
    }

    func publish(_ routes: [TenantRoute], removing: [String], tables: [FencedTable]) throws {
        let db = try open()
        defer { db.close() }
        try wrap {
            try db.transaction {
                try db.execute(RoutingSQL.createTable)
                try db.execute(ApplyingMarker.sqliteCreate)
                let up = try db.prepare("""
                    INSERT INTO _tandem_routing (tenant, cohort, phase, reads, writes, version, since) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant) DO UPDATE SET cohort = excluded.cohort, phase = excluded.phase, reads = excluded.reads,
                        writes = excluded.writes, version = excluded.version, since = excluded.since
                    """)
                for r in routes {
                    for (i, v) in [r.tenant, r.cohort, r.phase, r.reads, r.writes].enumerated() { try up.bind(v, at: Int32(i + 1)) }
                    try up.bind(r.version, at: 6); try up.bind(r.since, at: 7)
                    try up.execute()
                }
                let del = try db.prepare("DELETE FROM _tandem_routing WHERE tenant = ?")
                for t in removing { try del.bind(t, at: 1); try del.execute() }
                let refused = try readRoutes(db).filter { $0.fenceMessage(role: role) != nil }
                for t in tables where try exists(db, t.table) { try fence(db, t, refused: refused) }
            }
        }
    }

    private func exists(_ db: Database, _ table: String) throws -> Bool {
        let s = try db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        try s.bind(table, at: 1)
        return try s.step()
    }

    /// Up to this many refused tenants, each gets its own message; beyond, one message a cohort. SQLite compiles
    /// a table's triggers into every statement prepared on it: with 10,000 per-tenant RAISEs a prepare took
    /// ~100 ms (measured on SQLite 3.40), with 100 about 1 ms.
    static let perTenantMessages = 100

    /// Re-creates the three fence triggers of `t` (insert, update, delete) for the `refused` routes.
    private func fence(_ db: Database, _ t: FencedTable, refused: [TenantRoute]) throws {
        let col = SQL.quote(t.tenantColumn), table = SQL.quote(t.table)
        let other = "r.writes <> \(RoutingSQL.literal(role.rawValue))"
        for (op, rows) in [("insert", ["NEW"]), ("update", ["OLD", "NEW"]), ("delete", ["OLD"])] {
            let name = SQL.quote("_tandem_fence_\(t.table)_\(op)")
            try db.execute("DROP TRIGGER IF EXISTS \(name)")
            let routed = rows.map { "EXISTS (SELECT 1 FROM _tandem_routing r WHERE r.tenant = CAST(\($0).\(col) AS TEXT) AND \(other))" }
            var body = ""
            if refused.count <= Self.perTenantMessages {
                for r in refused {
                    let test = rows.map { "CAST(\($0).\(col) AS TEXT) = \(RoutingSQL.literal(r.tenant))" }.joined(separator: " OR ")
                    body += "  SELECT RAISE(ABORT, \(RoutingSQL.literal(r.fenceMessage(role: role) ?? ""))) WHERE \(test);\n"
                }
            } else {
                var seen = Set<String>()
                for r in refused where seen.insert(r.cohort).inserted {
                    let test = rows.map {
                        "EXISTS (SELECT 1 FROM _tandem_routing c WHERE c.tenant = CAST(\($0).\(col) AS TEXT) AND c.cohort = \(RoutingSQL.literal(r.cohort)))"
                    }.joined(separator: " OR ")
                    body += "  SELECT RAISE(ABORT, \(RoutingSQL.literal(r.cohortFenceMessage(role: role) ?? ""))) WHERE \(test);\n"
                }
            }
            body += "  SELECT RAISE(ABORT, 'tandem: this tenant writes to the other store (see _tandem_routing)');\n"
            try db.execute("""
                CREATE TRIGGER \(name) BEFORE \(op.uppercased()) ON \(table)
                WHEN \(ApplyingMarker.sqliteNotApplying) AND (\(routed.joined(separator: " OR ")))
                BEGIN
                \(body)END
                """)
        }
    }

    func routes() throws -> [TenantRoute] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let db = try open()
        defer { db.close() }
        return try wrap { try readRoutes(db) }
    }

    private func readRoutes(_ db: Database) throws -> [TenantRoute] {
        guard try exists(db, "_tandem_routing") else { return [] }
        let s = try db.prepare("SELECT tenant, cohort, phase, reads, writes, version, since FROM _tandem_routing ORDER BY tenant")
        var out: [TenantRoute] = []
        while try s.step() {
            out.append(TenantRoute(tenant: s.text(0), cohort: s.text(1), phase: s.text(2), reads: s.text(3), writes: s.text(4),
                                   version: s.int64(5), since: s.text(6)))
        }
        return out
    }

    func fencedTables() throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let db = try open()
        defer { db.close() }
        return try wrap {
            let s = try db.prepare("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_tandem\\_fence\\_%' ESCAPE '\\'")
            var out = Set<String>()
            while try s.step() { out.insert(s.text(0)) }
            return out
        }
    }
}

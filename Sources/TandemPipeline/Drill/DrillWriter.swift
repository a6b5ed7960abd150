import Foundation
import TandemCore
import TandemSinks
import TandemSQLite

/// The drill's synthetic application: for each sampled tenant of the cohort it writes like the application would,
/// honouring the routing of the store it writes to (`_tandem_routing`): a write to the store a tenant does not
/// write to must be refused by that store's fence, a write to the store it writes to must pass.
///
/// A write is a copy of one of the tenant's rows with a new integer key (the largest key + 1), so it keeps
/// every constraint and value the mapping accepts; tables without a single integer primary key are not written.
struct DrillWriter {
    /// A row the writer made or must find.
    struct Written: Hashable {
        let table: FencedTable
        let id: Int64
        let tenant: String
    }

    let tenants: [String]

    /// Copies one row of each sampled tenant in each of `tables` of the store at `path`, expecting the store to
    /// take it (`expectRefusal` false) or to refuse it with a fence's message. Returns the rows made.
    func write(store path: String, role: StoreRole, tables: [FencedTable], expectRefusal: Bool) throws -> [Written] {
        let db = try Database(path: path, mode: .readWrite)
        defer { db.close() }
        var made: [Written] = []
        for t in tables {
            guard let key = try Self.integerKey(db, t.table) else { continue }
            let columns = try Self.columns(db, t.table)
            for tenant in tenants {
                let q = SQL.quote(t.table), k = SQL.quote(key), c = SQL.quote(t.tenantColumn)
                let s = try db.prepare("SELECT \(k) FROM \(q) WHERE CAST(\(c) AS TEXT) = ? ORDER BY \(k) LIMIT 1")
                try s.bind(tenant, at: 1)
                guard try s.step() else { continue }
                let from = s.int64(0)
                guard case .int(let top)? = try db.scalar("SELECT max(\(k)) FROM \(q)") else { continue }
                let id = top + 1
                let list = columns.map(SQL.quote).joined(separator: ", ")
                let values = columns.map { $0 == key ? "\(id)" : SQL.quote($0) }.joined(separator: ", ")
                do {
                    try db.execute("INSERT INTO \(q) (\(list)) SELECT \(values) FROM \(q) WHERE \(k) = \(from)")
                    if expectRefusal {
                        throw DrillFailure("a write fence is missing: the \(role.rawValue) store accepted a write to \(t.table) for tenant \(tenant), "
                                           + "which its routing sends elsewhere (tandem fence status; tandem fence publish)")
                    }
                    made.append(Written(table: t, id: id, tenant: tenant))
                } catch let e as SQLiteError {
                    guard expectRefusal else {
                        throw DrillFailure("the rehearsed application could not write to \(t.table) in the \(role.rawValue) store for tenant \(tenant): \(e)")
                    }
                    guard e.description.contains("tandem:") else {
                        throw DrillFailure("a write to \(t.table) in the \(role.rawValue) store for tenant \(tenant) failed, but not by a fence: \(e)")
                    }
                }
            }
        }
        return made
    }

    /// Deletes `rows` (by integer key) from the store at `path`.
    func delete(_ rows: [Written], store path: String, tables: [FencedTable]) throws {
        let db = try Database(path: path, mode: .readWrite)
        defer { db.close() }
        for r in rows {
            guard let key = try Self.integerKey(db, r.table.table) else { continue }
            try db.execute("DELETE FROM \(SQL.quote(r.table.table)) WHERE \(SQL.quote(key)) = \(r.id)")
            guard db.changes == 1 else {
                throw DrillFailure("a write was lost forward: row \(key) = \(r.id) of tenant \(r.tenant), written to legacy before the cut-over, "
                                   + "is not in \(r.table.table) of the new store after it")
            }
        }
    }

    /// Which of `rows` the store at `path` holds (by integer key).
    static func present(_ rows: [Written], store path: String) throws -> Set<Written> {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        var out = Set<Written>()
        for r in rows {
            guard let key = try integerKey(db, r.table.table) else { continue }
            if try db.scalar("SELECT 1 FROM \(SQL.quote(r.table.table)) WHERE \(SQL.quote(key)) = \(r.id)") != nil { out.insert(r) }
        }
        return out
    }

    /// The table's single integer primary key column, or nil.
    static func integerKey(_ db: Database, _ table: String) throws -> String? {
        let s = try db.prepare("SELECT name, type, pk FROM pragma_table_info(?) WHERE pk > 0")
        try s.bind(table, at: 1)
        var keys: [(String, String)] = []
        while try s.step() { keys.append((s.text(0), s.text(1))) }
        guard keys.count == 1, keys[0].1.uppercased().contains("INT") else { return nil }
        return keys[0].0
    }

    static func columns(_ db: Database, _ table: String) throws -> [String] {
        let s = try db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid")
        try s.bind(table, at: 1)
        var out: [String] = []
        while try s.step() { out.append(s.text(0)) }
        return out
    }

    /// The fence triggers missing on `tables` of the store at `path` (`_tandem_fence_TABLE_insert|update|delete`).
    static func missingFences(store path: String, tables: [FencedTable]) throws -> [String] {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        var out: [String] = []
        for t in tables where try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(t.table.replacingOccurrences(of: "'", with: "''"))'") != nil {
            for op in ["insert", "update", "delete"] {
                let name = "_tandem_fence_\(t.table)_\(op)"
                let s = try db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?")
                try s.bind(name, at: 1)
                if try !s.step() { out.append(name) }
            }
        }
        return out
    }
}

import Foundation
import TandemCore
import TandemSinks

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

    /// Copies one row of each sampled tenant in each of `tables` of the copy `store`, expecting the store to
    /// take it (`expectRefusal` false) or to refuse it with a fence's message. Returns the rows made.
    func write(store copy: DrillCopy, role: StoreRole, tables: [FencedTable], expectRefusal: Bool) throws -> [Written] {
        try copy.with { db in
            var made: [Written] = []
            for t in tables {
                guard let key = try db.integerKey(t.table) else { continue }
                let columns = try db.columns(t.table)
                for tenant in tenants {
                    let q = SQL.quote(t.table), k = SQL.quote(key), c = SQL.quote(t.tenantColumn)
                    guard let text = try db.scalar("SELECT \(k) FROM \(q) WHERE CAST(\(c) AS TEXT) = \(db.parameter(1)) ORDER BY \(k) LIMIT 1", [tenant]),
                          let from = Int64(text),
                          let top = try db.scalar("SELECT max(\(k)) FROM \(q)", []).flatMap({ Int64($0) }) else { continue }
                    let id = top + 1
                    let list = columns.map(SQL.quote).joined(separator: ", ")
                    let values = columns.map { $0 == key ? "\(id)" : SQL.quote($0) }.joined(separator: ", ")
                    do {
                        try db.execute("INSERT INTO \(q) (\(list))\(db.overriding) SELECT \(values) FROM \(q) WHERE \(k) = \(from)")
                    } catch {
                        guard expectRefusal else {
                            throw DrillFailure("the rehearsed application could not write to \(t.table) in the \(role.rawValue) store for tenant \(tenant): \(error)")
                        }
                        guard "\(error)".contains("tandem:") else {
                            throw DrillFailure("a write to \(t.table) in the \(role.rawValue) store for tenant \(tenant) failed, but not by a fence: \(error)")
                        }
                        continue
                    }
                    if expectRefusal {
                        throw DrillFailure("a write fence is missing: the \(role.rawValue) store accepted a write to \(t.table) for tenant \(tenant), "
                                           + "which its routing sends elsewhere (tandem fence status; tandem fence publish)")
                    }
                    made.append(Written(table: t, id: id, tenant: tenant))
                }
            }
            return made
        }
    }

    /// Deletes `rows` (by integer key) from the copy `store`.
    func delete(_ rows: [Written], store copy: DrillCopy, tables: [FencedTable]) throws {
        try copy.with { db in
            for r in rows {
                guard let key = try db.integerKey(r.table.table) else { continue }
                guard try db.execute("DELETE FROM \(SQL.quote(r.table.table)) WHERE \(SQL.quote(key)) = \(r.id)") == 1 else {
                    throw DrillFailure("a write was lost forward: row \(key) = \(r.id) of tenant \(r.tenant), written to legacy before the cut-over, "
                                       + "is not in \(r.table.table) of the new store after it")
                }
            }
        }
    }

    /// Which of `rows` the copy `store` holds (by integer key).
    static func present(_ rows: [Written], store copy: DrillCopy) throws -> Set<Written> {
        try copy.with { db in
            var out = Set<Written>()
            for r in rows {
                guard let key = try db.integerKey(r.table.table) else { continue }
                if try db.scalar("SELECT 1 FROM \(SQL.quote(r.table.table)) WHERE \(SQL.quote(key)) = \(r.id)", []) != nil { out.insert(r) }
            }
            return out
        }
    }
}

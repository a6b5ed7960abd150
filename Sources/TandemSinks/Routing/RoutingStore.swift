import TandemCore
import TandemPostgres
import TandemSQLite

/// `_tandem_routing` and the write fences of one store (SQLite or PostgreSQL), written together in one
/// transaction so a store's fences always agree with its routing rows.
///
/// The marker contract (reverse capture uses the same predicate): a write made by Tandem's own applying
/// transaction passes every fence and is never captured. SQLite: the applying transaction inserts a row into
/// `_tandem_applying` first and deletes it before COMMIT (SQLite has one writer: no other connection ever sees
/// the row), and triggers test `NOT EXISTS (SELECT 1 FROM _tandem_applying)`. PostgreSQL: the applying
/// transaction runs `SET LOCAL tandem.applying = 'on'`, and triggers test
/// `current_setting('tandem.applying', true)` (`'on'` only inside that transaction).
public struct RoutingStore: Sendable {
    /// The store.
    public let spec: SinkSpec
    /// Its side of the migration (which writes it takes).
    public let role: StoreRole

    /// A store and its side.
    public init(spec: SinkSpec, role: StoreRole) { self.spec = spec; self.role = role }


    /// Upserts `routes` (by tenant), removes the rows of tenants in `removing`, and re-creates the fence on
    /// each of `tables` that exists, from the routing rows now in the store — all in one transaction.
    /// - Throws: `SinkError` when the store cannot be reached or written.
    public func publish(_ routes: [TenantRoute], removing: [String] = [], tables: [FencedTable]) throws {
        switch spec.kind {
        case .sqlite(let path, _): try SQLiteRouting(path: path, role: role).publish(routes, removing: removing, tables: tables)
        case .postgres(let conninfo): try PostgresRouting(conninfo: conninfo, role: role).publish(routes, removing: removing, tables: tables)
        }
    }

    /// The routing rows in the store (empty when it has none), by tenant.
    public func routes() throws -> [TenantRoute] {
        switch spec.kind {
        case .sqlite(let path, _): return try SQLiteRouting(path: path, role: role).routes()
        case .postgres(let conninfo): return try PostgresRouting(conninfo: conninfo, role: role).routes()
        }
    }

    /// The distinct tenant values (as text) of `tables` in a SQLite store, opened read-only.
    /// - Throws: `SQLiteError` when the store or a table cannot be read.
    public static func distinctTenants(sqlite path: String, tables: [FencedTable]) throws -> [String] {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        var out = Set<String>()
        for t in tables {
            let c = SQL.quote(t.tenantColumn)
            let s = try db.prepare("SELECT DISTINCT CAST(\(c) AS TEXT) FROM \(SQL.quote(t.table)) WHERE \(c) IS NOT NULL")
            while try s.step() { out.insert(s.text(0)) }
        }
        return out.sorted()
    }

    /// What is fenced in the store: tables with a fence, tables without, and the tenants refused.
    public func fenceState(tables: [FencedTable]) throws -> FenceState {
        let routes = try self.routes()
        let fenced: Set<String>
        switch spec.kind {
        case .sqlite(let path, _): fenced = try SQLiteRouting(path: path, role: role).fencedTables()
        case .postgres(let conninfo): fenced = try PostgresRouting(conninfo: conninfo, role: role).fencedTables()
        }
        let names = tables.map(\.table)
        return FenceState(fencedTables: names.filter { fenced.contains($0) }, unfencedTables: names.filter { !fenced.contains($0) },
                          refused: routes.compactMap { r in r.fenceMessage(role: role).map { (r.tenant, $0) } })
    }
}

/// SQL text shared by both stores.
enum RoutingSQL {
    /// The routing table (the same columns in both stores).
    static let createTable = """
        CREATE TABLE IF NOT EXISTS _tandem_routing (tenant TEXT PRIMARY KEY, cohort TEXT NOT NULL, phase TEXT NOT NULL,
            reads TEXT NOT NULL, writes TEXT NOT NULL, version BIGINT NOT NULL, since TEXT NOT NULL)
        """

    /// `text` as an SQL string literal.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}

import Foundation
import TandemCore
import TandemPostgres

/// A PostgreSQL table's rows read as the capture triggers image them (the same typed JSON, so a numeric stays
/// a decimal and a timestamptz a timestamp), by key range or by key: `tandem verify`'s view of a PostgreSQL store.
///
/// - Important: not `Sendable` (one connection).
public final class PostgresRowReader {
    /// The store, password-free.
    public let target: String
    private let c: PostgresConnection
    private var columnCache: [String: [PostgresChangeTableTriggers.Column]] = [:]

    /// Connects to `conninfo`.
    /// - Throws: `SourceError.missing` when it cannot connect.
    public init(conninfo: String) throws {
        (c, target) = try PostgresChangeTableTriggers.connect(conninfo)
    }

    /// Closes the connection.
    public func close() { c.close() }

    /// The table's columns and its key (primary, else the smallest unique NOT NULL one); nil without such a table.
    public func layout(of table: String) throws -> (columns: [String], key: [String])? {
        try PostgresChangeTableTriggers.wrapping(c) {
            let cols = try columns(table)
            guard !cols.isEmpty else { return nil }
            return (cols.map(\.name), try PostgresChangeTableTriggers.keyColumns(c, table: table))
        }
    }

    /// The user tables of the search path's first schema (not Tandem's own).
    public func tables() throws -> [String] {
        try PostgresChangeTableTriggers.wrapping(c) {
            let r = try c.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_tandem%' ORDER BY 1")
            return (0..<r.count).compactMap { r[$0, 0] }
        }
    }

    /// The rows with `after < key ≤ through` (open ends when nil) in key order, at most `limit`.
    public func rows(_ table: String, key: [String], after: [Value]?, through: [Value]?, limit: Int?) throws -> [Row] {
        var params: [String?] = []
        func marks(_ values: [Value]) -> String {
            "(" + values.map { v in params.append(Self.text(v)); return "$\(params.count)" }.joined(separator: ", ") + ")"
        }
        // Text keys in bytewise order ("C"), as SQLite orders them: key ranges of the two stores must agree.
        let types = try PostgresChangeTableTriggers.wrapping(c) { try columns(table) }
        let keyed = key.map { name in
            let q = PostgresChangeTableTriggers.quote(name)
            return ["text", "varchar", "bpchar"].contains(types.first { $0.name == name }?.type ?? "") ? "\(q) COLLATE \"C\"" : q
        }
        let k = "(" + keyed.joined(separator: ", ") + ")"
        var conditions: [String] = []
        if let after { conditions.append("\(k) > \(marks(after))") }
        if let through { conditions.append("\(k) <= \(marks(through))") }
        var sql = "WHERE " + (conditions.isEmpty ? "true" : conditions.joined(separator: " AND "))
        sql += " ORDER BY " + keyed.joined(separator: ", ")
        if let limit { sql += " LIMIT \(limit)" }
        return try select(table, sql, params)
    }

    /// Every row of `table`, in no particular order (a small table read whole, such as a contacts table
    /// that may have no key).
    public func allRows(_ table: String) throws -> [Row] { try select(table, "", []) }

    /// The row whose key columns hold `key`'s values, or nil.
    public func row(_ table: String, key: Row) throws -> Row? {
        let match = key.names.enumerated().map { "\(PostgresChangeTableTriggers.quote($0.element)) = $\($0.offset + 1)" }.joined(separator: " AND ")
        return try select(table, "WHERE \(match)", key.values.map(Self.text)).first
    }

    private func columns(_ table: String) throws(PostgresError) -> [PostgresChangeTableTriggers.Column] {
        if let known = columnCache[table] { return known }
        let cols = try PostgresChangeTableTriggers.columns(c, table: table)
        if !cols.isEmpty { columnCache[table] = cols }
        return cols
    }

    private func select(_ table: String, _ rest: String, _ params: [String?]) throws -> [Row] {
        try PostgresChangeTableTriggers.wrapping(c) {
            let cols = try columns(table)
            let r = try c.query("SELECT \(PostgresChangeTableTriggers.image("t", cols)) FROM \(PostgresChangeTableTriggers.quote(table)) AS t \(rest)", params)
            return try (0..<r.count).map { i in
                do throws(Reason) { return try ChangeRowDecoder.row(r[i, 0] ?? "{}", "row") } catch {
                    throw SourceError.storage(path: target, message: "\(table): \(error.text)")
                }
            }
        }
    }

    /// A value as a query parameter's text.
    static func text(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .decimal(let s), .string(let s): return s
        case .timestamp(let t): return t.rfc3339
        case .bytes(let b): return "\\x" + b.map { String(format: "%02x", $0) }.joined()
        }
    }
}

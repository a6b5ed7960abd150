import TandemCore
import TandemPostgres

/// Which of a plan's keys a PostgreSQL table holds, asked in one statement (conflict detection).
enum PostgresExistence {
    /// For each of `keys` (values in the order of `columns`), whether `table` holds a row with it: one
    /// `unnest … WITH ORDINALITY` probe for them all, so no round trip per row.
    static func check(_ keys: [Row], table q: String, columns: [String], types: PostgresTable, entity: String,
                      _ c: PostgresConnection) throws -> [Bool] {
        guard !keys.isEmpty else { return [] }
        var arrays = columns.map { _ in PostgresText.ArrayBuilder() }
        for k in keys { for (i, name) in columns.enumerated() { arrays[i].append(k[name] ?? .null) } }
        let casts = columns.enumerated().map { "$\($0.offset + 1)::\(types.type($0.element))[]" }
        let match = columns.map { "t.\(SQL.quote($0)) = k.\(SQL.quote($0))" }.joined(separator: " AND ")
        let rows = try c.run("""
            SELECT k.tandem_ord FROM unnest(\(casts.joined(separator: ", "))) WITH ORDINALITY AS k(\(SQL.list(columns)), tandem_ord)
            WHERE EXISTS (SELECT 1 FROM \(q) AS t WHERE \(match))
            """, arrays.map { $0.finish() }, entity: entity)
        var out = Array(repeating: false, count: keys.count)
        for r in 0..<rows.count { if let o = rows[r, 0].flatMap({ Int($0) }), o >= 1, o <= keys.count { out[o - 1] = true } }
        return out
    }
}

/// Rows upserted with one statement: the same column list, and whether they are expected absent.
struct UpsertGroupKey: Hashable {
    var names: [String]
    var insert: Bool
}

/// What the sink knows of one target table.
struct PostgresTable {
    var types: [String: String] = [:]
    var primaryKey: [String] = []
    /// True when Tandem created the table (listed in `_tandem_tables`).
    var createdByTandem = false
    /// The SQL type of a column (text when unknown).
    func type(_ column: String) -> String { types[column] ?? "text" }
}

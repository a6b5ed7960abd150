import TandemCore

/// Whether an existing target table is keyed the way the entity's events are.
///
/// Upserts conflict on the table's key while deletes match the events' key: when the two differ, events
/// merge into the wrong rows. A table qualifies when its primary key is on exactly the events' key columns
/// (in any order), or, without a primary key, when a unique index (not partial, not on expressions) is —
/// `ON CONFLICT` works with either.
enum TargetKey {
    /// Refuses a table keyed otherwise than `eventKey`.
    /// - Parameters:
    ///   - uniqueKeys: the columns of the table's unique indexes; asked only when it has no primary key.
    ///   - foldCase: compare names ignoring ASCII case (SQLite's names do).
    /// - Throws: `SinkError.keyMismatch`.
    static func check(target: String, entity: String, primaryKey: [String], uniqueKeys: () throws -> [[String]],
                      eventKey: [String], foldCase: Bool) throws {
        guard !eventKey.isEmpty else { return }  // only truncates: no key involved
        // Byte-exact, as the stores compare names (Swift's String == is canonical equivalence).
        func set(_ names: [String]) -> Set<ExactText> {
            Set((foldCase ? names.map(EventValidation.asciiLowercased) : names).map(ExactText.init))
        }
        let want = set(eventKey)
        if !primaryKey.isEmpty {
            if set(primaryKey) == want { return }
            throw SinkError.keyMismatch(target: target, entity: entity, tableKey: primaryKey, eventKey: eventKey)
        }
        if try uniqueKeys().contains(where: { set($0) == want }) { return }
        throw SinkError.keyMismatch(target: target, entity: entity, tableKey: [], eventKey: eventKey)
    }
}

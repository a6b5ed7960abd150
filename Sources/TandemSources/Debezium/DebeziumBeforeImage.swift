import TandemCore

/// Whether a Debezium before-image holds the whole row (`Event.beforeComplete`).
///
/// The envelope does not say which REPLICA IDENTITY the table has. With PostgreSQL's default, an update's
/// `before` is null and a delete's holds the key columns only — or, under a schema, the whole struct with
/// every other field null — which would restore nulls over the row if a rewind trusted it. So only what
/// cannot be a key-only image is vouched for; everything else is left to the rewind's own checks.
enum DebeziumBeforeImage {
    /// True when `before` is certainly the whole row: an update's has every column of its after-image (and
    /// every declared field); a delete's has every declared field, none of them null (under a schema only).
    static func isComplete(op: ChangeKind, before: Row?, after: Row?, declared: [String: DebeziumField]?) -> Bool {
        guard let before else { return false }
        let has = Set(before.names)
        if let declared, !declared.keys.allSatisfy(has.contains) { return false }
        switch op {
        case .update:
            guard let after else { return false }
            return after.names.allSatisfy(has.contains)
        case .delete:
            guard let declared, !declared.isEmpty else { return false }
            return !before.values.contains(where: \.isNull)
        case .insert, .snapshot, .truncate:
            return false
        }
    }
}

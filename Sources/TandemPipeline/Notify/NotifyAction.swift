import TandemSources

/// Something a cohort's customers must do, with its reason: declared in the config or suggested by the mapping.
public struct NotifyAction: Sendable, Hashable {
    /// When it must be done.
    public enum When: String, Sendable, CaseIterable {
        /// Before the cut-over window (the notice gate requires the customers told in time).
        case beforeCutOver = "before-cut-over"
        /// After the move (told with the "done" message).
        case afterCutOver = "after-cut-over"
    }

    /// Its id (`password-reset`); the templates directory may hold `action-ID.LOCALE.txt` with its words.
    public var id: String
    /// When.
    public var when: When
    /// Why, in the operator's words (used when no action template exists for the locale).
    public var why: String
    /// `declared` (config) or `suggested` (the mapping, naming the column).
    public var source: String

    /// An action from its parts.
    public init(id: String, when: When, why: String, source: String) {
        self.id = id; self.when = when; self.why = why; self.source = source
    }
}

/// The actions a mapping suggests: a credential column it drops or transforms means the old password no longer
/// works (password reset); a token or integration column it drops means integrations must be authorised again.
public enum NotifyActions {
    /// Credential column names (compared lower-cased, as parts of the name).
    static let credentialWords = ["password", "passwd", "pwd", "pass_hash", "passhash", "pin_hash", "secret_hash"]
    /// Token and integration column names.
    static let tokenWords = ["token", "api_key", "apikey", "oauth", "integration", "webhook_secret", "client_secret"]

    /// The declared actions, then the suggested ones whose id is not declared.
    /// `legacyColumns` lists each legacy entity's columns (to see columns an entity drops by not listing them).
    public static func all(declared: [NotifyAction], mapping: Mapping, legacyColumns: [String: [String]] = [:]) -> [NotifyAction] {
        var out = declared
        for s in suggested(mapping: mapping, legacyColumns: legacyColumns) where !out.contains(where: { $0.id == s.id }) { out.append(s) }
        return out
    }

    /// What the mapping suggests, one action per kind, naming the columns.
    public static func suggested(mapping: Mapping, legacyColumns: [String: [String]] = [:]) -> [NotifyAction] {
        var credentials: [String] = [], tokens: [String] = []
        for (entity, e) in mapping.entities.sorted(by: { $0.key < $1.key }) {
            var columns = Set(e.columns.keys)
            if !e.keepUnlisted { columns.formUnion(legacyColumns[entity] ?? []) }
            for column in columns.sorted() {
                let c = e.columns[column]
                let dropped = c.map { $0.target == nil } ?? !e.keepUnlisted
                let transformed = c.map { !$0.transforms.isEmpty || $0.type != nil } ?? false
                let lower = column.lowercased()
                if credentialWords.contains(where: lower.contains), dropped || transformed {
                    credentials.append("\(entity).\(column) (\(dropped ? "dropped" : "transformed"))")
                } else if tokenWords.contains(where: lower.contains), dropped {
                    tokens.append("\(entity).\(column) (dropped)")
                }
            }
        }
        var out: [NotifyAction] = []
        if !credentials.isEmpty {
            out.append(NotifyAction(id: "password-reset", when: .beforeCutOver,
                                    why: "the mapping changes the stored credentials: \(credentials.joined(separator: ", "))", source: "suggested"))
        }
        if !tokens.isEmpty {
            out.append(NotifyAction(id: "reauthorize-integration", when: .afterCutOver,
                                    why: "the mapping drops integration tokens: \(tokens.joined(separator: ", "))", source: "suggested"))
        }
        return out
    }
}

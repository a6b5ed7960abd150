import TandemCore

/// What ingest needs from the journal: durable appends and the position to resume from.
///
/// `TandemJournal`'s writer conforms (see `JournalWriter+IngestJournal.swift`); tests may use any journal
/// that keeps the same promises.
public protocol IngestJournal: AnyObject {
    /// Appends events in order; returns their seq range once they are durable (after fdatasync), nil for none.
    func appendDurably(_ events: [Event]) throws -> ClosedRange<UInt64>?
    /// The `sourcePosition` of the last journaled event (nil for an empty journal or when it has none).
    func lastSourcePosition() throws -> String?
    /// Each entity's key as the journal holds it (`EntityKeyCatalog`): a change whose key is not its
    /// entity's is quarantined instead of appended.
    func entityKeyCatalog() throws -> EntityKeyCatalog
}

extension IngestJournal {
    /// Each entity's key as the journal holds it, for checking changes before they are appended (a journal
    /// that keeps none: empty, and ingest learns the keys from the changes it journals).
    public func entityKeyCatalog() throws -> EntityKeyCatalog { EntityKeyCatalog() }
}

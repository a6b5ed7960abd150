import TandemCore
import TandemSources

/// What ingest needs from the journal: durable appends, the position to resume from, and single events.
///
/// `TandemJournal`'s writer conforms (see `JournalWriter+IngestJournal.swift`); tests may use any journal
/// that keeps the same promises.
public protocol IngestJournal: AnyObject {
    /// Appends events in order; returns their seq range once they are durable (after fdatasync), nil for none.
    func appendDurably(_ events: [Event]) throws -> ClosedRange<UInt64>?
    /// Appends decoded and encoded events in order, as `appendDurably(_:)` (default: decodes the encoded ones).
    func appendDurably(_ batch: EventBatch) throws -> ClosedRange<UInt64>?
    /// `appendDurably(_:)` for a batch; `closesTransactions`: it ends on a source transaction's end.
    func appendDurably(_ batch: EventBatch, closesTransactions: Bool) throws -> ClosedRange<UInt64>?
    /// The `sourcePosition` of the newest journaled event whose position `belongs` accepts (nil when none).
    ///
    /// A source resumes after its own newest position, not after the journal's last event: events appended
    /// by hand (no position) or by another source may follow it.
    func lastSourcePosition(where belongs: (String) -> Bool) throws -> String?
    /// The durable event with this seq, nil when the journal does not (or no longer) hold it.
    func event(at seq: UInt64) throws -> Event?
    /// Each entity's key as the journal holds it (`EntityKeyCatalog`): a change whose key is not its
    /// entity's is quarantined instead of appended.
    func entityKeyCatalog() throws -> EntityKeyCatalog
    /// Records the entities' declared schemas durably before their changes are appended (`entity-schemas.json`).
    func declareSchemas(_ schemas: [EntitySchema]) throws
}

extension IngestJournal {
    /// A journal that tells no follower about transaction ends.
    public func appendDurably(_ batch: EventBatch, closesTransactions: Bool) throws -> ClosedRange<UInt64>? {
        try appendDurably(batch)
    }
    /// The `sourcePosition` of the newest journaled event that has one (nil for none).
    public func lastSourcePosition() throws -> String? { try lastSourcePosition(where: { _ in true }) }
    /// Each entity's key as the journal holds it, for checking changes before they are appended (a journal
    /// that keeps none: empty, and ingest learns the keys from the changes it journals).
    public func entityKeyCatalog() throws -> EntityKeyCatalog { EntityKeyCatalog() }
    /// Decodes the encoded events and appends them all as events.
    public func appendDurably(_ batch: EventBatch) throws -> ClosedRange<UInt64>? {
        try appendDurably(batch.decodedEvents())
    }
    /// A journal that keeps no schemas: nothing to record.
    public func declareSchemas(_ schemas: [EntitySchema]) throws {}
}

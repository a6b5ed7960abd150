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
}

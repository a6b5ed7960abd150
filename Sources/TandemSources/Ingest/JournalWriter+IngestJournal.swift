import TandemCore
import TandemJournal

/// The journal's writer is what ingest appends to: `append` returns once the events are durable.
extension JournalWriter: IngestJournal {
    public func appendDurably(_ events: [Event]) throws -> ClosedRange<UInt64>? { try append(events) }

    public func lastSourcePosition() throws -> String? { try lastEvent()?.sourcePosition }
}

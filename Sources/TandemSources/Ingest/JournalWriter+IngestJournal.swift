import TandemCore
import TandemJournal

/// The journal's writer is what ingest appends to: `append` returns once the events are durable.
extension JournalWriter: QuarantineRetryJournal {
    public func appendDurably(_ events: [Event]) throws -> ClosedRange<UInt64>? { try append(events) }

    public func lastSourcePosition() throws -> String? { try lastEvent()?.sourcePosition }

    public func event(at seq: UInt64) throws -> Event? {
        guard seq <= lastSeq else { return nil }
        let reader = try makeReader()
        try reader.seek(to: seq)
        return try reader.next()
    }
}

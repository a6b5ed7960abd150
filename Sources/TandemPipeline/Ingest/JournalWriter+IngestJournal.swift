import TandemCore
import TandemJournal
import TandemSources

/// The journal's writer is what ingest appends to: `append` returns once the events are durable.
extension JournalWriter: QuarantineRetryJournal {
    public func appendDurably(_ events: [Event]) throws -> ClosedRange<UInt64>? { try append(events) }
    /// Frames encoded events as they are (no event per row).
    public func appendDurably(_ batch: EventBatch) throws -> ClosedRange<UInt64>? { try append(batch) }

    /// A batch that ends a source transaction is announced to followers in this process (`closedTransactionSeq`).
    public func appendDurably(_ batch: EventBatch, closesTransactions: Bool) throws -> ClosedRange<UInt64>? {
        try append(batch, closesTransactions: closesTransactions)
    }

    /// Looks at the last event first (the usual case: the source is the only writer), then scans back from the
    /// head a window at a time; the scan reads only durable events, so the answer is exact after a crash.
    public func lastSourcePosition(where belongs: (String) -> Bool) throws -> String? {
        if let p = try lastEvent()?.sourcePosition, belongs(p) { return p }
        let reader = try makeReader()
        let first = reader.nextSeq
        let window: UInt64 = 4096
        var hi = lastSeq
        while hi >= first, hi > 0 {
            let lo = hi - first >= window ? hi - window + 1 : first
            try reader.seek(to: lo)
            var found: String?
            for _ in lo...hi {
                guard let e = try reader.next() else { break }
                if let p = e.sourcePosition, belongs(p) { found = p }
            }
            if let found { return found }
            if lo == first { break }
            hi = lo - 1
        }
        return nil
    }

    public func forEachEvent(_ body: (Event) throws -> Void) throws {
        let reader = try makeReader()
        while let e = try reader.next(), e.seq <= lastSeq { try body(e) }
    }

    public func event(at seq: UInt64) throws -> Event? {
        guard seq <= lastSeq else { return nil }
        let reader = try makeReader()
        guard seq >= reader.nextSeq else { return nil }
        try reader.seek(to: seq)
        return try reader.next()
    }
}

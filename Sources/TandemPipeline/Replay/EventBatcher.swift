import TandemCore

/// Groups events into batches of about `size` events, cutting only between source transactions:
/// consecutive events with the same non-nil `txn` always land in the same batch (a large txn makes a
/// large batch). Events without a txn stand alone.
public struct EventBatcher {
    /// The preferred batch size.
    public let size: Int
    private var pending: [Event] = []

    /// A batcher for batches of about `size` events.
    public init(size: Int = 10_000) {
        self.size = max(1, size)
        pending.reserveCapacity(self.size)
    }

    /// Adds an event; returns a full batch when one is ready (the event opening the next txn stays pending).
    public mutating func add(_ event: Event) -> [Event]? {
        var ready: [Event]?
        if pending.count >= size, !sameTxn(pending[pending.count - 1], event) {
            ready = pending
            pending.removeAll(keepingCapacity: true)
        }
        pending.append(event)
        return ready
    }

    /// The events still pending: call at the end of the input (or when the input pauses at a txn end).
    public mutating func flush() -> [Event]? {
        guard !pending.isEmpty else { return nil }
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }

    /// True when nothing is pending.
    public var isEmpty: Bool { pending.isEmpty }

    /// The txn of the last pending event (to know whether a pause falls inside a txn).
    public var openTxn: String? { pending.last?.txn }

    private func sameTxn(_ a: Event, _ b: Event) -> Bool {
        guard let t = a.txn else { return false }
        return t == b.txn
    }

    /// Splits a whole array into batches.
    public static func batches(_ events: [Event], size: Int) -> [[Event]] {
        var b = EventBatcher(size: size)
        var out: [[Event]] = []
        for e in events { if let x = b.add(e) { out.append(x) } }
        if let x = b.flush() { out.append(x) }
        return out
    }
}

import Foundation
import Synchronization
import TandemCore
import TandemSinks

/// Consecutive journal events decoded once for several sinks, with what a replay makes of them for one filter
/// (which events pass, their key check, their write plan) also made once: the sinks with that filter then only
/// commit the plan into their own stores.
final class SharedChunk: Sendable {
    /// The events, consecutive seqs.
    let events: [Event]
    /// Per canonical filter: the preparation, made by the first sink that asked.
    private let prepared = Mutex<[String: PreparedChunk]>([:])
    /// Counts preparations taken by a sink that did not make them (a figure for tests).
    private let reused: SharedCounter?

    /// A chunk of `events` (at least one).
    init(events: [Event], reused: SharedCounter? = nil) {
        self.events = events
        self.reused = reused
    }

    /// The chunk as a replay with `filter` and key catalog `keys` takes it: made now if no sink with the same
    /// filter made it yet, nil when a sink with that filter and these keys must take its events one by one (a key
    /// refused, a plan that cannot be made: the replay's own path reports it, with the events before it applied).
    func prepared(filter: ReplayFilter, canonical: String, keys: EntityKeyCatalog) -> PreparedChunk? {
        // Held while making it: a second sink with the same filter waits instead of making it too.
        prepared.withLock { made -> PreparedChunk? in
            if let p = made[canonical] {
                if p.keysBefore.keys == keys.keys {
                    guard p.usable else { return nil }
                    reused?.add()
                    return p
                }
                // Another sink whose catalog differs (a journal without recorded keys, learned from other events).
                let own = PreparedChunk(events: events, filter: filter, keys: keys)
                return own.usable ? own : nil
            }
            let p = PreparedChunk(events: events, filter: filter, keys: keys)
            made[canonical] = p
            return p.usable ? p : nil
        }
    }
}

/// What a replay's event-by-event reading (`Replayer.run`'s `take`) makes of a chunk, made once for a filter.
struct PreparedChunk: Sendable {
    /// The key catalog before the chunk, and after its passing events were admitted.
    let keysBefore: EntityKeyCatalog
    let keysAfter: EntityKeyCatalog
    /// The passing events with their plan (nil: none passes).
    let planned: PlannedEvents?
    /// Events the filter passed over.
    let filtered: Int
    /// The last source transaction starting inside the chunk after its first event: that event's index, and how
    /// many passing events come before it.
    let lastTxnStart: (index: Int, passedBefore: Int)?
    /// False when an event is refused (key, plan): the replay takes the chunk's events one by one instead.
    let usable: Bool

    init(events: [Event], filter: ReplayFilter, keys: EntityKeyCatalog) {
        keysBefore = keys
        var keys = keys
        var passing: [Event] = []
        passing.reserveCapacity(events.count)
        var txnStart: (index: Int, passedBefore: Int)?
        var ok = true
        for (i, e) in events.enumerated() {
            if i > 0, !(e.txn != nil && events[i - 1].txn == e.txn) { txnStart = (i, passing.count) }
            guard filter.matches(e) else { continue }
            do { _ = try keys.admit(e) } catch { ok = false; break }
            passing.append(e)
        }
        var planned: PlannedEvents?
        if ok, !passing.isEmpty {
            // Every event passing (no filter), the chunk's own array: the window holds the events once.
            do { planned = try PlannedEvents(events: passing.count == events.count ? events : passing) } catch { ok = false }
        }
        keysAfter = keys
        self.planned = planned
        filtered = ok ? events.count - passing.count : 0
        lastTxnStart = txnStart
        usable = ok
    }
}

/// A replay source that can hand out whole shared chunks (the daemon's `SharedFeedCursor`).
protocol ChunkedEventSource: ReplayEventSource {
    /// The next events as one whole shared chunk when one starts at the next seq; nil: read them with `next()`.
    func nextChunk() throws -> SharedChunk?
    /// Waits up to `timeout` seconds for more to read, consuming nothing; true when there is more.
    func waitForMore(timeout: TimeInterval) -> Bool
}

/// A count several threads add to.
final class SharedCounter: Sendable {
    private let n = Atomic<Int>(0)
    func add(_ k: Int = 1) { n.add(k, ordering: .relaxed) }
    var value: Int { n.load(ordering: .relaxed) }
}

import TandemCore
import XCTest
import TandemPipeline
import TandemSinks

/// The contract of `EventSink`, checked against a real store. Every sink implementation runs all of it.
/// Rewinds go through the real, streaming `Rewinder` reading a journal on disk that holds the same events.
public struct SinkConformance {
    /// Opens a sink on the store (a fresh store per `makeStore()`; the same store for the same handle).
    public let open: (String) throws -> any EventSink
    /// Makes a fresh, empty store and returns its handle (a path, a connection string).
    public let makeStore: () throws -> String
    /// The store's content in the comparable form.
    public let dump: (String) throws -> Dump
    /// Which store: how its values print.
    public let kind: StoreKind
    /// The journal id the events are applied from (where no journal on disk is needed).
    public let journal = "journal-A"

    /// A suite for the sinks `open` gives on the stores `makeStore` makes.
    public init(open: @escaping (String) throws -> any EventSink, makeStore: @escaping () throws -> String,
                dump: @escaping (String) throws -> Dump, kind: StoreKind) {
        self.open = open; self.makeStore = makeStore; self.dump = dump; self.kind = kind
    }

    /// Runs every check of the contract.
    public func runAll() throws {
        try randomStreamsMatchTheReferenceModel()
        try replayingAnyPrefixTwiceChangesNothing()
        try refusesAnotherJournal()
        try rewindThenForwardEqualsStraight()
        try rewindToZeroLeavesEmptyTables()
        try rewindRefusesUpFrontWithoutBeforeImage()
        try interruptedRewindResumes()
        try newColumnsAreAdded()
        try rebuildEmptiesTables()
        try insertOfARowAlreadyThereOverwritesIt()
        try coalescedDeleteThenInsertLeavesNoOldColumn()
        try rehearsalLeavesTheStoreAsItWas()
    }

    /// `rehearse` applies a plan (new table, new column, rows) and rolls all of it back; the sink goes on.
    public func rehearsalLeavesTheStoreAsItWas() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply([Event(seq: 1, entity: "t", key: ["id": .int(1)], op: .insert, after: ["id": .int(1)])], journalID: journal)
        let before = try dump(store)
        try sink.rehearse(try WritePlan(events: [
            Event(seq: 2, entity: "t", key: ["id": .int(2)], op: .insert, after: ["id": .int(2), "extra": .string("x")]),
            Event(seq: 3, entity: "fresh", key: ["id": .int(1)], op: .insert, after: ["id": .int(1)]),
        ]))
        XCTAssertEqual(try dump(store), before)
        XCTAssertEqual(try sink.checkpoint()?.seq, 1)
        try sink.apply([Event(seq: 2, entity: "t", key: ["id": .int(2)], op: .insert, after: ["id": .int(2), "extra": .string("y")])], journalID: journal)
        XCTAssertEqual(try dump(store)["t"]?.count, 2)
    }

    public func coalescedDeleteThenInsertLeavesNoOldColumn() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        let key: Row = ["id": .int(1)]
        try sink.apply([Event(seq: 1, entity: "t", key: key, op: .insert, after: ["id": .int(1), "a": .string("x"), "b": .string("y")])],
                       journalID: journal)
        // In one batch: an update of a, a delete, an insert with only a: b must not survive the delete.
        try sink.apply([Event(seq: 2, txn: "t", entity: "t", key: key, op: .update, after: ["id": .int(1), "a": .string("x2")]),
                        Event(seq: 3, txn: "t", entity: "t", key: key, op: .delete),
                        Event(seq: 4, txn: "t", entity: "t", key: key, op: .insert, after: ["id": .int(1), "a": .string("z")]),
                        Event(seq: 5, txn: "t", entity: "t", key: ["id": .int(2)], op: .update, after: ["id": .int(2), "b": .string("w")])],
                       journalID: journal)
        XCTAssertEqual(try dump(store), ["t": ["a=z|id=1", "b=w|id=2"]])
    }

    public func insertOfARowAlreadyThereOverwritesIt() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        func insert(_ seq: UInt64, _ id: Int64, _ v: String) -> Event {
            Event(seq: seq, txn: "t\(seq)", entity: "t", key: ["id": .int(id)], op: .insert, after: ["id": .int(id), "v": .string(v)])
        }
        try sink.apply([insert(1, 1, "a"), insert(2, 2, "b")], journalID: journal)
        // A second sink name (e.g. a snapshot loaded by another replay) inserts keys this one then inserts again.
        try sink.apply([insert(3, 3, "c"), insert(4, 1, "a2"), insert(5, 4, "d")], journalID: journal)
        XCTAssertEqual(try dump(store), ["t": ["id=1|v=a2", "id=2|v=b", "id=3|v=c", "id=4|v=d"]])
    }

    public func randomStreamsMatchTheReferenceModel() throws {
        for seed in UInt64(1)...3 {
            let events = EventGenerator.stream(seed: seed, count: 400, truncates: true)
            let store = try makeStore()
            let sink = try open(store)
            defer { sink.close() }
            var rng = SplitMix64(seed: seed)
            for batch in EventBatcher.batches(events, size: Int.random(in: 1...60, using: &rng)) {
                try sink.apply(batch, journalID: journal)
            }
            XCTAssertEqual(try dump(store), StoreDump.model(.replay(events), kind), "seed \(seed)")
            XCTAssertEqual(try sink.checkpoint(), SinkCheckpoint(journalID: journal, seq: events.last!.seq))
            // The whole stream again: nothing changes.
            let outcome = try sink.apply(events, journalID: journal)
            XCTAssertEqual(outcome.applied, 0)
            XCTAssertEqual(try dump(store), StoreDump.model(.replay(events), kind), "seed \(seed), replayed twice")
        }
    }

    public func replayingAnyPrefixTwiceChangesNothing() throws {
        let events = EventGenerator.stream(seed: 11, count: 300, truncates: true)
        let batches = EventBatcher.batches(events, size: 25)
        var rng = SplitMix64(seed: 99)
        for _ in 0..<3 {
            let store = try makeStore()
            let sink = try open(store)
            defer { sink.close() }
            let cut = Int.random(in: 1..<batches.count, using: &rng)
            for b in batches[..<cut] { try sink.apply(b, journalID: journal) }
            let held = try dump(store)
            XCTAssertEqual(held, StoreDump.model(.replay(batches[..<cut].joined()), kind))
            // A restart from an older position re-sends events the store holds: nothing changes.
            for b in batches[..<cut] { XCTAssertEqual(try sink.apply(b, journalID: journal).applied, 0) }
            XCTAssertEqual(try dump(store), held)
            // A batch straddling the checkpoint applies only its new part.
            let straddle = Array(batches[cut - 1]) + batches[cut]
            XCTAssertEqual(try sink.apply(straddle, journalID: journal).applied, batches[cut].count)
            for b in batches[(cut + 1)...] { try sink.apply(b, journalID: journal) }
            XCTAssertEqual(try dump(store), StoreDump.model(.replay(events), kind))
        }
    }

    public func refusesAnotherJournal() throws {
        let events = EventGenerator.stream(seed: 5, count: 20, truncates: false)
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply(events, journalID: journal)
        let before = try dump(store)
        XCTAssertThrowsError(try sink.apply(events, journalID: "journal-B")) { error in
            guard case SinkError.journalMismatch(_, _, let stored, let given) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(stored, journal)
            XCTAssertEqual(given, "journal-B")
            XCTAssertTrue("\(error)".contains("journal-B"))
        }
        XCTAssertEqual(try dump(store), before)
    }

    public func rewindThenForwardEqualsStraight() throws {
        let events = EventGenerator.stream(seed: 21, count: 300, truncates: false)
        let (dir, id) = try TestStores.journal(events)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3 {
            let store = try makeStore()
            let sink = try open(store)
            defer { sink.close() }
            for b in EventBatcher.batches(events, size: 40) { try sink.apply(b, journalID: id) }
            let target = UInt64.random(in: 0..<events.last!.seq, using: &rng)
            let outcome = try Rewinder.rewind(journal: dir, sink: sink, to: target, chunkSize: 17)
            XCTAssertEqual(outcome.checkpoint.seq, target)
            XCTAssertEqual(try sink.checkpoint()?.seq, target)
            XCTAssertEqual(try dump(store), StoreDump.model(.replay(events.prefix { $0.seq <= target }), kind), "rewind to \(target)")
            for b in EventBatcher.batches(events, size: 40) { try sink.apply(b, journalID: id) }
            XCTAssertEqual(try dump(store), StoreDump.model(.replay(events), kind), "forward again after rewind to \(target)")
        }
    }

    public func rewindToZeroLeavesEmptyTables() throws {
        let events = EventGenerator.stream(seed: 31, count: 200, truncates: false)
        let (dir, id) = try TestStores.journal(events)
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply(events, journalID: id)
        XCTAssertFalse(try dump(store).isEmpty)
        try Rewinder.rewind(journal: dir, sink: sink, to: 0, chunkSize: 50)
        XCTAssertEqual(try dump(store), [:])
        XCTAssertEqual(try sink.checkpoint()?.seq, 0)
    }

    public func rewindRefusesUpFrontWithoutBeforeImage() throws {
        var events = EventGenerator.stream(seed: 41, count: 100, truncates: false)
        let i = events.lastIndex { $0.op == .update }!
        events[i].before = nil
        let (dir, id) = try TestStores.journal(events)
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply(events, journalID: id)
        let held = try dump(store)
        XCTAssertThrowsError(try Rewinder.rewind(journal: dir, sink: sink, to: 0)) { error in
            guard case SinkError.rewindNeedsBeforeImage(let seq, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(seq, events[i].seq)
            XCTAssertTrue("\(error)".contains("--rebuild"))
        }
        XCTAssertEqual(try dump(store), held)
        XCTAssertEqual(try sink.checkpoint()?.seq, events.last!.seq)
    }

    public func interruptedRewindResumes() throws {
        let events = EventGenerator.stream(seed: 51, count: 150, truncates: false)
        let (dir, id) = try TestStores.journal(events)
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply(events, journalID: id)
        // Interrupted after the first chunks: as if the process died once the checkpoint reached 100.
        try Rewinder.rewind(journal: dir, sink: sink, to: 100, chunkSize: 10)
        let resumed = try Rewinder.rewind(journal: dir, sink: sink, to: 30, chunkSize: 10)
        XCTAssertEqual(resumed.undone, events.filter { $0.seq > 30 && $0.seq <= 100 }.count)
        XCTAssertEqual(try dump(store), StoreDump.model(.replay(events.prefix { $0.seq <= 30 }), kind))
    }

    public func newColumnsAreAdded() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        let a = Event(seq: 1, entity: "people", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "name": .string("a")])
        let b = Event(seq: 2, entity: "people", key: ["id": .int(2)], op: .insert,
                      after: ["id": .int(2), "name": .string("b"), "email": .string("b@example.com")])
        let c = Event(seq: 3, entity: "people", key: ["id": .int(1)], op: .update, after: ["id": .int(1), "email": .string("a@example.com")])
        try sink.apply([a], journalID: journal)
        try sink.apply([b, c], journalID: journal)
        XCTAssertEqual(try dump(store), ["people": ["email=a@example.com|id=1|name=a", "email=b@example.com|id=2|name=b"]])
    }

    public func rebuildEmptiesTables() throws {
        let events = EventGenerator.stream(seed: 61, count: 80, truncates: true)
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply(events, journalID: journal)
        try Rewinder.clear(sink, entities: ["customers", "orders", "line_items", "never_seen"])
        XCTAssertEqual(try dump(store), [:])
        XCTAssertNil(try sink.checkpoint())
        try sink.apply(Array(events.prefix(40)), journalID: "journal-B")
        XCTAssertEqual(try dump(store), StoreDump.model(.replay(events.prefix(40)), kind))
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import XCTest
import TandemPipeline
import TandemTesting

/// Issue 10: a rewind restores the exact state at the target seq, or refuses before changing anything.
final class RewindExactTests: XCTestCase {
    private func replayed(_ events: [Event]) throws -> (dir: String, path: String, sink: SQLiteSink) {
        let (dir, _) = try TestStores.journal(events)
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        try Replayer(journal: dir, sink: sink).run()
        return (dir, path, sink)
    }

    private func full(_ id: Int64, _ name: String, _ email: String) -> Row {
        ["id": .int(id), "name": .string(name), "email": .string(email)]
    }

    /// Promise: a before-image holding only the key (Debezium with REPLICA IDENTITY DEFAULT) is refused up
    /// front, naming the first such seq and suggesting --rebuild; the store and its checkpoint stay as they were.
    func testRewindRefusesKeyOnlyBeforeImagesAndChangesNothing() throws {
        let events = [
            Event(seq: 1, txn: "1", entity: "customers", key: ["id": .int(1)], op: .insert, after: full(1, "Ann", "a@x")),
            Event(seq: 2, txn: "2", entity: "customers", key: ["id": .int(2)], op: .insert, after: full(2, "Bo", "b@x")),
            Event(seq: 3, txn: "3", entity: "customers", key: ["id": .int(1)], op: .update,
                  before: ["id": .int(1)], after: full(1, "Ann", "new@x")),
            Event(seq: 4, txn: "4", entity: "customers", key: ["id": .int(2)], op: .delete, before: ["id": .int(2)]),
        ]
        let (dir, path, sink) = try replayed(events)
        defer { sink.close() }
        let held = try StoreDump.sqlite(path)
        XCTAssertThrowsError(try Rewinder.rewind(journal: dir, sink: sink, to: 1)) { error in
            guard case SinkError.rewindIncompleteBeforeImage(let seq, _, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(seq, 3)
            XCTAssertTrue("\(error)".contains("--rebuild"), "\(error)")
            XCTAssertEqual((error as? SinkError)?.category, .badData)
        }
        XCTAssertEqual(try StoreDump.sqlite(path), held)
        XCTAssertEqual(try sink.checkpoint()?.seq, 4)

        // The delete alone (its struct filled with nulls, as Debezium writes a key-only image): refused too.
        XCTAssertThrowsError(try Rewinder.rewind(journal: dir, sink: sink, to: 3)) { error in
            guard case SinkError.rewindIncompleteBeforeImage(let seq, _, _, let missing, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(seq, 4)
            XCTAssertEqual(missing, "")
        }
        var nulls = events
        nulls[3].before = ["id": .int(2), "name": .null, "email": .null]
        let second = try replayed(nulls)
        defer { second.sink.close() }
        XCTAssertThrowsError(try Rewinder.rewind(journal: second.dir, sink: second.sink, to: 3)) { error in
            guard case SinkError.rewindIncompleteBeforeImage(4, _, _, "", _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("holds only the key"), "\(error)")
        }
        XCTAssertEqual(try second.sink.checkpoint()?.seq, 4)
        XCTAssertEqual(try StoreDump.sqlite(second.path)["customers"]?.count, 1)
    }

    /// Promise: a source that vouches for its before-images (SQLite triggers record the whole OLD row) is
    /// rewound exactly, even where the row's other columns are all null.
    func testRewindTrustsAVouchedCompleteBeforeImage() throws {
        let row: Row = ["id": .int(1), "name": .null, "email": .null]
        let events = [
            Event(seq: 1, txn: "1", entity: "customers", key: ["id": .int(1)], op: .insert, after: row),
            Event(seq: 2, txn: "2", entity: "customers", key: ["id": .int(1)], op: .delete, before: row, beforeComplete: true),
        ]
        let (dir, path, sink) = try replayed(events)
        defer { sink.close() }
        XCTAssertEqual(try StoreDump.sqlite(path), [:])
        try Rewinder.rewind(journal: dir, sink: sink, to: 1)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(1)), .sqlite))
    }

    /// Promise: undoing an insert that overwrote a row (a second insert of the same key) restores the row it
    /// overwrote, also when the first insert lies below the rewind's target.
    func testRewindRestoresTheRowAnInsertOverwrote() throws {
        let events = [
            Event(seq: 1, txn: "1", entity: "customers", key: ["id": .int(1)], op: .insert, after: full(1, "Ann", "a@x")),
            Event(seq: 2, txn: "2", entity: "customers", key: ["id": .int(2)], op: .insert, after: full(2, "Bo", "b@x")),
            Event(seq: 3, txn: "3", entity: "customers", key: ["id": .int(1)], op: .insert,
                  after: ["id": .int(1), "name": .string("Ann II"), "email": .string("a2@x"), "extra": .int(7)]),
            Event(seq: 4, txn: "4", entity: "customers", key: ["id": .int(1)], op: .update,
                  before: ["id": .int(1), "name": .string("Ann II"), "email": .string("a2@x"), "extra": .int(7)],
                  after: ["id": .int(1), "name": .string("Ann III"), "email": .string("a3@x"), "extra": .int(8)]),
        ]
        let (dir, path, sink) = try replayed(events)
        defer { sink.close() }
        try Rewinder.rewind(journal: dir, sink: sink, to: 3)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(3)), .sqlite))
        try Rewinder.rewind(journal: dir, sink: sink, to: 2)
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events.prefix(2)), .sqlite))
        XCTAssertEqual(try StoreDump.sqlite(path)["customers"]?.count, 2)
        // Forward again, then all the way down.
        try Replayer(journal: dir, sink: sink).run()
        XCTAssertEqual(try StoreDump.sqlite(path), StoreDump.model(.replay(events), .sqlite))
        try Rewinder.rewind(journal: dir, sink: sink, to: 0)
        XCTAssertEqual(try StoreDump.sqlite(path), [:])
        XCTAssertEqual(try sink.checkpoint()?.seq, 0)
    }
}

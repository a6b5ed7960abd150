import Foundation
import TandemCore
import TandemSQLite
import XCTest
import TandemPipeline
import TandemPostgres
@testable import TandemSinks
import TandemTesting

/// One store under test: how to open a sink on it, run setup SQL, and read what it holds.
struct RefusalStore {
    let kind: StoreKind
    let open: (String) throws -> any EventSink
    let exec: (String) throws -> Void
    let dump: () throws -> Dump

    static func sqlite() throws -> RefusalStore {
        let path = try TestStores.sqlitePath()
        return RefusalStore(kind: .sqlite, open: { try SQLiteSink(path: path, name: $0) }, exec: { sql in
            let db = try Database(path: path)
            defer { db.close() }
            try db.execute(sql)
        }, dump: { try StoreDump.sqlite(path) })
    }

    static func postgres() throws -> RefusalStore {
        let db = try TestStores.postgresDatabase()
        return RefusalStore(kind: .postgres, open: { try PostgresSink(conninfo: db, name: $0) }, exec: { sql in
            let c = try PostgresConnection(conninfo: db, redactor: PostgresRedactor(conninfo: db))
            defer { c.close() }
            try c.query(sql)
        }, dump: { try StoreDump.postgres(db) })
    }
}

/// Promise: the store only ever receives what the journal means. A name that is Tandem's or the store's own,
/// a target table keyed on other columns than the events, or data the table's own rules refuse stops the
/// replay with bad data (exit 65) naming the seq, entity and key — never a silent merge, never a moved
/// checkpoint of another sink, never an endless retry.
final class SinkRefusalTests: XCTestCase {
    func insert(_ id: Int64, _ v: Int64?, txn: String? = nil, entity: String = "t") -> Event {
        Event(txn: txn ?? "x\(id)", entity: entity, key: ["id": .int(id)], op: .insert,
              after: ["id": .int(id), "v": v.map { .int($0) } ?? .null])
    }

    /// Another sink on the same store (filled from another journal), holding seq 3.
    func otherSink(_ store: RefusalStore) throws {
        let other = try store.open("other")
        defer { other.close() }
        try other.apply([], journalID: "other-journal", through: 3)
    }

    func checkpoints(_ store: RefusalStore) throws -> (mine: UInt64?, other: UInt64?) {
        let mine = try store.open("default"), other = try store.open("other")
        defer { mine.close(); other.close() }
        return (try mine.checkpoint()?.seq, try other.checkpoint()?.seq)
    }

    // MARK: reserved names in a journal written before append refused them

    func assertAReservedNameInAnOldJournalStopsReplayNamingTheSeq(_ store: RefusalStore) throws {
        let forged = Event(txn: "f", entity: "_tandem_checkpoint", key: ["sink": .string("other")], op: .insert,
                           after: ["sink": .string("other"), "journal_id": .string("j"), "seq": .int(1000), "updated_at": .string("x")])
        let column = Event(txn: "c", entity: "t", key: ["id": .int(9)], op: .insert, after: ["id": .int(9), "sqlite_x": .int(1)])
        for bad in [forged, column] {
            let (dir, _) = try TestStores.journal([insert(1, 1), bad, insert(3, 3)])
            try otherSink(store)
            let sink = try store.open("default")
            defer { sink.close() }
            XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run()) { error in
                XCTAssertEqual((error as? SinkError)?.category, .badData, "\(error)")
                XCTAssertTrue("\(error)".contains("event seq 2 on \(bad.entity)"), "\(error)")
                XCTAssertTrue("\(error)".contains("reserved"), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
            XCTAssertEqual(try checkpoints(store).other, 3, "a forged event moved another sink's checkpoint")
            XCTAssertNil(try sink.checkpoint())
        }
        XCTAssertEqual(try store.dump(), [:])
    }

    func testAReservedNameInAnOldJournalStopsSQLiteReplayNamingTheSeq() throws {
        try assertAReservedNameInAnOldJournalStopsReplayNamingTheSeq(try .sqlite())
    }

    func testAReservedNameInAnOldJournalStopsPostgresReplayNamingTheSeq() throws {
        try assertAReservedNameInAnOldJournalStopsReplayNamingTheSeq(try .postgres())
    }

    /// What append now refuses but a store took before (a long name, an `xmin` column in SQLite) still replays.
    func testAnOldJournalReplaysIntoSQLiteAsBefore() throws {
        let long = String(repeating: "n", count: 70)
        let (dir, _) = try TestStores.journal([Event(txn: "a", entity: "t", key: ["id": .int(1)], op: .insert,
                                                     after: ["id": .int(1), "xmin": .int(2), long: .int(3)])])
        let store = try RefusalStore.sqlite()
        let sink = try store.open("default")
        defer { sink.close() }
        try Replayer(journal: dir, sink: sink).run()
        XCTAssertEqual(try store.dump(), ["t": ["id=1|\(long)=3|xmin=2"]])
    }

    /// SQLite folds ASCII case in column names: `Name` in one event and `name` in a later one are one column
    /// there, not a second ALTER TABLE ADD COLUMN that fails every replay.
    func testColumnsDifferingOnlyInCaseAcrossEventsAreOneSQLiteColumn() throws {
        let store = try RefusalStore.sqlite()
        let sink = try store.open("default")
        defer { sink.close() }
        let a = Event(seq: 1, txn: "a", entity: "t", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "Name": .string("x")])
        let b = Event(seq: 2, txn: "b", entity: "t", key: ["id": .int(2)], op: .insert, after: ["id": .int(2), "name": .string("y")])
        try sink.apply([a, b], journalID: "j")
        let c = Event(seq: 3, txn: "c", entity: "t", key: ["ID": .int(1)], op: .update, after: ["ID": .int(1), "NAME": .string("z")])
        try sink.apply([c], journalID: "j")
        XCTAssertEqual(try store.dump(), ["t": ["Name=y|id=2", "Name=z|id=1"]])
    }

    /// Values PostgreSQL cannot hold, in a journal written before append refused them: exit 65 naming the event.
    func testAnOldJournalsValuesPostgresCannotHoldStopReplayNamingTheEvent() throws {
        for (value, says) in [(Value.string("a\u{0}b"), "22"), (.decimal("1e999999999"), "22003")] {
            let store = try RefusalStore.postgres()
            let (dir, _) = try TestStores.journal([insert(1, 1), Event(txn: "b", entity: "t", key: ["id": .int(2)], op: .insert,
                                                                      after: ["id": .int(2), "v": value])])
            try store.exec(value == .string("a\u{0}b") ? "CREATE TABLE t (id bigint PRIMARY KEY, v text)" : "CREATE TABLE t (id bigint PRIMARY KEY, v numeric)")
            let sink = try store.open("default")
            defer { sink.close() }
            XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run()) { error in
                XCTAssertEqual((error as? SinkError)?.category, .badData, "\(error)")
                XCTAssertTrue("\(error)".contains("the store refused event seq 2 (insert on t, key id=2)"), "\(error)")
                XCTAssertTrue("\(error)".contains("SQLSTATE \(says)"), "\(error)")
            }
            XCTAssertEqual(try sink.checkpoint()?.seq, 1)
        }
    }

    // MARK: a target table keyed on other columns than the events

    func assertATargetKeyedOnOtherColumnsIsRefused(_ store: RefusalStore, _ setup: String, says: String) throws {
        try store.exec(setup)
        var events: [Event] = []
        for i in 1...151 {
            let id: Value = .int(Int64(i % 7))
            if i % 5 == 0 {
                events.append(Event(txn: "x\(i)", entity: "customers", key: ["id": id], op: .delete))
            } else {
                let email: Value = .string(i % 2 == 0 ? "a" : "b")
                events.append(Event(txn: "x\(i)", entity: "customers", key: ["id": id], op: .insert, after: ["id": id, "email": email]))
            }
        }
        let (dir, _) = try TestStores.journal(events)
        let sink = try store.open("default")
        defer { sink.close() }
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run()) { error in
            XCTAssertEqual((error as? SinkError)?.category, .badData, "\(error)")
            XCTAssertTrue("\(error)".contains("event seq 1 (insert on customers, key id=1)"), "\(error)")
            XCTAssertTrue("\(error)".contains(says), "\(error)")
        }
        XCTAssertEqual(try store.dump(), [:], "rows were merged under another key")
        XCTAssertNil(try sink.checkpoint())
    }

    func testASQLiteTargetKeyedOnOtherColumnsIsRefusedNamingBothKeys() throws {
        try assertATargetKeyedOnOtherColumnsIsRefused(try .sqlite(), "CREATE TABLE customers (id INTEGER, email TEXT PRIMARY KEY)", says: "table customers is keyed on (email), but its events on (id)")
        try assertATargetKeyedOnOtherColumnsIsRefused(try .sqlite(), "CREATE TABLE customers (id INTEGER, email TEXT)", says: "table customers has no primary key nor a unique index on its events' key (id)")
    }

    func testAPostgresTargetKeyedOnOtherColumnsIsRefusedNamingBothKeys() throws {
        try assertATargetKeyedOnOtherColumnsIsRefused(try .postgres(), "CREATE TABLE customers (id bigint, email text PRIMARY KEY)", says: "table customers is keyed on (email), but its events on (id)")
        try assertATargetKeyedOnOtherColumnsIsRefused(try .postgres(), "CREATE TABLE customers (id bigint, email text)", says: "table customers has no primary key nor a unique index on its events' key (id)")
    }

    func assertAUniqueIndexOnTheKeyIsEnough(_ store: RefusalStore, _ setup: String) throws {
        try store.exec(setup)
        let (dir, _) = try TestStores.journal([insert(1, 1, entity: "u"), insert(2, 2, entity: "u"), insert(1, 5, entity: "u")])
        let sink = try store.open("default")
        defer { sink.close() }
        try Replayer(journal: dir, sink: sink).run()
        XCTAssertEqual(try store.dump(), ["u": ["id=1|v=5", "id=2|v=2"]])
    }

    func testATargetWithAUniqueIndexOnTheKeyInsteadOfAPrimaryKeyIsUsed() throws {
        try assertAUniqueIndexOnTheKeyIsEnough(try .sqlite(), "CREATE TABLE u (id INTEGER, v INTEGER); CREATE UNIQUE INDEX u_id ON u (id)")
        try assertAUniqueIndexOnTheKeyIsEnough(try .postgres(), "CREATE TABLE u (id bigint, v bigint); CREATE UNIQUE INDEX u_id ON u (id)")
    }

    // MARK: the table's own rules (NOT NULL, CHECK, a trigger's RAISE) refuse an event

    func assertAStoreRuleStopsReplayNamingTheEvent(_ store: RefusalStore, _ setup: [String], trigger: String) throws {
        try store.exec(setup.joined(separator: "; "))
        // Txns x1, x2 are fine; txn y's second event breaks a rule (NOT NULL, CHECK v < 100, the trigger on 66).
        for (bad, says) in [(Int64?.none, "null"), (500, "check"), (66, trigger)] {
            try store.exec("DELETE FROM t")
            let events = [insert(1, 1), insert(2, 2), insert(3, 3, txn: "y"), insert(4, bad, txn: "y"), insert(5, 5, txn: "y"), insert(6, 6)]
            let (dir, _) = try TestStores.journal(events)
            try otherSink(store)
            let sink = try store.open("default")
            defer { sink.close() }
            XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run()) { error in
                XCTAssertEqual((error as? SinkError)?.category, .badData, "\(error)")
                let text = "\(error)"
                XCTAssertTrue(text.contains("the store refused event seq 4 (insert on t, key id=4)"), text)
                XCTAssertTrue(text.lowercased().contains(says), "expected «\(says)» in \(text)")
                XCTAssertTrue(text.contains("checkpoint seq 2"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
            // The transactions before the bad one are applied; nothing of its own transaction is.
            XCTAssertEqual(try sink.checkpoint()?.seq, 2)
            XCTAssertEqual(try store.dump()["t"]?.count, 2)
            XCTAssertEqual(try checkpoints(store).other, 3, "another sink's checkpoint moved")
            sink.close()
            let fresh = try store.open("default")
            try fresh.reset(entities: ["t"])
            fresh.close()
        }
    }

    func testASQLiteRuleStopsReplayAsBadDataNamingSeqEntityAndKey() throws {
        try assertAStoreRuleStopsReplayNamingTheEvent(try .sqlite(), [
            "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL CHECK (v < 100))",
            "CREATE TRIGGER no66 BEFORE INSERT ON t WHEN NEW.v = 66 BEGIN SELECT RAISE(ABORT, 'sixty-six is not allowed'); END",
        ], trigger: "sixty-six")
    }

    /// A deferred constraint fails only at COMMIT: the event is still found (rehearsals check constraints at once).
    func testAPostgresDeferredConstraintStopsReplayNamingTheEvent() throws {
        let store = try RefusalStore.postgres()
        try store.exec("""
            CREATE TABLE p (id bigint PRIMARY KEY, v bigint);
            CREATE TABLE c (id bigint PRIMARY KEY, v bigint REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)
            """)
        let events = [insert(1, 1, txn: "a", entity: "c"), insert(1, nil, txn: "a", entity: "p"),
                      insert(2, 1, txn: "b", entity: "c"), insert(3, 99, txn: "b", entity: "c"), insert(4, 1, txn: "b", entity: "c")]
        let (dir, _) = try TestStores.journal(events)
        let sink = try store.open("default")
        defer { sink.close() }
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run()) { error in
            XCTAssertEqual((error as? SinkError)?.category, .badData, "\(error)")
            XCTAssertTrue("\(error)".contains("the store refused event seq 4 (insert on c, key id=3)"), "\(error)")
            XCTAssertTrue("\(error)".contains("SQLSTATE 23503"), "\(error)")
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 2)
    }

    func testAPostgresRuleStopsReplayAsBadDataNamingSeqEntityAndKey() throws {
        try assertAStoreRuleStopsReplayNamingTheEvent(try .postgres(), [
            "CREATE TABLE t (id bigint PRIMARY KEY, v bigint NOT NULL CHECK (v < 100))",
            "CREATE FUNCTION no66() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.v = 66 THEN RAISE EXCEPTION 'sixty-six is not allowed'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER no66 BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION no66()",
        ], trigger: "sixty-six")
    }
}

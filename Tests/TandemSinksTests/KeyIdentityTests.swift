import Foundation
import TandemCore
import TandemJournal
import TandemSQLite
import XCTest
import TandemPipeline
import TandemPostgres
@testable import TandemSinks
import TandemTesting

/// Key identity in replay: a key names the row the store names, whatever the batching, the order of its
/// columns or the Unicode normalization of its strings. Run against both sinks (`KeyIdentitySQLiteTests`,
/// `KeyIdentityPostgresTests`).
extension SinkConformance {
    func replayResultDoesNotDependOnBatchSize() throws {
        for seed in UInt64(1)...3 {
            let events = KeyStreamGenerator.stream(seed: seed, count: 200)
            let (dir, _) = try TestStores.journal(events)
            var results: [Int: [[UInt8]]] = [:]
            for size in [1, 7, 10_000] {
                let store = try makeStore()
                let sink = try open(store)
                defer { sink.close() }
                try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: size)).run()
                results[size] = exactLines(try dump(store))
            }
            XCTAssertEqual(results[1], exactModel(events, kind), "seed \(seed), batch size 1 against the model")
            XCTAssertEqual(results[7], results[1], "seed \(seed): batch size 7 differs from batch size 1")
            XCTAssertEqual(results[10_000], results[1], "seed \(seed): batch size 10,000 differs from batch size 1")
        }
    }

    func keyColumnsInAnyOrderNameOneRow() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        func ins(_ seq: UInt64, _ a: Int64, _ b: Int64) -> Event {
            Event(seq: seq, entity: "pairs", key: ["a": .int(a), "b": .int(b)], op: .insert, after: ["a": .int(a), "b": .int(b)])
        }
        try sink.apply([ins(1, 1, 2), ins(2, 2, 1)], journalID: journal)
        // One batch whose first change gives the key as (a, b); the delete names (a=1, b=2) as (b, a), the update
        // names (a=8, b=7) as (b, a): one row each, not the row (a=2, b=1) and not two rows.
        try sink.apply([Event(seq: 3, entity: "pairs", key: ["a": .int(8), "b": .int(7)], op: .insert, after: ["a": .int(8), "b": .int(7)]),
                        Event(seq: 4, entity: "pairs", key: ["b": .int(2), "a": .int(1)], op: .delete),
                        Event(seq: 5, entity: "pairs", key: ["b": .int(7), "a": .int(8)], op: .update, after: ["b": .int(7), "a": .int(8), "v": .int(5)])],
                       journalID: journal)
        XCTAssertEqual(try dump(store), ["pairs": ["a=2|b=1", "a=8|b=7|v=5"]])
    }

    func keysEqualOnlyUpToUnicodeNormalizationAreDifferentRows() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        let nfc = "Jos\u{E9}", nfd = "Jose\u{301}"
        try sink.apply([Event(seq: 1, entity: "people", key: ["name": .string(nfc)], op: .insert, after: ["name": .string(nfc), "v": .int(1)]),
                        Event(seq: 2, entity: "people", key: ["name": .string(nfd)], op: .insert, after: ["name": .string(nfd), "v": .int(2)]),
                        Event(seq: 3, entity: "people", key: ["name": .string(nfd)], op: .update, after: ["name": .string(nfd), "v": .int(3)])],
                       journalID: journal)
        XCTAssertEqual(exactLines(try dump(store)), exactLines(["people": ["name=\(nfc)|v=1", "name=\(nfd)|v=3"]]))
    }

    func aKeyWhoseColumnsDifferFromTheTablesIsRefused() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        let key: Row = ["region": .string("eu"), "no": .int(1)]
        try sink.apply([Event(seq: 1, entity: "accounts", key: key, op: .insert, after: key)], journalID: journal)
        // A delete missing a key column (a journal of an older Tandem): refused, not "applied" matching nothing.
        XCTAssertThrowsError(try sink.apply([Event(seq: 2, entity: "accounts", key: ["no": .int(1)], op: .delete)], journalID: journal)) {
            guard case SinkError.keyMismatch(_, let entity, let tableKey, let eventKey) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(entity, "accounts")
            XCTAssertEqual(Set(tableKey), ["region", "no"])
            XCTAssertEqual(eventKey, ["no"])
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 1)
        XCTAssertEqual(try dump(store), ["accounts": ["no=1|region=eu"]])
        // In one batch, two column sets for one entity: refused as well.
        XCTAssertThrowsError(try sink.apply([Event(seq: 2, entity: "fresh", key: ["id": .int(1)], op: .insert, after: ["id": .int(1)]),
                                             Event(seq: 3, entity: "fresh", key: ["ID": .int(1)], op: .delete)], journalID: journal)) {
            guard case SinkError.keyColumnsDiffer(3, "fresh", _, _) = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 1)
    }

    func aNullKeyValueIsRefused() throws {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply([Event(seq: 1, entity: "t", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "v": .int(1)])], journalID: journal)
        // A journal of an older Tandem: SQLite would give the null key a rowid and merge it into row 1 or add a row.
        for (seq, op) in [(UInt64(2), ChangeKind.insert), (2, .delete)] {
            let e = Event(seq: seq, entity: "t", key: ["id": .null], op: op, after: op == .delete ? nil : ["id": .null, "v": .int(2)])
            XCTAssertThrowsError(try sink.apply([e], journalID: journal)) {
                guard case SinkError.nullKeyValue(2, "t", "id") = $0 else { return XCTFail("\($0)") }
                XCTAssertEqual(($0 as? SinkError)?.category, .badData)
            }
        }
        XCTAssertEqual(try dump(store), ["t": ["id=1|v=1"]])
        XCTAssertEqual(try sink.checkpoint()?.seq, 1)
    }

    func replayStopsBeforeTheTransactionOfAKeyOfAnotherKind() throws {
        // A journal written before keys were checked at append: items' key is an int, but seq 4 gives "5",
        // which SQLite takes for the row 5 (an INTEGER PRIMARY KEY) and PostgreSQL refuses (a bigint).
        let dir = try TestStores.temporaryDirectory() + "/journal"
        try Journal.create(at: dir)
        func keyFile(_ kind: String) throws {
            let text = #"{"formatVersion":1,"entities":[{"entity":"items","columns":["id"],"kinds":["\#(kind)"]},"#
                + #"{"entity":"other","columns":["id"],"kinds":["int"]}]}"#
            try text.write(toFile: dir + "/entity-keys.json", atomically: true, encoding: .utf8)
        }
        func append(_ events: [Event]) throws {
            let w = try JournalWriter(directory: dir)
            defer { w.close() }
            try w.append(events)
        }
        func insert(_ entity: String, _ id: Int64, _ txn: String) -> Event {
            Event(txn: txn, entity: entity, key: ["id": .int(id)], op: .insert, after: ["id": .int(id), "v": .int(id)])
        }
        try append([insert("items", 5, "t1"), insert("other", 1, "t2")])
        try keyFile("string")
        try append([insert("other", 2, "t3"), Event(txn: "t3", entity: "items", key: ["id": .string("5")], op: .delete)])
        try keyFile("int")
        try append([insert("other", 3, "t4")])
        for size in [1, 7, 10_000] {
            let store = try makeStore()
            let sink = try open(store)
            defer { sink.close() }
            XCTAssertThrowsError(try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: size)).run()) {
                guard case SinkError.keyRefused(4, "items", let reason) = $0 else { return XCTFail("batch size \(size): \($0)") }
                XCTAssertTrue(reason.hasPrefix("key column \"id\" is string \"5\", but the entity's key is (id int)"), reason)
                XCTAssertEqual(($0 as? SinkError)?.category, .badData)
            }
            // Every transaction before seq 4's, none of it (seq 3 is in the same transaction), whatever the batch size.
            XCTAssertEqual(try dump(store), ["items": ["id=5|v=5"], "other": ["id=1|v=1"]], "batch size \(size)")
            XCTAssertEqual(try sink.checkpoint()?.seq, 2, "batch size \(size)")
        }
    }
}

extension SinkConformance {
    /// Applies one row to an entity spelled in NFC and one to the same name in NFD, in one batch: the stores
    /// hold two tables (append refuses the second spelling; a journal of an older Tandem may hold both).
    /// Returns the store for `tables` to list.
    func applyToEntitiesSpelledInNFCAndNFD() throws -> String {
        let store = try makeStore()
        let sink = try open(store)
        defer { sink.close() }
        try sink.apply([Event(seq: 1, entity: "caf\u{E9}", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "v": .string("nfc")]),
                        Event(seq: 2, entity: "cafe\u{301}", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "v": .string("nfd")])],
                       journalID: journal)
        return store
    }

    /// The contract's checks on a fresh SQLite file per store.
    static var sqlite: SinkConformance {
        SinkConformance(open: { try SQLiteSink(path: $0) }, makeStore: { try TestStores.sqlitePath() },
                        dump: { try StoreDump.sqlite($0) }, kind: .sqlite)
    }

    /// The contract's checks on a fresh database of the test cluster per store.
    static func postgres() throws -> SinkConformance {
        let base = try TestStores.postgresBase()
        return SinkConformance(open: { try PostgresSink(conninfo: $0) }, makeStore: { try TestStores.postgresDatabase(base: base) },
                               dump: { try StoreDump.postgres($0) }, kind: .postgres)
    }
}

final class KeyIdentitySQLiteTests: XCTestCase {
    let suite = SinkConformance.sqlite

    func testReplayResultDoesNotDependOnBatchSize() throws { try suite.replayResultDoesNotDependOnBatchSize() }
    func testKeyColumnsInAnyOrderNameOneRow() throws { try suite.keyColumnsInAnyOrderNameOneRow() }
    func testKeysEqualOnlyUpToUnicodeNormalizationAreDifferentRows() throws { try suite.keysEqualOnlyUpToUnicodeNormalizationAreDifferentRows() }
    func testAKeyWhoseColumnsDifferFromTheTablesIsRefused() throws { try suite.aKeyWhoseColumnsDifferFromTheTablesIsRefused() }
    func testANullKeyValueIsRefused() throws { try suite.aNullKeyValueIsRefused() }
    func testReplayStopsBeforeTheTransactionOfAKeyOfAnotherKind() throws { try suite.replayStopsBeforeTheTransactionOfAKeyOfAnotherKind() }
}

extension KeyIdentitySQLiteTests {
    func testAnEntitySpelledInNFDIsNotWrittenIntoTheNFCTable() throws {
        let db = try Database(path: suite.applyToEntitiesSpelledInNFCAndNFD(), mode: .readOnly)
        defer { db.close() }
        let s = try db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('_tandem_checkpoint', '_tandem_tables') ORDER BY name")
        var tables: [[UInt8]] = []
        while try s.step() { tables.append(Array(s.text(0).utf8)) }
        XCTAssertEqual(tables, [Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8)])
        for (name, v) in [("caf\u{E9}", "nfc"), ("cafe\u{301}", "nfd")] {
            XCTAssertEqual(try db.scalar("SELECT group_concat(v) FROM \(SQL.quote(name))"), .string(v))
        }
    }
}

final class KeyIdentityPostgresTests: XCTestCase {
    var suite: SinkConformance { get throws { try SinkConformance.postgres() } }

    func testReplayResultDoesNotDependOnBatchSize() throws { try suite.replayResultDoesNotDependOnBatchSize() }
    func testKeyColumnsInAnyOrderNameOneRow() throws { try suite.keyColumnsInAnyOrderNameOneRow() }
    func testKeysEqualOnlyUpToUnicodeNormalizationAreDifferentRows() throws { try suite.keysEqualOnlyUpToUnicodeNormalizationAreDifferentRows() }
    func testAKeyWhoseColumnsDifferFromTheTablesIsRefused() throws { try suite.aKeyWhoseColumnsDifferFromTheTablesIsRefused() }
    func testANullKeyValueIsRefused() throws { try suite.aNullKeyValueIsRefused() }
    func testReplayStopsBeforeTheTransactionOfAKeyOfAnotherKind() throws { try suite.replayStopsBeforeTheTransactionOfAKeyOfAnotherKind() }
}

extension KeyIdentityPostgresTests {
    func testAnEntitySpelledInNFDIsNotWrittenIntoTheNFCTable() throws {
        let store = try suite.applyToEntitiesSpelledInNFCAndNFD()
        let c = try PostgresConnection(conninfo: store, redactor: PostgresRedactor(conninfo: store))
        defer { c.close() }
        let t = try c.query("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname NOT IN ('_tandem_checkpoint', '_tandem_tables') ORDER BY relname::bytea")
        XCTAssertEqual((0..<t.count).map { Array(t[$0, 0]!.utf8) }, [Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8)])
        for (name, v) in [("caf\u{E9}", "nfc"), ("cafe\u{301}", "nfd")] {
            let r = try c.query("SELECT string_agg(v, ',') FROM \(SQL.quote(name))")
            XCTAssertEqual(r[0, 0], v)
        }
    }
}

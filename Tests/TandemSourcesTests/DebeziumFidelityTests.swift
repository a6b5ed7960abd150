import Foundation
import XCTest
import TandemCore
@testable import TandemSources
import TandemTesting

/// The fixtures of the change-log format tests.
let formatFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The records of a fixture read through the source a short form names (`PATH` stands for the fixture's path).
func fixtureRecords(_ spec: String, _ fixture: String, log: LogLines = LogLines()) throws -> [SourceRecord] {
    let path = formatFixtures.appendingPathComponent(fixture).path
    let s = try SourceSpec.parse(spec.replacingOccurrences(of: "PATH", with: path)).makeSource(log: log.sink)
    try s.open(after: nil)
    defer { s.close() }
    return try s.read(limit: 1000, wait: nil, stop: nil)
}

/// The changes of a fixture, positions cleared; a line that is not a change fails the test.
func fixtureChanges(_ spec: String, _ fixture: String, log: LogLines = LogLines(), file: StaticString = #filePath, line: UInt = #line) throws -> [Event] {
    try fixtureRecords(spec, fixture, log: log).map { r in
        XCTAssertNil(r.failure, "\(r.failure!)", file: file, line: line)
        var e = r.change ?? Event(entity: "", key: Row(), op: .truncate)
        e.sourcePosition = nil
        return e
    }
}

/// What Debezium says must arrive as it meant it (issue 9, finding 7). The fixtures are written here in the shape of
/// the examples in Debezium's documentation: the MySQL connector's change events (`source` block with `ts_ms` 0 in
/// snapshots, `db` and `table`, the `transaction` block of `provide.transaction.metadata`, temporal types
/// `io.debezium.time.Time`/`MicroTime`/`NanoTime` — debezium.io/documentation/reference/stable/connectors/mysql.html),
/// the PostgreSQL connector's TOAST placeholder `__debezium_unavailable_value` (`unavailable.value.placeholder`,
/// …/connectors/postgresql.html#postgresql-toasted-values), the MongoDB connector's events (`source.collection`,
/// …/connectors/mongodb.html) and the New Record State Extraction SMT (`add.fields` → `__op`, `__table`, …,
/// `delete.handling.mode=rewrite` → `__deleted`, …/transformations/event-flattening.html).
final class DebeziumFidelityTests: XCTestCase {

    func read(_ spec: String, _ fixture: String, log: LogLines = LogLines()) throws -> [SourceRecord] {
        try fixtureRecords(spec, fixture, log: log)
    }

    func changes(_ spec: String, _ fixture: String, log: LogLines = LogLines()) throws -> [Event] {
        try fixtureChanges(spec, fixture, log: log)
    }

    func testTimeOfDayArrivesAsExactTimeTextNotAnInteger() throws {
        let events = try changes("jsonl:PATH?format=debezium", "debezium/mysql-time-snapshot-transaction.jsonl")
        XCTAssertEqual(events.count, 2)
        // MySQL TIME 10:13:23 (MicroTime 36803000000), 18:00:00 (Time, ms), 12:30:00.123456789 (NanoTime).
        XCTAssertEqual(events[0].after?["opens"], .string("10:13:23"))
        XCTAssertEqual(events[0].after?["closes"], .string("18:00:00"))
        XCTAssertEqual(events[0].after?["lunch"], .string("12:30:00.123456789"))
        XCTAssertEqual(events[1].after?["opens"], .string("09:00:00.500000"))
        XCTAssertEqual(events[1].after?["closes"], .string("-01:00:00"), "MySQL TIME is a duration: it may be negative")
        XCTAssertEqual(events[1].after?["lunch"], .null)
        XCTAssertEqual(events[1].before?["opens"], .string("10:13:23"))
    }

    func testASnapshotWithoutSourceTimeIsCommittedAtTheEnvelopeTime() throws {
        let events = try changes("jsonl:PATH?format=debezium", "debezium/mysql-time-snapshot-transaction.jsonl")
        // source.ts_ms is 0 in MySQL snapshot events: the envelope's ts_ms (1486500577691) stands in, not 1970.
        XCTAssertEqual(events.first?.committedAt, Timestamp(microseconds: 1_486_500_577_691_000))
        XCTAssertEqual(events.last?.committedAt, Timestamp(microseconds: 1_465_581_029_000_000), "a real source.ts_ms still wins")
    }

    func testTheTransactionBlockIsTheTransaction() throws {
        let events = try changes("jsonl:PATH?format=debezium", "debezium/mysql-time-snapshot-transaction.jsonl")
        XCTAssertEqual(events.map(\.txn), [nil, "file=mysql-bin.000003,pos=484"])
    }

    func testAnUnchangedToastColumnLeavesTheTargetValueAlone() throws {
        let records = try read("jsonl:PATH?format=debezium", "debezium/postgres-toast.jsonl")
        XCTAssertEqual(records.count, 3)
        let update = try XCTUnwrap(records[1].change)
        XCTAssertEqual(update.after, ["id": .int(1), "title": .string("Tandem, second edition")],
                       "the placeholder is not a value: the column is left out, so the upsert keeps the stored text")
        // An insert cannot leave a value unchanged: the line goes to quarantine with the column named.
        let insert = try XCTUnwrap(records[2].failure)
        XCTAssertEqual(insert.column, "body")
        XCTAssertTrue(insert.reason.contains("__debezium_unavailable_value"), insert.reason)
        // Through real processes and a real SQLite target: DebeziumCLITests.testAnUnchangedToastColumnKeepsItsStoredValue.
    }

    func testTablesOfTheSameNameInTwoDatabasesStayApart() throws {
        let log = LogLines()
        let events = try changes("jsonl:PATH?format=debezium", "debezium/two-databases-one-table.jsonl", log: log)
        XCTAssertEqual(events.map(\.entity), ["inventory.products", "sales.products"])
        XCTAssertEqual(try changes("jsonl:PATH?format=debezium&entity=db.schema.table", "debezium/two-databases-one-table.jsonl").map(\.entity),
                       ["inventory.products", "sales.products"])
        XCTAssertTrue(log.all.isEmpty, "\(log.all)")
        // Today's behaviour stays reachable, and the merge it causes is said once on the log.
        let merged = LogLines()
        XCTAssertEqual(try changes("jsonl:PATH?format=debezium&entity=table", "debezium/two-databases-one-table.jsonl", log: merged).map(\.entity),
                       ["products", "products"])
        XCTAssertEqual(merged.all.count, 1, "\(merged.all)")
        XCTAssertTrue(merged.all.first?.contains("inventory.products") == true && merged.all.first?.contains("sales.products") == true
                      && merged.all.first?.contains("entity=") == true, "\(merged.all)")
        XCTAssertEqual(try changes("jsonl:PATH?format=debezium", "debezium/without-schema.jsonl").first?.entity, "public.customers",
                       "PostgreSQL: schema.table")
    }

    func testMongoDBEventsAreRefusedForWhatTheyAre() throws {
        let records = try read("jsonl:PATH?format=debezium", "debezium/mongodb.jsonl")
        let f = try XCTUnwrap(records.first?.failure)
        XCTAssertTrue(f.reason.contains("MongoDB change events are not supported"), f.reason)
    }

    func testFlattenedRecordsAreReadWithFormatDebeziumFlat() throws {
        // format=debezium names the way out instead of a bare "missing field op".
        let wrong = try read("jsonl:PATH?format=debezium", "debezium-flat/flattened.jsonl")
        let f = try XCTUnwrap(wrong.first?.failure)
        XCTAssertTrue(f.reason.contains("format=debezium-flat"), f.reason)

        let events = try changes("jsonl:PATH?format=debezium-flat", "debezium-flat/flattened.jsonl")
        let anne: Row = ["id": .int(1), "first_name": .string("Anne"), "last_name": .string("Kretchmar"), "email": .string("annek@noanswer.org")]
        var marie = anne
        marie["first_name"] = .string("Anne Marie")
        XCTAssertEqual(events, [
            Event(txn: "555", committedAt: Timestamp(microseconds: 1_559_033_904_863_000), entity: "public.customers", key: Row(), op: .snapshot, after: anne),
            Event(txn: "556", committedAt: Timestamp(microseconds: 1_559_033_904_963_000), entity: "public.customers", key: Row(), op: .update, after: marie),
            Event(txn: "557", committedAt: Timestamp(microseconds: 1_559_033_905_063_000), entity: "public.customers", key: Row(), op: .delete, before: marie),
        ])
    }

    /// The transaction boundary events of `provide.transaction.metadata` and schema-change events carry no row:
    /// they are passed over, not quarantined as "missing op".
    func testBoundaryAndSchemaChangeEventsAreNotRejected() {
        let lines = [
            #"{"status":"BEGIN","id":"571","ts_ms":1486500577125,"event_count":null,"data_collections":null}"#,
            #"{"status":"END","id":"571","ts_ms":1486500577691,"event_count":2,"data_collections":[{"data_collection":"s1.a","event_count":1},{"data_collection":"s2.a","event_count":1}]}"#,
            #"{"source":{"version":"2.7.0.Final","connector":"mysql","name":"mysql-server-1","ts_ms":0,"snapshot":"false","db":"inventory","table":"customers","server_id":0,"gtid":null,"file":"mysql-bin.000003","pos":219,"row":0,"thread":null,"query":null},"ts_ms":1588252618953,"databaseName":"inventory","schemaName":null,"ddl":"ALTER TABLE customers ADD COLUMN middle_name VARCHAR(2000)","tableChanges":[]}"#,
        ]
        for l in lines {
            guard case .skip = RawFormat.debezium.decode(Array(l.utf8), position: "p") else { return XCTFail(l) }
        }
    }

    /// A bytes column's placeholder is the placeholder's base64 (the JSON converter's bytes): left out as well.
    func testAnUnchangedToastByteaColumnIsLeftOut() {
        let line = #"{"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"int32","field":"id"},{"type":"bytes","field":"photo"}]}]},"#
            + #""payload":{"before":null,"after":{"id":1,"photo":"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="},"source":{"db":"postgres","schema":"public","table":"t","ts_ms":1},"op":"u","ts_ms":2}}"#
        guard case .change(let e) = RawFormat.debezium.decode(Array(line.utf8), position: "p") else { return XCTFail() }
        XCTAssertEqual(e.after, ["id": .int(1)])
    }
}

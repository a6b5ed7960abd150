import TandemCore
import TandemSQLite
import XCTest
@testable import TandemSinks
import TandemTesting

final class SQLiteSinkTests: XCTestCase {
    func testSQLiteSinkMeetsTheEventSinkContract() throws {
        try SinkConformance(open: { try SQLiteSink(path: $0) }, makeStore: { try TestStores.sqlitePath() },
                            dump: { try StoreDump.sqlite($0) }, kind: .sqlite).runAll()
    }

    func testStoreIsInWALModeWithTheCheckpointTable() throws {
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path, name: "cohort-1")
        try sink.apply(EventGenerator.stream(seed: 3, count: 10, truncates: false), journalID: "j")
        sink.close()
        let db = try Database(path: path, mode: .readOnly)
        XCTAssertEqual(try db.scalar("PRAGMA journal_mode"), .string("wal"))
        let s = try db.prepare("SELECT sink, journal_id, seq FROM _tandem_checkpoint")
        XCTAssertTrue(try s.step())
        XCTAssertEqual([s.text(0), s.text(1)], ["cohort-1", "j"])
        XCTAssertGreaterThanOrEqual(s.int64(2), 10)
        XCTAssertFalse(try s.step())
    }

    func testFailedBatchLeavesStoreAndCheckpointBefore() throws {
        let path = try TestStores.sqlitePath()
        let db = try Database(path: path)
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER CHECK (v < 100))")
        db.close()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        func insert(_ seq: UInt64, _ id: Int64, _ v: Int64) -> Event {
            Event(seq: seq, txn: "t\(seq)", entity: "t", key: ["id": .int(id)], op: .insert, after: ["id": .int(id), "v": .int(v)])
        }
        try sink.apply([insert(1, 1, 1)], journalID: "j")
        // The second change of the batch violates the table's CHECK: nothing of the batch may stay.
        XCTAssertThrowsError(try sink.apply([insert(2, 2, 2), insert(3, 3, 500), insert(4, 4, 4)], journalID: "j")) { error in
            XCTAssertTrue("\(error)".contains("table t"), "\(error)")
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 1)
        XCTAssertEqual(try StoreDump.sqlite(path), ["t": ["id=1|v=1"]])
        // The sink is usable afterwards.
        try sink.apply([insert(2, 2, 2)], journalID: "j")
        XCTAssertEqual(try StoreDump.sqlite(path), ["t": ["id=1|v=1", "id=2|v=2"]])
    }

    func testCheckpointSQLMatchesSchemaFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("schemas/sql/checkpoint.sqlite.sql"), encoding: .utf8), CheckpointSQL.sqlite + "\n")
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("schemas/sql/checkpoint.postgres.sql"), encoding: .utf8), CheckpointSQL.postgres + "\n")
    }

    func testValuesAreStoredAsDocumented() throws {
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        let row: Row = ["id": .int(7), "ok": .bool(true), "d": .decimal("10.50"), "at": .timestamp(Timestamp(microseconds: 1_764_000_000_123_456)),
                        "b": .bytes([0, 1, 255]), "f": .double(2.5), "s": .string("")]
        try sink.apply([Event(seq: 1, entity: "v", key: ["id": .int(7)], op: .insert, after: row)], journalID: "j")
        sink.close()
        let db = try Database(path: path, mode: .readOnly)
        let s = try db.prepare("SELECT typeof(ok), ok, typeof(d), d, at, typeof(b), length(b), f, typeof(s) FROM v")
        XCTAssertTrue(try s.step())
        XCTAssertEqual((0..<9).map { s.value(at: Int32($0)) },
                       [.string("integer"), .int(1), .string("text"), .string("10.50"), .string("2025-11-24T16:00:00.123456Z"),
                        .string("blob"), .int(3), .double(2.5), .string("text")])
    }
}

/// Promise (issue 8, finding 16): a SQLite store held by another process is "try again" (75), said in one
/// line, never an I/O error (74).
final class SQLiteBusyTests: XCTestCase {
    func testAStoreHeldByAnotherProcessIsTryAgain() throws {
        let path = try TestStores.sqlitePath()
        let first = try SQLiteSink(path: path, name: "main")
        try first.apply(EventGenerator.stream(seed: 4, count: 5, truncates: false), journalID: "j")
        first.close()
        let holder = try Database(path: path)
        try holder.execute("BEGIN EXCLUSIVE")
        defer { try? holder.execute("ROLLBACK"); holder.close() }
        XCTAssertThrowsError(try {
            let second = try SQLiteSink(path: path, name: "main", busyTimeoutMilliseconds: 20)
            defer { second.close() }
            try second.apply(EventGenerator.stream(seed: 5, count: 5, truncates: false), journalID: "j")
        }()) { error in
            XCTAssertEqual((error as? SinkError)?.category, .tryAgain, "\(error)")
            XCTAssertTrue("\(error)".contains("another process holds the store"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"), "\(error)")
        }
    }
}

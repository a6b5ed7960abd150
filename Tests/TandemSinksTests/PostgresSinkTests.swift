import TandemCore
import XCTest
import TandemPostgres
@testable import TandemSinks
import TandemTesting

final class PostgresSinkTests: XCTestCase {
    func testPostgresSinkMeetsTheEventSinkContract() throws {
        let base = try TestStores.postgresBase()
        try SinkConformance(open: { try PostgresSink(conninfo: $0) }, makeStore: { try TestStores.postgresDatabase(base: base) },
                            dump: { try StoreDump.postgres($0) }, kind: .postgres).runAll()
    }

    func testFailedBatchLeavesStoreAndCheckpointBefore() throws {
        let db = try TestStores.postgresDatabase()
        let admin = try PostgresConnection(conninfo: db, redactor: PostgresRedactor(conninfo: db))
        try admin.query("CREATE TABLE t (id bigint PRIMARY KEY, v bigint CHECK (v < 100))")
        admin.close()
        let sink = try PostgresSink(conninfo: db)
        defer { sink.close() }
        func insert(_ seq: UInt64, _ id: Int64, _ v: Int64) -> Event {
            Event(seq: seq, txn: "t\(seq)", entity: "t", key: ["id": .int(id)], op: .insert, after: ["id": .int(id), "v": .int(v)])
        }
        try sink.apply([insert(1, 1, 1)], journalID: "j")
        XCTAssertThrowsError(try sink.apply([insert(2, 2, 2), insert(3, 3, 500), insert(4, 4, 4)], journalID: "j")) { error in
            XCTAssertTrue("\(error)".contains("table t"), "\(error)")
        }
        XCTAssertEqual(try sink.checkpoint()?.seq, 1)
        XCTAssertEqual(try StoreDump.postgres(db), ["t": ["id=1|v=1"]])
        try sink.apply([insert(2, 2, 2)], journalID: "j")
        XCTAssertEqual(try StoreDump.postgres(db), ["t": ["id=1|v=1", "id=2|v=2"]])
    }

    func testPasswordNeverAppearsInErrorsOrLogs() throws {
        let secret = "s3cr3t-Pa55word"
        // Nothing listens on port 1: the connection fails, and neither the error nor the log may quote the password.
        let conninfo = "postgresql://tandem:\(secret)@127.0.0.1:1/nowhere?connect_timeout=2"
        let lines = LogLines()
        XCTAssertThrowsError(try PostgresSink(conninfo: conninfo, retry: .init(attempts: 2, initialDelay: 0.01, firstConnectAttempts: 2), log: { lines.add($0) })) { error in
            guard case SinkError.unavailable = error else { return XCTFail("\(error)") }
            XCTAssertFalse("\(error)".contains(secret), "\(error)")
            XCTAssertTrue("\(error)".contains("postgres://tandem@127.0.0.1:1/nowhere"), "\(error)")
        }
        XCTAssertFalse(lines.all.isEmpty)
        XCTAssertFalse(lines.all.joined().contains(secret))
        XCTAssertFalse(lines.all.contains { $0.contains("\n") }, "\(lines.all)")
        XCTAssertEqual(try SinkSpec.parse(conninfo).description, "postgres://tandem@127.0.0.1:1/nowhere")
        XCTAssertThrowsError(try SinkSpec.parse("postgresql://tandem:\(secret)@host/db?bogus_option=1")) { error in
            XCTAssertFalse("\(error)".contains(secret), "\(error)")
        }
    }

    func testValuesKeepTheirTypes() throws {
        let db = try TestStores.postgresDatabase()
        let sink = try PostgresSink(conninfo: db)
        let row: Row = ["id": .int(7), "ok": .bool(true), "d": .decimal("10.50"), "at": .timestamp(Timestamp(microseconds: 1_764_000_000_123_456)),
                        "b": .bytes([0, 1, 255]), "f": .double(-.infinity), "s": .string("quote\" back\\ {x,y}")]
        try sink.apply([Event(seq: 1, entity: "v", key: ["id": .int(7)], op: .insert, after: row)], journalID: "j")
        sink.close()
        let c = try PostgresConnection(conninfo: db, redactor: PostgresRedactor(conninfo: db))
        let r = try c.query("SELECT ok::text, d::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), encode(b, 'hex'), f::text, s, pg_typeof(at)::text FROM v")
        XCTAssertEqual((0..<7).map { r[0, $0] }, ["true", "10.50", "2025-11-24 16:00:00.123456", "0001ff", "-Infinity", "quote\" back\\ {x,y}", "timestamp with time zone"])
    }
}

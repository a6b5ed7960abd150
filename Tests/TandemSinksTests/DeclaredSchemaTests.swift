import Foundation
import TandemCore
import TandemJournal
import TandemSQLite
import XCTest
import TandemPipeline
import TandemPostgres
@testable import TandemSinks
import TandemTesting

/// Promises (issue 10, "Schema: from declared types"): target tables take their column types from the
/// declared schema the journal keeps, never from the first value a batch carries; a value that does not fit
/// its column is a conflict of that event (exit 65 naming seq, entity, key and column); Tandem never adds a
/// column to a table it did not create unless the sink says `schema: "evolve"`.
final class DeclaredSchemaTests: XCTestCase {
    func row(_ id: Int64, _ cols: [(String, Value)], seq: UInt64 = 0) -> Event {
        Event(seq: seq, txn: "x\(id)", entity: "t", key: ["id": .int(id)], op: .insert, after: Row([("id", .int(id))] + cols))
    }

    /// A journal holding `events`, with `schema` declared for entity `t`.
    func journal(_ events: [Event], _ columns: [(String, ColumnType)]) throws -> String {
        let (dir, _) = try TestStores.journal(events)
        let w = try JournalWriter(directory: dir)
        defer { w.close() }
        try w.declareSchemas([EntitySchema(entity: "t", columns: ["id"] + columns.map(\.0),
                                           types: [ColumnType(kind: .int)] + columns.map(\.1), key: ["id"])])
        return dir
    }

    func testSQLiteTargetKeepsTheStorageClassOfEachValue() throws {
        let integral = 22.0
        let events = [row(1, [("i", .int(22)), ("r", .double(integral)), ("x", .int(22))]),
                      row(2, [("i", .null), ("r", .int(7)), ("x", .double(integral))]),
                      row(3, [("x", .string("22"))]),
                      row(4, [("x", .bytes([0, 255]))])]
        let dir = try journal(events, [("i", .sqlite(declared: "INTEGER")), ("r", .sqlite(declared: "REAL")),
                                       ("x", .sqlite(declared: ""))])
        for batch in [1, 100] {
            let path = try TestStores.sqlitePath()
            let sink = try SQLiteSink(path: path)
            try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: batch)).run()
            sink.close()
            let out = try sqliteRows(path, "SELECT id, typeof(i), typeof(r), quote(r), typeof(x), quote(x) FROM t ORDER BY id")
            XCTAssertEqual(out, ["1 integer real 22.0 integer 22", "2 null real 7.0 real 22.0",
                                 "3 null null NULL text '22'", "4 null null NULL blob X'00FF'"], "batch \(batch)")
        }
    }

    func testPostgresColumnTypeComesFromTheDeclarationNotTheFirstValue() throws {
        let db = try TestStores.postgresDatabase()
        // Northwind's "Order Details".UnitPrice: 14 first, then 9.8; a column whose first value is NULL.
        let events = [row(1, [("price", .int(14)), ("n", .null)]), row(2, [("price", .double(9.8)), ("n", .int(1))])]
        let dir = try journal(events, [("price", .sqlite(declared: "NUMERIC")), ("n", .sqlite(declared: "INTEGER"))])
        let sink = try PostgresSink(conninfo: db)
        defer { sink.close() }
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: 1)).run()
        let rows = try pgRows(db, "SELECT id || ' ' || price || ' ' || pg_typeof(price) || ' ' || coalesce(n::text, '-') || ' ' || pg_typeof(n) FROM t ORDER BY id")
        XCTAssertEqual(rows, ["1 14 numeric - bigint", "2 9.8 numeric 1 bigint"])
    }

    func testAValueThatDoesNotFitItsColumnIsAConflictNamingSeqKeyAndColumn() throws {
        let db = try TestStores.postgresDatabase()
        let events = [row(1, [("n", .int(5))]), row(2, [("n", .string("five"))]), row(3, [("n", .int(6))])]
        let dir = try journal(events, [("n", .sqlite(declared: "INTEGER"))])
        for attempt in 1...2 {
            let sink = try PostgresSink(conninfo: db)
            defer { sink.close() }
            XCTAssertThrowsError(try Replayer(journal: dir, sink: sink).run(), "attempt \(attempt)") { error in
                guard let e = error as? SinkError, case .refusedEvent(let seq, _, let entity, _, let checkpoint, _) = e else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual([seq, checkpoint], [2, 1])
                XCTAssertEqual(entity, "t")
                XCTAssertEqual(e.category, .badData)
                XCTAssertTrue(e.description.contains("key id=2"), e.description)
                XCTAssertTrue(e.description.contains("column n is bigint (declared int (INTEGER)), and text \"five\" does not fit"), e.description)
            }
        }
        XCTAssertEqual(try pgRows(db, "SELECT id || ' ' || n FROM t ORDER BY id"), ["1 5"])
    }

    func testAValueThatDoesNotFitAnUndeclaredColumnIsAConflictNamingTheColumnNotAnIOError() throws {
        let db = try TestStores.postgresDatabase()
        // A journal that declares nothing (events appended by hand): the column is created from the first value.
        let (dir, _) = try TestStores.journal([row(1, [("UnitPrice", .int(14))]), row(2, [("UnitPrice", .double(9.8))])])
        let sink = try PostgresSink(conninfo: db)
        defer { sink.close() }
        XCTAssertThrowsError(try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: 1)).run()) { error in
            guard let e = error as? SinkError, case .refusedEvent(let seq, _, _, _, _, _) = e else { return XCTFail("\(error)") }
            XCTAssertEqual(seq, 2)
            XCTAssertEqual(e.category, .badData)
            XCTAssertTrue(e.description.contains("key id=2"), e.description)
            XCTAssertTrue(e.description.contains("column UnitPrice is bigint (undeclared, created from an earlier value), and double 9.8 does not fit it; "
                                                 + "hint: declare the column's type in the mapping"), e.description)
        }
    }

    func testAnUndeclaredColumnFirstSeenNullIsNotTextWhateverTheBatchSize() throws {
        // A journal that declares nothing: a column's NULLs come first, its integers later.
        let (dir, _) = try TestStores.journal([row(1, [("n", .null), ("s", .string("a"))]), row(2, [("n", .null)]),
                                               row(3, [("n", .int(1)), ("s", .null)])])
        for batch in [1, 2, 100] {
            let db = try TestStores.postgresDatabase()
            let sink = try PostgresSink(conninfo: db)
            defer { sink.close() }
            try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: batch)).run()
            XCTAssertEqual(try pgRows(db, "SELECT id || ' ' || coalesce(n::text, '-') || ' ' || pg_typeof(n) || ' ' || coalesce(s, '-') FROM t ORDER BY id"),
                           ["1 - bigint a", "2 - bigint -", "3 1 bigint -"], "batch \(batch)")
        }
    }

    func testAColumnOfNoDeclaredTypeHoldsEachValueExactlyInPostgres() throws {
        let db = try TestStores.postgresDatabase()
        let events = [row(1, [("x", .int(1))]), row(2, [("x", .string("1"))]), row(3, [("x", .bytes([0, 255]))]),
                      row(4, [("x", .null)]), row(5, [("x", .decimal("10.50"))])]
        let dir = try journal(events, [("x", .sqlite(declared: ""))])
        let sink = try PostgresSink(conninfo: db)
        defer { sink.close() }
        try Replayer(journal: dir, sink: sink, options: ReplayOptions(batchSize: 1)).run()
        XCTAssertEqual(try pgRows(db, "SELECT id || ' ' || coalesce(x::text, '-') FROM t ORDER BY id"),
                       ["1 1", "2 \"1\"", "3 {\"bytes\": \"AP8=\"}", "4 -", "5 {\"decimal\": \"10.50\"}"])
    }

    func testANewColumnOfAnApplicationTableIsRefusedUnlessTheSinkEvolves() throws {
        let event = row(1, [("a", .string("x")), ("b", .int(2))], seq: 1)
        // SQLite
        let path = try TestStores.sqlitePath()
        let app = try Database(path: path)
        try app.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)")
        app.close()
        let fixed = try SQLiteSink(path: path)
        XCTAssertThrowsError(try fixed.apply([event], journalID: "j")) { error in
            XCTAssertEqual((error as? SinkError)?.category, .badData)
            XCTAssertTrue("\(error)".contains("no column b and Tandem did not create it"), "\(error)")
            XCTAssertTrue("\(error)".contains("\"schema\": \"evolve\""), "\(error)")
        }
        fixed.close()
        XCTAssertEqual(try sqliteRows(path, "SELECT group_concat(name, ',') FROM pragma_table_info('t')"), ["id,a"])
        let evolving = try SinkSpec.parse("{\"kind\":\"sqlite\",\"path\":\"\(path)\",\"schema\":\"evolve\"}").open()
        try evolving.apply([event], journalID: "j")
        evolving.close()
        XCTAssertEqual(try sqliteRows(path, "SELECT id, a, b FROM t"), ["1 x 2"])
        // PostgreSQL
        let db = try TestStores.postgresDatabase()
        try pgExec(db, "CREATE TABLE t (id bigint PRIMARY KEY, a text)")
        let pg = try PostgresSink(conninfo: db)
        XCTAssertThrowsError(try pg.apply([event], journalID: "j")) { error in
            XCTAssertEqual((error as? SinkError)?.category, .badData)
            XCTAssertTrue("\(error)".contains("no column b and Tandem did not create it"), "\(error)")
        }
        pg.close()
        let pgEvolving = try SinkSpec.parse("{\"kind\":\"postgres\",\"url\":\"postgres:///x\",\"schema\":\"evolve\"}")
        XCTAssertTrue(pgEvolving.evolve)
        let pg2 = try PostgresSink(conninfo: db, evolve: true)
        defer { pg2.close() }
        try pg2.apply([event], journalID: "j")
        XCTAssertEqual(try pgRows(db, "SELECT id || ' ' || a || ' ' || b FROM t"), ["1 x 2"])
        XCTAssertThrowsError(try SinkSpec.parse("{\"kind\":\"sqlite\",\"path\":\"a.db\",\"schema\":\"grow\"}"))
    }

    func testTablesTandemCreatedStillGainColumns() throws {
        let path = try TestStores.sqlitePath()
        let sink = try SQLiteSink(path: path)
        defer { sink.close() }
        try sink.apply([row(1, [("a", .string("x"))], seq: 1)], journalID: "j")
        try sink.apply([row(2, [("a", .string("y")), ("b", .int(3))], seq: 2)], journalID: "j")
        XCTAssertEqual(try sqliteRows(path, "SELECT id, a, coalesce(b, '-') FROM t ORDER BY id"), ["1 x -", "2 y 3"])
    }

    func testTandemTablesSQLMatchesSchemaFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("schemas/sql/tables.sqlite.sql"), encoding: .utf8), DeclaredSchema.tablesSQLite + "\n")
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("schemas/sql/tables.postgres.sql"), encoding: .utf8), DeclaredSchema.tablesPostgres + "\n")
    }

    func sqliteRows(_ path: String, _ sql: String) throws -> [String] {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        let s = try db.prepare(sql)
        var out: [String] = []
        while try s.step() {
            out.append((0..<s.columnCount).map { i -> String in
                switch s.value(at: Int32(i)) {
                case .null: return "NULL"
                case .int(let v): return String(v)
                case .double(let d): return String(d)
                case .string(let t): return t
                case .bytes(let b): return "\(b)"
                default: return "?"
                }
            }.joined(separator: " "))
        }
        return out
    }

    func pgRows(_ db: String, _ sql: String) throws -> [String] {
        let c = try PostgresConnection(conninfo: db, redactor: PostgresRedactor(conninfo: db))
        defer { c.close() }
        let r = try c.query(sql)
        return (0..<r.count).map { r[$0, 0] ?? "NULL" }
    }

    func pgExec(_ db: String, _ sql: String) throws {
        let c = try PostgresConnection(conninfo: db, redactor: PostgresRedactor(conninfo: db))
        defer { c.close() }
        try c.query(sql)
    }
}

import Foundation
import XCTest
import TandemCore
import TandemJournal
import TandemSQLite
import TandemPipeline
@testable import TandemSources
import TandemTesting

/// Promise (issue 10, "Schema: from declared types"): ingest records each entity's declared column types —
/// the mapping's `type` first, else the source's own (SQLite's declared types, Debezium's schema blocks) —
/// in the journal before the entity's changes, so replay never has to guess a type from a value.
final class DeclaredSchemaIngestTests: XCTestCase {
    var dir = ""
    var journalDir: String { dir + "/journal" }

    override func setUp() {
        dir = makeTempDir()
        try! Journal.create(at: journalDir, options: JournalOptions(logger: { _ in }))
    }
    override func tearDown() { removeDir(dir) }

    func ingest(_ source: any ChangeSource, mapping: Mapping = .passThrough) throws {
        let writer = try JournalWriter(directory: journalDir, options: JournalOptions(logger: { _ in }))
        defer { writer.close() }
        try Ingestor(source: source, journal: writer, quarantine: try Quarantine(journal: journalDir), mapping: mapping).run(once: true)
    }

    func shown(_ s: EntitySchema?) -> String {
        guard let s else { return "(none)" }
        return s.entity + " key(" + s.key.joined(separator: ",") + "): "
            + zip(s.columns, s.types).map { "\($0) \($1)" }.joined(separator: ", ")
    }

    func testIngestRecordsTheSQLiteDeclaredTypesWithTheMappingsTypeFirst() throws {
        let db = dir + "/legacy.db"
        let d = try Database(path: db)
        try d.execute("CREATE TABLE [Order Details] (OrderID INTEGER NOT NULL, ProductID INTEGER NOT NULL, UnitPrice NUMERIC NOT NULL, "
                      + "Discount REAL, Placed DATETIME, Note, Legacy TEXT, PRIMARY KEY (OrderID, ProductID))")
        try ChangeTableTriggers.install(db: d, tables: ["Order Details"])
        try d.execute("INSERT INTO [Order Details] VALUES (10248, 11, 14, 0, '1996-07-04', NULL, 'x')")
        d.close()
        let mapping = try Mapping.parse(Data("""
            {"entities": {"Order Details": {"target": "order_lines", "columns": {
                "Placed": {"type": "timestamp"}, "Legacy": {"drop": true}, "Note": {"rename": "note"}}}}}
            """.utf8))
        try ingest(SQLiteChangeLogSource(.init(path: db, log: { _ in })), mapping: mapping)
        let catalog = try Journal.entitySchemas(at: journalDir)
        XCTAssertEqual(shown(catalog.schema(of: "order_lines")),
                       "order_lines key(OrderID,ProductID): OrderID int (INTEGER), ProductID int (INTEGER), UnitPrice decimal (NUMERIC), "
                       + "Discount double (REAL), Placed timestamp, note any")
        XCTAssertNil(catalog.schema(of: "Order Details"))
    }

    func testIngestRecordsTheTypesOfADebeziumSchemaBlock() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/debezium/typed-with-schema.jsonl")
        try ingest(JSONLinesSource(.init(path: fixture.path, format: .debezium)))
        let s = try XCTUnwrap(try Journal.entitySchemas(at: journalDir).schema(of: "orders"))
        XCTAssertEqual(s.type(of: "id")?.kind, .int)
        XCTAssertEqual(s.type(of: "total"), ColumnType(kind: .decimal, precision: 10, scale: 2))
        XCTAssertEqual(s.type(of: "created")?.kind, .timestamp)
        XCTAssertEqual(s.type(of: "rate")?.kind, .decimal)
        XCTAssertEqual(s.type(of: "paid")?.kind, .bool)
        XCTAssertEqual(s.type(of: "weight")?.kind, .double)
    }
}

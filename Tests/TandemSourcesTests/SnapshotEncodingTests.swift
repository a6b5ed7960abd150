import Foundation
import XCTest
import TandemCore
import TandemJournal
import TandemSQLite
import TandemPipeline
@testable import TandemSources

/// The snapshot's encoded rows (`SnapshotRowEncoder`, no `Event` per row) journal exactly the events of the
/// event-per-row path, for every SQLite storage class and the rows the checks refuse.
final class SnapshotEncodingTests: XCTestCase {
    var dir = ""
    var dbPath: String { dir + "/legacy.db" }

    override func setUp() {
        dir = makeTempDir()
        let db = try! Database(path: dbPath)
        try! db.execute("""
            CREATE TABLE every (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n NUMERIC, anything);
            INSERT INTO every VALUES
              (1, 0, 0.0, '', X'', NULL, NULL),
              (2, 9223372036854775807, -0.0, 'héllo wörld ✓, longer than a small string', X'00ff10', 1.5, 'x'),
              (3, -9223372036854775808, 4.9e-324, CAST(X'ff41c3' AS TEXT), zeroblob(40), 10, X'01'),
              (4, NULL, 1e999, 'plain ascii text that is longer than fifteen bytes', NULL, '12.50', 7),
              (5, -1, -1e999, 'a', X'', 'text', 2.5),
              (6, 42, 16.493399999999998, 'tab	and "quotes" \\ and ;snapshot:', randomblob(300), -0.0, ''),
              (7, 7, 4.7250000000000005, CAST(X'610062' AS TEXT), X'ff', 1e-300, NULL),
              (8, 8, 2.2250738585072014e-308, 'ok', X'00', 3, 1.7976931348623157e308),
              (9, NULL, NULL, NULL, NULL, NULL, NULL),
              (10, 10, 0.1, '日本語のテキスト', X'0102', 0.30000000000000004, 'z'),
              (11, 11, 1e22, 'x', X'', 1, 1),
              (12, 12, -123.456, 'y', X'', 2, 2);
            CREATE TABLE pairs (a INTEGER, b TEXT, v REAL, PRIMARY KEY (a, b)) WITHOUT ROWID;
            INSERT INTO pairs VALUES (1, 'x', 0.5), (1, 'y', NULL), (2, '', -2.5), (2, 'é', 1e-310), (3, 'a;b', 3);
            CREATE TABLE named (k TEXT PRIMARY KEY, v BLOB);
            INSERT INTO named VALUES ('alpha', X'aa'), ('a;snapshot:"x"', NULL), ('ÉCOLE', X''), ('zed', 'text in a blob column');
            CREATE TABLE mixed (k PRIMARY KEY, v);
            INSERT INTO mixed VALUES (1, 'one'), (2, 'two'), ('three', 3), (4.5, 'four and a half'), (X'05', 'five');
            """)
        try! ChangeTableTriggers.install(db: db, tables: ["every", "pairs", "named", "mixed"])
        db.close()
    }

    override func tearDown() { removeDir(dir) }

    /// Snapshots every table into a new journal; returns its events and the run's summary.
    private func snapshot(encoded: Bool, into journal: String) throws -> ([Event], Ingestor.Summary) {
        try Journal.create(at: journal)
        var s = SQLiteSnapshotSource.Settings(path: dbPath, journal: journal)
        s.encodesRows = encoded
        s.maxChunkRows = 5
        s.batchRows = 7
        s.log = { _ in }
        let source = SQLiteSnapshotSource(s)
        let w = try JournalWriter(directory: journal)
        let summary = try Ingestor(source: source, journal: w, quarantine: try Quarantine(journal: journal)).run(once: true)
        source.close()
        w.close()
        let r = try JournalReader(directory: journal)
        var events: [Event] = []
        while let e = try r.next() { events.append(e) }
        return (events, summary)
    }

    func testEncodedRowsJournalTheSameEventsAsAnEventPerRow() throws {
        let (fast, fastSummary) = try snapshot(encoded: true, into: dir + "/fast")
        let (slow, slowSummary) = try snapshot(encoded: false, into: dir + "/slow")
        XCTAssertEqual(fast.count, slow.count)
        for (a, b) in zip(fast, slow) {
            XCTAssertEqual(a, b)
            // Equal events could still differ in a double's sign or NaN payload: compare the journal's bytes.
            XCTAssertEqual(EventBinaryCodec.encode(a), EventBinaryCodec.encode(b), "\(a.entity) \(a.key)")
        }
        XCTAssertEqual(fastSummary.journaled, slowSummary.journaled)
        XCTAssertEqual(fastSummary.quarantined, slowSummary.quarantined)
        XCTAssertEqual(fastSummary.position, slowSummary.position)
        // What both hold: every row but the NUL text (row 7 of `every`) and the keys of another kind than the
        // first of `mixed` (an integer key): 'three', 4.5 and X'05' are quarantined.
        XCTAssertEqual(fast.count, 12 - 1 + 5 + 4 + 2)
        XCTAssertEqual(fastSummary.quarantined, 4)
        let every = fast.filter { $0.entity == "every" }
        XCTAssertEqual(every.first { $0.key["id"] == .int(3) }?.after?["t"], .string("\u{FFFD}A\u{FFFD}"), "invalid UTF-8 repaired as before")
        XCTAssertEqual(every.first { $0.key["id"] == .int(6) }?.after?["r"], .double(16.493399999999998), "doubles bit-exact")
        XCTAssertEqual(every.first { $0.key["id"] == .int(3) }?.after?["r"], .double(4.9e-324))
        XCTAssertEqual(every.first { $0.key["id"] == .int(4) }?.after?["r"], .double(.infinity))
        XCTAssertEqual(fast.first?.origin, "legacy")
        XCTAssertEqual(fast.first { $0.entity == "pairs" }?.key, Row([("a", .int(1)), ("b", .string("x"))]))
    }

    /// The encoded path is the one taken: a chunk is one record holding its rows, checked as uniform.
    func testAChunkIsOneEncodedRecordOfUniformRows() throws {
        try FileManager.default.createDirectory(atPath: dir + "/journal", withIntermediateDirectories: true)
        var s = SQLiteSnapshotSource.Settings(path: dbPath, journal: dir + "/journal")
        s.tables = ["every"]
        s.maxChunkRows = 5
        s.batchRows = 5
        s.log = { _ in }
        let source = SQLiteSnapshotSource(s)
        defer { source.close() }
        try source.open(after: nil)
        let records = try source.read(limit: 100, wait: nil, stop: nil)
        XCTAssertEqual(records.count, 1)
        let encoded = try XCTUnwrap(records.first?.encoded)
        XCTAssertEqual(encoded.count, 5)
        XCTAssertTrue(encoded.uniform)
        XCTAssertEqual(records[0].position, encoded.events().last?.sourcePosition)
        let next = try source.read(limit: 100, wait: nil, stop: nil)
        XCTAssertEqual(next.first?.encoded?.uniform, false, "row 7's text holds a NUL: its chunk is checked row by row")
    }
}

import Foundation
import TandemTesting
import XCTest
import TandemCore
import TandemJournal
import TandemSQLite
import TandemSinks
import TandemSources
@testable import TandemPipeline

/// Reverse replication: a write on the new store reaches the legacy store through the mapping in reverse, for
/// the given tenants only; a dropped legacy column keeps its value.
final class ReverseFlowTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-reverse-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    let mapping = try! Mapping.parse(Data(#"""
    {"entities": {"Track": {"target": "tracks", "tenant": "tenant", "columns": {
      "TrackId": "id", "Name": {"rename": "name", "transforms": ["trim"]},
      "UnitPrice": {"rename": "unit_price", "type": "decimal"}, "Tenant": "tenant",
      "Added": {"rename": "added_at", "transforms": [{"parseTimestamp": "%Y-%m-%d %H:%M:%S", "zone": "Europe/Berlin"}]},
      "Bytes": {"drop": true}}}}}
    """#.utf8))

    func rows(_ db: Database, _ sql: String) throws -> [String] {
        let st = try db.prepare(sql)
        var out: [String] = []
        while try st.step() { out.append((0..<st.columnCount).map { "\(st.value(at: $0))" }.joined(separator: "|")) }
        return out
    }

    func testAWriteOnTheNewStoreReachesTheLegacyStoreForTheGivenTenantsOnly() throws {
        let legacyPath = dir + "/legacy.db", newPath = dir + "/new.db"
        let legacy = try Database(path: legacyPath)
        try legacy.execute("""
            CREATE TABLE Track (TrackId INTEGER PRIMARY KEY, Name TEXT NOT NULL, UnitPrice NUMERIC(10,2), Tenant TEXT,
                                Added DATETIME, Bytes INTEGER);
            INSERT INTO Track VALUES (1, 'For Those About To Rock', 0.99, 'acme', '2009-01-01 10:00:00', 11170334),
                                     (2, 'Balls to the Wall', 0.99, 'globex', '2009-01-02 10:00:00', 5510424);
            """)
        let new = try Database(path: newPath)
        try new.execute("""
            CREATE TABLE tracks (id INTEGER PRIMARY KEY, name TEXT NOT NULL, unit_price TEXT, tenant TEXT, added_at TEXT);
            INSERT INTO tracks VALUES (1, 'For Those About To Rock', '0.99', 'acme', '2009-01-01T09:00:00Z'),
                                      (2, 'Balls to the Wall', '0.99', 'globex', '2009-01-02T09:00:00Z');
            """)
        try ChangeTableTriggers.install(db: new, tables: ["tracks"])

        // The application writes to the new store: tenant acme is cut over, globex is not.
        try new.execute("UPDATE tracks SET name = 'Rock (remastered)', unit_price = '1.29', added_at = '2024-07-01T08:30:00Z' WHERE id = 1")
        try new.execute("INSERT INTO tracks VALUES (3, 'Fast As a Shark', '0.99', 'acme', '2024-12-24T17:00:00Z')")
        try new.execute("UPDATE tracks SET name = 'not cut over' WHERE id = 2")

        var settings = ReverseFlow.Settings(source: try SourceSpec.parse("sqlite-changelog:\(newPath)"), journal: dir + "/reverse-journal",
                                            legacy: try SinkSpec.parse("sqlite:\(legacyPath)"), tenants: ["acme"])
        settings.legacySchemas = try SQLiteChangeLogSource.declaredSchemas(legacy, tables: ["Track"])
        let flow = try ReverseFlow(mapping: mapping, settings: settings)
        let pass = try flow.runOnce()
        XCTAssertEqual(pass, ReverseFlow.Pass(journaled: 3, quarantined: 0, applied: 2, filtered: 1))

        XCTAssertEqual(try rows(legacy, "SELECT TrackId, Name, UnitPrice, typeof(UnitPrice), Tenant, Added, Bytes FROM Track ORDER BY TrackId"), [
            // Summer time in Berlin: 08:30 UTC is 10:30; the dropped column Bytes keeps its legacy value.
            "int(1)|string(\"Rock (remastered)\")|double(1.29)|string(\"real\")|string(\"acme\")|string(\"2024-07-01 10:30:00\")|int(11170334)",
            "int(2)|string(\"Balls to the Wall\")|double(0.99)|string(\"real\")|string(\"globex\")|string(\"2009-01-02 10:00:00\")|int(5510424)",
            "int(3)|string(\"Fast As a Shark\")|double(0.99)|string(\"real\")|string(\"acme\")|string(\"2024-12-24 18:00:00\")|null",
        ])
        // Journaled with origin "new" and legacy names.
        let reader = try JournalReader(directory: settings.journal)
        var events: [Event] = []
        while let e = try reader.next() { events.append(e) }
        XCTAssertEqual(events.map(\.origin), ["new", "new", "new"])
        XCTAssertEqual(events.map(\.entity), ["Track", "Track", "Track"])
        XCTAssertEqual(events.map(\.tenant), ["acme", "acme", "globex"])

        // Nothing new on the new store: a second pass journals and applies nothing.
        XCTAssertEqual(try flow.runOnce(), ReverseFlow.Pass(journaled: 0, quarantined: 0, applied: 0, filtered: 0))
        legacy.close(); new.close()
    }

    func testAChangeThatCannotGoBackIsQuarantinedNotDropped() throws {
        let legacyPath = dir + "/legacy.db", newPath = dir + "/new.db"
        let legacy = try Database(path: legacyPath)
        try legacy.execute("CREATE TABLE Track (TrackId INTEGER PRIMARY KEY, Name TEXT NOT NULL, UnitPrice NUMERIC(10,2), Tenant TEXT, Added DATETIME, Bytes INTEGER)")
        let new = try Database(path: newPath)
        try new.execute("CREATE TABLE tracks (id INTEGER PRIMARY KEY, name TEXT NOT NULL, unit_price TEXT, tenant TEXT, added_at TEXT)")
        try ChangeTableTriggers.install(db: new, tables: ["tracks"])
        try new.execute("INSERT INTO tracks VALUES (7, 'x', '0.99', 'acme', 'not a time')")
        let settings = ReverseFlow.Settings(source: try SourceSpec.parse("sqlite-changelog:\(newPath)"), journal: dir + "/reverse-journal",
                                            legacy: try SinkSpec.parse("sqlite:\(legacyPath)"), tenants: ["acme"])
        let pass = try ReverseFlow(mapping: mapping, settings: settings).runOnce()
        XCTAssertEqual(pass, ReverseFlow.Pass(journaled: 0, quarantined: 1, applied: 0, filtered: 0))
        let entries = try Quarantine(journal: settings.journal).list()
        XCTAssertEqual(entries.count, 1)
        XCTAssertEqual(entries.first?.rule, "reverse")
        XCTAssertEqual(entries.first?.column, "added_at")
        legacy.close(); new.close()
    }
}

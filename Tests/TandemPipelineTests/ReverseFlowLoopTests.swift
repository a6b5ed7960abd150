import Foundation
import TandemTesting
import XCTest
import TandemCore
import TandemJournal
import TandemSQLite
import TandemSinks
import TandemSources
@testable import TandemPipeline

/// Forward (legacy → new) and reverse (new → legacy) flows running together with writers on both stores: no
/// change loops (each journal holds exactly the writes made on its side), and both stores agree.
///
/// The sinks' applying transactions hold the marker (`ApplyingMarker`), which the capture triggers skip.
final class ReverseFlowLoopTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-loop-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    let mapping = try! Mapping.parse(Data(#"""
    {"entities": {"Track": {"target": "tracks", "tenant": "tenant", "columns": {
      "TrackId": "id", "Name": "name", "UnitPrice": {"rename": "unit_price", "type": "decimal", "reverse": {"type": "double"}},
      "Tenant": "tenant"}}}}
    """#.utf8))

    func count(_ db: Database, _ sql: String) throws -> Int64 {
        guard case .int(let n)? = try db.scalar(sql) else { return -1 }
        return n
    }

    func events(_ journal: String) throws -> Int {
        let r = try JournalReader(directory: journal)
        var n = 0
        while try r.next() != nil { n += 1 }
        return n
    }

    func testWritersOnBothStoresLoopNothingAndTheStoresAgree() throws {
        let legacyPath = dir + "/legacy.db", newPath = dir + "/new.db"
        let legacy = try Database(path: legacyPath), new = try Database(path: newPath)
        try legacy.execute("CREATE TABLE Track (TrackId INTEGER PRIMARY KEY, Name TEXT NOT NULL, UnitPrice NUMERIC(10,2), Tenant TEXT)")
        try new.execute("CREATE TABLE tracks (id INTEGER PRIMARY KEY, name TEXT NOT NULL, unit_price NUMERIC, tenant TEXT)")
        try ChangeTableTriggers.install(db: legacy, tables: ["Track"])
        try ChangeTableTriggers.install(db: new, tables: ["tracks"])
        let forwardJournal = dir + "/journal", sinkNew = try SinkSpec.parse("sqlite:\(newPath)")
        try Journal.create(at: forwardJournal)
        func forward() throws {
            let w = try JournalWriter(directory: forwardJournal)
            defer { w.close() }
            let source = try SourceSpec.parse("sqlite-changelog:\(legacyPath)").makeSource()
            defer { source.close() }
            try Ingestor(source: source, journal: w, quarantine: Quarantine(journal: forwardJournal), mapping: mapping).run(once: true)
            let sink = try sinkNew.open()
            defer { sink.close() }
            try Replayer(journal: forwardJournal, sink: sink).run()
        }
        let reverse = try ReverseFlow(mapping: mapping, settings: .init(
            source: try SourceSpec.parse("sqlite-changelog:\(newPath)"), journal: dir + "/reverse-journal",
            legacy: try SinkSpec.parse("sqlite:\(legacyPath)"), tenants: ["acme"]))

        try legacy.execute("INSERT INTO Track VALUES (1, 'Balls to the Wall', 0.99, 'globex'), (2, 'Fast As a Shark', 0.99, 'acme')")
        try forward()
        XCTAssertEqual(try count(new, "SELECT count(*) FROM _tandem_changes"), 0,
                       "the forward sink's own writes were captured on the new store (the _tandem_applying marker)")
        var legacyWrites = 2, newWrites = 0
        for round in 1...3 {
            try legacy.execute("UPDATE Track SET Name = 'legacy \(round)' WHERE TrackId = 1"); legacyWrites += 1
            try new.execute("UPDATE tracks SET name = 'new \(round)', unit_price = \(round).5 WHERE id = 2"); newWrites += 1
            try new.execute("INSERT INTO tracks VALUES (\(10 + round), 'new track \(round)', 0.99, 'acme')"); newWrites += 1
            try forward()
            _ = try reverse.runOnce()
            try forward()
            _ = try reverse.runOnce()
            XCTAssertEqual(try events(forwardJournal), legacyWrites, "round \(round): the forward journal holds more than the legacy writes")
            XCTAssertEqual(try events(dir + "/reverse-journal"), newWrites, "round \(round): the reverse journal holds more than the new writes")
        }
        let legacyView = try count(legacy, "SELECT count(*) FROM Track"), newView = try count(new, "SELECT count(*) FROM tracks")
        XCTAssertEqual(legacyView, newView)
        XCTAssertEqual(try count(legacy, "SELECT count(*) FROM Track t JOIN (SELECT 1) WHERE t.Name = 'new 3' AND t.UnitPrice = 3.5"), 1)
        XCTAssertEqual(try count(new, "SELECT count(*) FROM tracks WHERE name = 'legacy 3'"), 1)
        legacy.close(); new.close()
    }
}

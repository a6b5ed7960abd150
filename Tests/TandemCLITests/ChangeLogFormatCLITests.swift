import Foundation
import XCTest
import TandemCore
import TandemTesting

/// Change-log formats end to end: `tandem ingest` of a fixture, `tandem replay` into a SQLite file, the rows read
/// back with sqlite3.
final class ChangeLogFormatCLITests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../TandemSourcesTests/Fixtures").standardized

    /// Ingests a fixture in a format and replays it into a new SQLite file; returns the file.
    func ingestAndReplay(_ fixture: String, format: String, dir: URL) throws -> String {
        let j = dir.appendingPathComponent("j").path
        let db = dir.appendingPathComponent("t.db").path
        let path = ChangeLogFormatCLITests.fixtures.appendingPathComponent(fixture).path
        let i = try CLI.run(["ingest", "--source", "jsonl:\(path)?\(format)", "--journal", j, "--once"])
        XCTAssertEqual(i.status, 0, i.stderr)
        let r = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return db
    }

    /// Debezium's TOAST placeholder in an update means "unchanged": the stored text survives (the insert that
    /// carries one is quarantined, not written).
    func testAnUnchangedToastColumnKeepsItsStoredValue() throws {
        let dir = try temporaryDirectory(self)
        let db = try ingestAndReplay("debezium/postgres-toast.jsonl", format: "format=debezium", dir: dir)
        XCTAssertEqual(try sqlite3(db, #"SELECT id, title, body FROM "public.articles" ORDER BY id"#),
                       "1|Tandem, second edition|a long text kept in TOAST storage\n")
    }

    /// Maxwell's lines land as rows: insert, update, delete in one transaction, a bootstrap, a declared key.
    func testMaxwellChangesReachTheTarget() throws {
        let dir = try temporaryDirectory(self)
        let db = try ingestAndReplay("maxwell/changes.jsonl", format: "format=maxwell", dir: dir)
        XCTAssertEqual(try sqlite3(db, #"SELECT id, daemon FROM "test.maxwell" ORDER BY id"#), "2|Rorschach\n")
        XCTAssertEqual(try sqlite3(db, #"SELECT order_no, total FROM "shop.orders""#), "A-7|12.5\n")
    }

    /// wal2json format-version 2 lines land as rows, deletes by their identity, a truncate empties its table.
    func testWal2jsonChangesReachTheTarget() throws {
        let dir = try temporaryDirectory(self)
        let db = try ingestAndReplay("wal2json/format-version-2.jsonl", format: "format=wal2json", dir: dir)
        XCTAssertEqual(try sqlite3(db, #"SELECT id, name, price, opens, hex(photo), active FROM "public.products" ORDER BY id"#),
                       "2|skates||||\n")
    }
}

import Foundation
import TandemTesting
import XCTest
import TandemCore
import TandemSQLite
@testable import TandemSources

/// Echo-free capture on SQLite: a write inside a transaction that holds a row in `_tandem_applying` (Tandem's
/// own applying transaction) is not recorded; the same write without it is.
final class EchoFreeCaptureTests: XCTestCase {
    var dir = ""
    var dbPath: String { dir + "/store.db" }

    override func setUp() { dir = makeTempDir() }
    override func tearDown() { removeDir(dir) }

    func changes(_ db: Database) throws -> [String] {
        let st = try db.prepare("SELECT op || ' ' || key FROM _tandem_changes ORDER BY id")
        var out: [String] = []
        while try st.step() { out.append(st.text(0)) }
        return out
    }

    func testAWriteWithTheMarkerIsNotCapturedAndWithoutItIs() throws {
        let db = try Database(path: dbPath)
        try db.execute("CREATE TABLE tracks (id INTEGER PRIMARY KEY, name TEXT, unit_price NUMERIC(10,2))")
        try ChangeTableTriggers.install(db: db, tables: ["tracks"])
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM _tandem_applying"), .int(0), "install creates the marker table")

        // Tandem's applying transaction: marker in, writes, marker out, commit.
        try db.transaction {
            try db.execute("INSERT INTO _tandem_applying (id) VALUES (1)")
            try db.execute("INSERT INTO tracks VALUES (1, 'Balls to the Wall', 0.99)")
            try db.execute("UPDATE tracks SET unit_price = 1.99 WHERE id = 1")
            try db.execute("INSERT INTO tracks VALUES (2, 'Fast As a Shark', 0.99)")
            try db.execute("DELETE FROM tracks WHERE id = 2")
            try db.execute("DELETE FROM _tandem_applying")
        }
        XCTAssertEqual(try changes(db), [], "Tandem's own writes were captured back")
        XCTAssertEqual(try db.scalar("SELECT unit_price FROM tracks WHERE id = 1"), .double(1.99))

        // The application's writes, after the marker is gone, are captured.
        try db.execute("UPDATE tracks SET name = 'Restless and Wild' WHERE id = 1")
        try db.execute("INSERT INTO tracks VALUES (3, 'Princess of the Dawn', 0.99)")
        try db.execute("DELETE FROM tracks WHERE id = 3")
        XCTAssertEqual(try changes(db), [#"update {"id":1}"#, #"insert {"id":3}"#, #"delete {"id":3}"#])

        // Another connection never sees the marker of an applying transaction that is still open.
        let other = try Database(path: dbPath)
        try db.execute("BEGIN IMMEDIATE")
        try db.execute("INSERT INTO _tandem_applying (id) VALUES (1)")
        XCTAssertEqual(try other.scalar("SELECT count(*) FROM _tandem_applying"), .int(0))
        try db.execute("INSERT INTO tracks VALUES (4, 'Put The Finger On You', 0.99)")
        try db.execute("DELETE FROM _tandem_applying")
        try db.execute("COMMIT")
        XCTAssertEqual(try changes(other).count, 3)
        other.close(); db.close()
    }

    func testTheSourceWarnsAboutTriggersThatWouldCaptureTandemsOwnWrites() throws {
        let db = try Database(path: dbPath)
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["t"])
        // A trigger as the version before the marker wrote it (the same SQL without the WHEN clause).
        let sql = try db.scalar("SELECT sql FROM sqlite_master WHERE name = '_tandem_t_insert'")
        guard case .string(let text)? = sql else { return XCTFail("no trigger") }
        try db.execute("DROP TRIGGER _tandem_t_insert")
        try db.execute(text.replacingOccurrences(of: " " + ChangeTableTriggers.notApplying, with: ""))
        db.close()
        let log = LogLines()
        let s = SQLiteChangeLogSource(.init(path: dbPath, log: { log.add($0) }))
        try s.open(after: nil)
        s.close()
        XCTAssertEqual(log.all.count, 1, "\(log.all)")
        XCTAssertTrue(log.all.first?.contains("the triggers on t do not skip Tandem's own writes (_tandem_applying)") == true, "\(log.all)")
    }
}

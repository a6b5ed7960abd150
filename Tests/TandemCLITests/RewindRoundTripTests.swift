import Foundation
import XCTest
import TandemTesting

/// Issue 10: a Chinook-like legacy SQLite database captured by triggers, replayed, rewound to a middle seq and
/// compared with a copy of the source taken there, then replayed forward and compared again.
final class RewindRoundTripTests: XCTestCase {
    private func rows(_ db: String, _ table: String, _ columns: String) throws -> String {
        try sqlite3(db, "SELECT \(columns) FROM \(table) ORDER BY 1")
    }

    /// Promise: rewinding a store to seq N gives exactly the source's state when the journal ended at N, also
    /// for rows deleted with every other column null, rows deleted and inserted again, and columns set to null.
    func testRewindToAMiddleSeqEqualsTheSourceThenAndReplayForwardEqualsItNow() throws {
        let dir = try temporaryDirectory(self)
        let legacy = dir.appendingPathComponent("legacy.db").path, mid = dir.appendingPathComponent("mid.db").path
        let j = dir.appendingPathComponent("j").path, target = dir.appendingPathComponent("new.db").path
        _ = try sqlite3(legacy, """
            CREATE TABLE artists (id INTEGER PRIMARY KEY, name TEXT);
            CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT NOT NULL, artist_id INTEGER);
            CREATE TABLE tracks (id INTEGER PRIMARY KEY, name TEXT, album_id INTEGER, composer TEXT, ms INTEGER);
            """)
        let install = try CLI.run(["source", "install-triggers", "--db", legacy, "--tables", "artists,albums,tracks"])
        XCTAssertEqual(install.status, 0, install.stderr)
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let ingest = ["ingest", "--source", "sqlite-changelog:\(legacy)", "--journal", j, "--once"]
        _ = try sqlite3(legacy, """
            INSERT INTO artists VALUES (1, 'AC/DC'), (2, 'Accept'), (3, NULL);
            INSERT INTO albums VALUES (1, 'For Those About To Rock', 1), (2, 'Balls to the Wall', 2), (3, 'Restless', 2);
            INSERT INTO tracks VALUES (1, 'For Those About To Rock', 1, 'Angus Young', 343719),
              (2, 'Balls to the Wall', 2, NULL, 342562), (3, 'Fast As a Shark', 3, 'F. Baltes', 230619), (4, NULL, NULL, NULL, NULL);
            UPDATE tracks SET composer = 'U. Dirkschneider' WHERE id = 2;
            UPDATE albums SET title = 'Restless and Wild' WHERE id = 3;
            DELETE FROM tracks WHERE id = 3;
            """)
        XCTAssertEqual(try CLI.run(ingest).status, 0)
        let middle = try XCTUnwrap(UInt64(try sqlite3(legacy, "SELECT max(id) FROM _tandem_changes")
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        _ = try sqlite3(legacy, "VACUUM INTO '\(mid)'")
        _ = try sqlite3(legacy, """
            UPDATE tracks SET composer = NULL, ms = 1 WHERE id = 1;
            DELETE FROM tracks WHERE id = 4;
            INSERT INTO tracks VALUES (3, 'Fast As a Shark (live)', 3, NULL, 1000);
            UPDATE artists SET name = 'Accept!' WHERE id = 2;
            DELETE FROM artists WHERE id = 3;
            INSERT INTO artists VALUES (4, 'Aerosmith');
            DELETE FROM albums WHERE id = 1;
            UPDATE albums SET artist_id = NULL WHERE id = 2;
            """)
        XCTAssertEqual(try CLI.run(ingest).status, 0)
        let replay = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(target)"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let tables = [("artists", "id, name"), ("albums", "id, title, artist_id"), ("tracks", "id, name, album_id, composer, ms")]
        for (t, c) in tables { XCTAssertEqual(try rows(target, t, c), try rows(legacy, t, c), t) }

        let rewind = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(target)", "--to", "\(middle)"])
        XCTAssertEqual(rewind.status, 0, rewind.stderr)
        for (t, c) in tables { XCTAssertEqual(try rows(target, t, c), try rows(mid, t, c), "\(t) at seq \(middle)") }

        XCTAssertEqual(try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(target)"]).status, 0)
        for (t, c) in tables { XCTAssertEqual(try rows(target, t, c), try rows(legacy, t, c), "\(t) forward again") }
    }
}

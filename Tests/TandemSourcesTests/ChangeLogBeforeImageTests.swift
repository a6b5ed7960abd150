import Foundation
import XCTest
import TandemCore
import TandemSQLite
@testable import TandemSources
import TandemTesting

/// Issue 10: the sqlite-changelog source vouches for its before-images (the triggers record the whole OLD row).
final class ChangeLogBeforeImageTests: XCTestCase {
    /// Promise: updates and deletes read from the change table are marked `beforeComplete`, so a rewind
    /// restores them even where every other column is null; inserts carry no before-image to vouch for.
    func testTriggerBeforeImagesAreMarkedComplete() throws {
        let dir = makeTempDir()
        defer { removeDir(dir) }
        let path = dir + "/legacy.db"
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL)")
        try ChangeTableTriggers.install(db: db, tables: ["t"])
        try db.execute("INSERT INTO t VALUES (1, NULL, NULL); UPDATE t SET a = 'x' WHERE id = 1; DELETE FROM t WHERE id = 1;")
        let s = SQLiteChangeLogSource(.init(path: path))
        try s.open(after: nil)
        let events = try s.read(limit: 10, wait: nil, stop: nil).compactMap(\.change)
        XCTAssertEqual(events.map(\.op), [.insert, .update, .delete])
        XCTAssertEqual(events.map(\.beforeComplete), [false, true, true])
        XCTAssertEqual(events[1].before, ["id": .int(1), "a": .null, "b": .null])
    }
}

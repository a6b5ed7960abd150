import Foundation
import XCTest
import TandemCore
import TandemSQLite
@testable import TandemSources
import TandemTesting

/// The trigger-fed change table of a real SQLite database, read by the sqlite-changelog source.
final class SQLiteChangeLogTests: XCTestCase {
    var dir = ""
    var dbPath: String { dir + "/legacy.db" }

    override func setUp() {
        dir = makeTempDir()
        let db = try! Database(path: dbPath)
        try! db.execute("""
            CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL, photo BLOB);
            CREATE TABLE lines (order_id INTEGER, line INTEGER, qty INTEGER, PRIMARY KEY (order_id, line));
            CREATE TABLE notes (body TEXT NOT NULL UNIQUE);
            """)
        db.close()
    }

    override func tearDown() { removeDir(dir) }

    func testTriggersRecordEveryChangeAndTheLegacyWritesStillWork() throws {
        let db = try Database(path: dbPath)
        try ChangeTableTriggers.install(db: db, tables: ["customers", "lines", "notes"])
        XCTAssertEqual(try ChangeTableTriggers.installedTables(db: db), ["customers", "lines", "notes"])
        try db.execute("""
            INSERT INTO customers VALUES (1, 'Anna', 10.5, x'00ff');
            UPDATE customers SET name = 'Anne' WHERE id = 1;
            INSERT INTO lines VALUES (7, 1, 3);
            INSERT INTO notes VALUES ('hello');
            DELETE FROM customers WHERE id = 1;
            """)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM customers"), .int(0), "the legacy writes went through")
        let s = SQLiteChangeLogSource(.init(path: dbPath))
        try s.open(after: nil)
        let r = try s.read(limit: 100, wait: nil, stop: nil)
        let events = r.compactMap(\.change)
        XCTAssertEqual(events.map(\.op), [.insert, .update, .insert, .insert, .delete])
        XCTAssertEqual(r.map(\.position), ["1/5", "2/5", "3/5", "4/5", "5"], "one read: ids inside the range that ends at 5")
        let anna: Row = ["id": .int(1), "name": .string("Anna"), "balance": .double(10.5), "photo": .bytes([0x00, 0xFF])]
        var anne = anna
        anne["name"] = .string("Anne")
        XCTAssertEqual(events[0].after, anna)
        XCTAssertEqual(events[0].key, ["id": .int(1)])
        XCTAssertEqual(events[1].before, anna)
        XCTAssertEqual(events[1].after, anne)
        XCTAssertEqual(events[2].key, ["order_id": .int(7), "line": .int(1)])
        XCTAssertEqual(events[3].entity, "notes")
        XCTAssertEqual(events[3].key, ["body": .string("hello")], "a table without a primary key is keyed by a UNIQUE NOT NULL column")
        XCTAssertEqual(events[4].before, anne)
        XCTAssertNil(events[4].after)
        XCTAssertNotNil(events[0].committedAt)
        // Resume strictly after a position.
        let s2 = SQLiteChangeLogSource(.init(path: dbPath))
        try s2.open(after: "3/5")
        XCTAssertEqual(try s2.read(limit: 100, wait: nil, stop: nil).map(\.position), ["4/5", "5"])
        // Uninstall removes the triggers; the legacy table keeps working.
        try ChangeTableTriggers.uninstall(db: db, tables: ["customers", "lines", "notes"])
        try db.execute("INSERT INTO customers VALUES (2, 'Ben', NULL, NULL)")
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM _tandem_changes"), .int(5))
        XCTAssertEqual(try ChangeTableTriggers.installedTables(db: db), [])
    }

    func testOnlyTheLastPageOfABacklogsRangeEndsItsTransaction() throws {
        let db = try Database(path: dbPath)
        defer { db.close() }
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        let n = Int(SQLiteChangeLogSource.wholeRangeBatches) * 2 + 1
        try db.execute("BEGIN")
        for i in 1...n { try db.execute("INSERT INTO customers VALUES (\(i), 'c\(i)', NULL, NULL)") }
        try db.execute("COMMIT")
        let s = SQLiteChangeLogSource(.init(path: dbPath))
        try s.open(after: nil)
        // Read in pages of 2: one range, one journal transaction, ended only by its last page.
        var ends: [Bool] = [], txns: Set<String> = []
        while true {
            let r = try s.read(limit: 2, wait: nil, stop: nil)
            if r.isEmpty { break }
            ends.append(s.lastReadEndsTransaction)
            txns.formUnion(r.compactMap(\.change?.txn))
        }
        XCTAssertEqual(txns.count, 1)
        XCTAssertEqual(ends, Array(repeating: false, count: ends.count - 1) + [true])
        // A range read whole ends its transaction.
        try db.execute("INSERT INTO customers VALUES (\(n + 1), 'x', NULL, NULL)")
        XCTAssertEqual(try s.read(limit: 2, wait: nil, stop: nil).count, 1)
        XCTAssertTrue(s.lastReadEndsTransaction)
    }

    func testRowsReadStraightEqualRowsReadThroughAJSONTree() throws {
        // The triggers' own output: every type SQLite stores, escapes, extremes.
        let db = try Database(path: dbPath)
        defer { db.close() }
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        try db.execute("""
            INSERT INTO customers VALUES (1, 'Anna "A" \\ é 😀' || char(10) || char(1), 10.5, x'00ff10');
            INSERT INTO customers VALUES (-9223372036854775808, '', -0.0, x'');
            INSERT INTO customers VALUES (9223372036854775807, 'x', 1e308, NULL);
            INSERT INTO customers VALUES (3, 'y', 5e-324, zeroblob(3));
            UPDATE customers SET balance = 7 WHERE id = 3;
            """)
        let st = try db.prepare("SELECT key, before, after FROM _tandem_changes ORDER BY id")
        var rows = 0
        while try st.step() {
            for i in 0..<3 where !st.isNull(Int32(i)) {
                let text = st.text(Int32(i))
                let fast = text.utf8CString.withUnsafeBytes { EventJSON.flatRow(UnsafeRawBufferPointer(rebasing: $0.dropLast()), tagged: ChangeRowDecoder.tagged) }
                XCTAssertNotNil(fast, "not read straight: \(text)")
                XCTAssertEqual(try ChangeRowDecoder.row(text, "after"), try ChangeRowDecoder.generalRow(text, "after"), text)
                rows += 1
            }
        }
        XCTAssertEqual(rows, 11)
        // Forms the triggers do not print (a hand-written row): the general way, with its reasons.
        for text in [#"{"a":1e5}"#, #"{"a":1.5}"#, #"{"a":18446744073709551616}"#, #"{"a":1,"a":2}"#, #"{"a":{"real":"x"}}"#,
                     #"{"a":{"bytes_hex":"0"}}"#, #"{"a":{"other":"1"}}"#, #"{"a":{"real":"1","b":2}}"#, #"{"a":[1]}"#,
                     #"{"a":1"#, #"[1]"#, #"{"a":"\ud800"}"#, #"{"a":true,"b":false,"c":null} "#] {
            let general = Result { () throws(Reason) in try ChangeRowDecoder.generalRow(text, "after") }
            let row = Result { () throws(Reason) in try ChangeRowDecoder.row(text, "after") }
            switch (row, general) {
            case (.success(let a), .success(let b)): XCTAssertEqual(a, b, text)
            case (.failure(let a), .failure(let b)): XCTAssertEqual(a.text, b.text, text)
            default: XCTFail("\(text): \(row) but through a JSON tree \(general)")
            }
        }
    }

    func testPrintOnlyShowsTheSQLAndAMissingTableIsAnError() throws {
        let db = try Database(path: dbPath)
        let sql = try ChangeTableTriggers.installSQL(db: db, tables: ["customers"])
        XCTAssertTrue(sql.contains("CREATE TRIGGER \"_tandem_customers_update\" AFTER UPDATE ON \"customers\""))
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = '_tandem_changes'"), .int(0))
        XCTAssertThrowsError(try ChangeTableTriggers.installSQL(db: db, tables: ["nope"])) { e in
            XCTAssertEqual("\(e)", "table \"nope\" does not exist in \(dbPath); hint: check --tables")
        }
        XCTAssertThrowsError(try SQLiteChangeLogSource(.init(path: dbPath)).open(after: nil)) { e in
            XCTAssertTrue("\(e)".contains("no change table _tandem_changes"), "\(e)")
        }
    }

    func testAWaitingReaderSeesAnotherConnectionsCommitAndPruneDeletesOnlyAcknowledgedRows() throws {
        let db = try Database(path: dbPath)
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        let s = SQLiteChangeLogSource(.init(path: dbPath, prune: true))
        try s.open(after: nil)
        let path = dbPath
        // A failing writer (e.g. SQLITE_BUSY) is recorded and asserted on, not a trap that kills the test process.
        let writerErrors = LogLines()
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            defer { writerDone.signal() }
            usleep(30_000)
            do {
                let w = try Database(path: path)
                try w.execute("INSERT INTO customers VALUES (1, 'A', NULL, NULL); INSERT INTO customers VALUES (2, 'B', NULL, NULL)")
            } catch {
                writerErrors.add("\(error)")
            }
        }
        writer.start()
        var got: [SourceRecord] = []
        XCTAssertTrue(try eventually { got += try s.read(limit: 1, wait: .seconds(5), stop: nil); return got.count >= 1 || !writerErrors.all.isEmpty })
        XCTAssertEqual(writerDone.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(writerErrors.all, [], "the legacy writer failed")
        XCTAssertEqual(got.first?.position, "1/2")
        try s.acknowledge(through: "1/2")
        XCTAssertEqual(try db.scalar("SELECT group_concat(id) FROM _tandem_changes"), .string("2"))
    }
}

extension SQLiteChangeLogTests {
    func testALockHeldByTheLegacyApplicationDelaysTheSourceButDoesNotStopIt() throws {
        let db = try Database(path: dbPath)
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        let logs = LogLines()
        let s = SQLiteChangeLogSource(.init(path: dbPath, prune: true, busyTimeoutMilliseconds: 20, log: logs.sink))
        try s.open(after: nil)
        try db.execute("INSERT INTO customers VALUES (1, 'A', NULL, NULL)")
        try db.execute("BEGIN EXCLUSIVE; INSERT INTO customers VALUES (2, 'B', NULL, NULL)")
        XCTAssertEqual(try s.read(limit: 10, wait: .milliseconds(50), stop: nil).count, 0, "locked: nothing now, no error")
        XCTAssertTrue(logs.all.contains { $0.contains("is locked") }, "\(logs.all)")
        try db.execute("COMMIT")
        let r = try s.read(limit: 10, wait: nil, stop: nil)
        XCTAssertEqual(r.map(\.position), ["1/2", "2"])
        try db.execute("BEGIN EXCLUSIVE")
        try s.acknowledge(through: "2")
        XCTAssertTrue(logs.all.contains { $0.contains("will prune later") }, "\(logs.all)")
        try db.execute("COMMIT")
        try s.acknowledge(through: "2")
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM _tandem_changes"), .int(0))
    }

    func testAMissingOrBrokenDatabaseIsATypedSourceError() throws {
        let missing = dir + "/none.db"
        XCTAssertThrowsError(try SQLiteChangeLogSource(.init(path: missing)).open(after: nil)) { e in
            guard case SourceError.missing(let path, let what, _) = e else { return XCTFail("\(type(of: e)): \(e)") }
            XCTAssertEqual(path, missing)
            XCTAssertTrue(what.hasPrefix("cannot open the database"), what)
            XCTAssertEqual((e as? SourceError)?.category, .noInput)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "opening does not create the database")
        let notADatabase = dir + "/garbage.db"
        appendFile(notADatabase, String(repeating: "this is not a database file\n", count: 200))
        XCTAssertThrowsError(try SQLiteChangeLogSource(.init(path: notADatabase)).open(after: nil)) { e in
            guard case SourceError.storage(let path, let message) = e else { return XCTFail("\(type(of: e)): \(e)") }
            XCTAssertEqual(path, notADatabase)
            XCTAssertTrue(message.contains("not a database"), message)
            XCTAssertEqual((e as? SourceError)?.category, .ioError)
        }
        // The change table vanishing under a running source is a typed error too.
        let db = try Database(path: dbPath)
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        let s = SQLiteChangeLogSource(.init(path: dbPath))
        try s.open(after: nil)
        try ChangeTableTriggers.uninstall(db: db, tables: ["customers"], dropTable: true)
        XCTAssertThrowsError(try s.read(limit: 10, wait: nil, stop: nil)) { e in
            guard case SourceError.storage(let path, let message) = e else { return XCTFail("\(type(of: e)): \(e)") }
            XCTAssertEqual(path, dbPath)
            XCTAssertTrue(message.contains("_tandem_changes"), message)
        }
        XCTAssertThrowsError(try ChangeTableTriggers.installedTables(db: try Database(path: notADatabase))) { e in
            XCTAssertEqual((e as? SourceError)?.category, .ioError, "\(e)")
        }
    }
}

import Foundation
import XCTest
import TandemCore
import TandemSQLite
@testable import TandemSources
import TandemTesting

/// Issue 9: what the change-capture triggers record, read back through the sqlite-changelog source.
final class SQLiteCaptureTests: XCTestCase {
    var dir = ""
    var dbPath: String { dir + "/legacy.db" }

    override func setUp() { dir = makeTempDir() }
    override func tearDown() { removeDir(dir) }

    func readAll(_ s: SQLiteChangeLogSource, limit: Int = 1000) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        while true {
            let r = try s.read(limit: limit, wait: nil, stop: nil)
            if r.isEmpty { return out }
            out += r
        }
    }

    /// Finding 2: a REAL is recorded with every bit, whatever digits it needs (SQLite's json_object keeps 15).
    func testEveryREALValueRoundTripsBitExactly() throws {
        let db = try Database(path: dbPath)
        try db.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, x REAL, y)")
        try ChangeTableTriggers.install(db: db, tables: ["m"])
        var rng = SplitMix64(seed: 9)
        var values: [Double] = [16.493399999999998, 4.7250000000000005, 0.1, 0.0, -0.0, 5e-324, -5e-324,
                                2.2250738585072009e-308, 2.2250738585072014e-308, .greatestFiniteMagnitude,
                                -.greatestFiniteMagnitude, 1.0000000000000002, 9007199254740993, .infinity, -.infinity]
        while values.count < 3000 {
            let d = Double(bitPattern: rng.next())
            if !d.isNaN { values.append(d) }
            values.append(Double(bitPattern: rng.next() & 0x800F_FFFF_FFFF_FFFF))  // subnormal
        }
        let ins = try db.prepare("INSERT INTO m VALUES (?, ?, ?)")
        try db.transaction {
            for (i, v) in values.enumerated() {
                try ins.bind(.int(Int64(i)), at: 1); try ins.bind(.double(v), at: 2); try ins.bind(.double(v), at: 3)
                try ins.execute()
            }
        }
        // What the legacy application reads back is the reference (SQLite stores -0.0 in a REAL column as 0).
        var legacy: [Int64: (Value, Value)] = [:]
        let q = try db.prepare("SELECT id, x, y FROM m")
        while try q.step() { legacy[q.int64(0)] = (q.value(at: 1), q.value(at: 2)) }
        let s = SQLiteChangeLogSource(.init(path: dbPath))
        try s.open(after: nil)
        let events = try readAll(s).compactMap(\.change)
        XCTAssertEqual(events.count, values.count)
        func bits(_ v: Value?) -> String {
            switch v {
            case .double(let d)?: return String(d.bitPattern, radix: 16)
            default: return "\(String(describing: v))"
            }
        }
        var mismatches = 0
        for e in events {
            guard case .int(let id)? = e.key["id"], let (x, y) = legacy[id] else { return XCTFail("key \(e.key)") }
            if bits(e.after?["x"]) != bits(x) || (bits(e.after?["y"]) != bits(y) && values[Int(id)] != 0) {
                mismatches += 1
                if mismatches < 5 { XCTFail("\(values[Int(id)]): x \(bits(e.after?["x"])) ≠ \(bits(x)), y \(bits(e.after?["y"])) ≠ \(bits(y))") }
            }
        }
        XCTAssertEqual(mismatches, 0)
        // NaN cannot be stored: SQLite turns it into NULL.
        try db.execute("DELETE FROM _tandem_changes")
        try ins.bind(.int(-1), at: 1); try ins.bind(.double(.nan), at: 2); try ins.bind(.double(.nan), at: 3)
        try ins.execute()
        XCTAssertEqual(try readAll(s).compactMap(\.change).first?.after?["x"], .null)
    }

    /// Finding 1: changing a key journals a delete of the old key and an insert of the new row, in one txn.
    func testAKeyChangeIsADeleteOfTheOldKeyAndAnInsertOfTheNewRowInOneTxn() throws {
        let db = try Database(path: dbPath)
        try db.execute("""
            CREATE TABLE PlaylistTrack (PlaylistId INTEGER NOT NULL, TrackId INTEGER NOT NULL, PRIMARY KEY (PlaylistId, TrackId));
            CREATE TABLE codes (code TEXT PRIMARY KEY COLLATE NOCASE, note TEXT);
            INSERT INTO PlaylistTrack VALUES (17, 152);
            INSERT INTO codes VALUES ('Val2 ', 'n'), ('abc', 'm');
            """)
        try ChangeTableTriggers.install(db: db, tables: ["PlaylistTrack", "codes"])
        try db.execute("""
            UPDATE PlaylistTrack SET PlaylistId = 18 WHERE PlaylistId = 17 AND TrackId = 152;
            UPDATE codes SET code = 'VAL2' WHERE code = 'Val2 ';
            UPDATE codes SET code = 'ABC' WHERE code = 'abc';
            UPDATE codes SET note = 'o' WHERE code = 'VAL2';
            """)
        let s = SQLiteChangeLogSource(.init(path: dbPath))
        try s.open(after: nil)
        let events = try readAll(s).compactMap(\.change)
        func show(_ v: Value) -> String {
            switch v {
            case .int(let i): return String(i)
            case .string(let s): return "'\(s)'"
            default: return "\(v)"
            }
        }
        XCTAssertEqual(events.map { "\($0.op.rawValue) \($0.entity) \($0.key.values.map(show).joined(separator: ","))" }, [
            "delete PlaylistTrack 17,152",
            "insert PlaylistTrack 18,152",
            "delete codes 'Val2 '",
            "insert codes 'VAL2'",
            // Equal under the column's NOCASE collation, but not the same bytes: a target may tell them apart.
            "delete codes 'abc'",
            "insert codes 'ABC'",
            "update codes 'VAL2'",
        ])
        guard events.count == 7 else { return }
        XCTAssertEqual(events[0].before, ["PlaylistId": .int(17), "TrackId": .int(152)], "the delete carries the old row for rewind")
        XCTAssertNil(events[1].before)
        XCTAssertEqual(events[1].after, ["PlaylistId": .int(18), "TrackId": .int(152)])
        XCTAssertEqual(events[6].before, ["code": .string("VAL2"), "note": .string("n")])
        XCTAssertNotNil(events[0].txn)
        XCTAssertEqual(Set(events.map(\.txn)).count, 1, "one read of committed changes is one txn")
    }

    /// Finding 3: a rowid table without a declared key is refused (VACUUM renumbers rowids); the fix is named.
    /// A migration's write fences (`_tandem_fence_…` triggers) on a captured table are not change capture: they
    /// neither count as installed capture nor make the source warn about old triggers.
    func testWriteFenceTriggersAreNotTakenForCapture() throws {
        let db = try Database(path: dbPath)
        defer { db.close() }
        try db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant TEXT); CREATE TABLE fenced (id INTEGER PRIMARY KEY, tenant TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["orders"])
        for t in ["orders", "fenced"] {
            try db.execute("CREATE TRIGGER _tandem_fence_\(t)_insert BEFORE INSERT ON \(t) WHEN 0 BEGIN SELECT RAISE(ABORT, 'fenced'); END")
        }
        XCTAssertEqual(try ChangeTableTriggers.installedTables(db: db), ["orders"])
        XCTAssertEqual(try ChangeTableTriggers.installedTriggers(db: db).map(\.table), ["orders", "orders", "orders"])
    }

    func testATableWithoutAPrimaryKeyIsRefusedWithTheFix() throws {
        let db = try Database(path: dbPath)
        try db.execute("""
            CREATE TABLE notes (body TEXT);
            CREATE TABLE tags (name TEXT NOT NULL, label TEXT);
            CREATE UNIQUE INDEX tags_name ON tags (name);
            CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
            CREATE TABLE lines (order_id INTEGER, line INTEGER, qty INTEGER, PRIMARY KEY (order_id, line));
            """)
        XCTAssertThrowsError(try ChangeTableTriggers.install(db: db, tables: ["kv", "notes"])) { e in
            XCTAssertEqual("\(e)", "table \"notes\" in \(dbPath) has no primary key: its rowid is renumbered by VACUUM, so later updates and deletes would hit the wrong rows; hint: declare a PRIMARY KEY, or a UNIQUE index on NOT NULL columns, then run install-triggers again")
            XCTAssertEqual((e as? SourceError)?.category, .badData)
        }
        XCTAssertEqual(try ChangeTableTriggers.installedTables(db: db), [], "nothing installed")
        // A unique index on NOT NULL columns is a stable key; WITHOUT ROWID and composite keys keep working.
        try ChangeTableTriggers.install(db: db, tables: ["tags", "kv", "lines"])
        try db.execute("""
            INSERT INTO tags VALUES ('a', 'A'); INSERT INTO kv VALUES ('k', 1); INSERT INTO lines VALUES (7, 1, 3);
            VACUUM;
            UPDATE tags SET label = 'B' WHERE name = 'a';
            """)
        let s = SQLiteChangeLogSource(.init(path: dbPath))
        try s.open(after: nil)
        let events = try readAll(s).compactMap(\.change)
        XCTAssertEqual(events.map(\.key), [["name": .string("a")], ["k": .string("k")], ["order_id": .int(7), "line": .int(1)],
                                           ["name": .string("a")]])
        XCTAssertFalse(events.contains { $0.after?["rowid"] != nil || $0.key["rowid"] != nil }, "no rowid column")
        // Triggers an older Tandem installed on a rowid table are refused when the source opens.
        try db.execute("""
            CREATE TRIGGER "_tandem_notes_insert" AFTER INSERT ON "notes" BEGIN
              INSERT INTO _tandem_changes ("table", op, key, before, after) VALUES ('notes', 'insert', json_object('rowid', NEW.rowid), NULL, json_object('body', NEW.body));
            END;
            """)
        XCTAssertThrowsError(try SQLiteChangeLogSource(.init(path: dbPath)).open(after: nil)) { e in
            XCTAssertTrue("\(e)".contains("table \"notes\" in \(dbPath) has no primary key"), "\(e)")
        }
    }

    /// Finding 4: everything one read returns is whole legacy transactions, journaled as one txn; a backlog
    /// longer than 4 batches is read in batches that continue the same txn, also after a restart inside it.
    func testOneReadOfTheChangeTableIsOneTxnAndAResumeInsideItKeepsIt() throws {
        let db = try Database(path: dbPath)
        try db.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL); CREATE TABLE line (invoice INTEGER, n INTEGER, PRIMARY KEY (invoice, n))")
        try ChangeTableTriggers.install(db: db, tables: ["invoice", "line"])
        try db.transaction { try db.execute("INSERT INTO invoice VALUES (1, 10); INSERT INTO line VALUES (1, 1), (1, 2), (1, 3), (1, 4)") }
        let s = SQLiteChangeLogSource(.init(path: dbPath))
        try s.open(after: nil)
        XCTAssertEqual(Set(try s.read(limit: 2, wait: nil, stop: nil).map { $0.change?.txn }).count, 1,
                       "a short range is read whole, over the batch limit")
        try db.transaction {
            try db.execute("INSERT INTO invoice VALUES (3, 10)")
            for n in 1...39 { try db.execute("INSERT INTO line VALUES (3, \(n))") }
        }
        let first = try s.read(limit: 2, wait: nil, stop: nil)
        XCTAssertEqual(first.count, 2, "40 changes are more than 4 batches of 2")
        let txn = try XCTUnwrap(first[0].change?.txn)
        XCTAssertEqual(first[1].change?.txn, txn)
        // Another legacy transaction commits meanwhile: it is not part of the open one.
        try db.transaction { try db.execute("INSERT INTO invoice VALUES (2, 20); INSERT INTO line VALUES (2, 1)") }
        // A restart after the second change goes on with the same txn up to the same end.
        let resumed = SQLiteChangeLogSource(.init(path: dbPath))
        XCTAssertTrue(resumed.recognizes(first[1].position))
        try resumed.open(after: first[1].position)
        var rest = try readAll(resumed, limit: 2)
        XCTAssertEqual(rest.prefix(38).map { $0.change?.txn }, Array(repeating: txn, count: 38), "the legacy transaction stays one txn")
        XCTAssertEqual(rest.prefix(38).map { $0.change?.entity }, Array(repeating: "line", count: 38))
        rest.removeFirst(38)
        XCTAssertEqual(rest.count, 2)
        XCTAssertNotEqual(rest[0].change?.txn, txn)
        XCTAssertEqual(rest[0].change?.txn, rest[1].change?.txn)
        XCTAssertEqual(try readAll(s, limit: 2).compactMap { $0.change?.txn }, Array(repeating: txn, count: 38) + rest.map { $0.change?.txn })
    }

    /// Finding 5: a lock the legacy application holds delays the source; following, it waits as long as the lock
    /// lasts (one log line per episode); reading once, it gives up only after a bounded wait, with "try again".
    func testALockHeldByTheLegacyApplicationNeverStopsAFollowingSource() throws {
        let db = try Database(path: dbPath)
        try db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        try db.execute("INSERT INTO customers VALUES (1, 'A')")
        let app = try Database(path: dbPath)
        try app.execute("BEGIN EXCLUSIVE; INSERT INTO customers VALUES (2, 'B')")
        let logs = LogLines()
        var settings = SQLiteChangeLogSource.Settings(path: dbPath, busyTimeoutMilliseconds: 20, log: logs.sink)
        settings.lockWait = .milliseconds(200)
        let s = SQLiteChangeLogSource(settings)
        try s.open(after: nil)
        XCTAssertEqual(try s.read(limit: 10, wait: .milliseconds(100), stop: nil).count, 0, "following: nothing yet, no error")
        XCTAssertEqual(try s.read(limit: 10, wait: .milliseconds(100), stop: nil).count, 0)
        XCTAssertEqual(logs.all.filter { $0.contains("waits") }.count, 1, "one line per episode: \(logs.all)")
        XCTAssertTrue(logs.all[0].contains(dbPath) && logs.all[0].contains("locked"), "\(logs.all)")
        XCTAssertThrowsError(try s.read(limit: 10, wait: nil, stop: nil)) { e in
            XCTAssertEqual((e as? SourceError)?.category, .tryAgain, "\(e)")
            XCTAssertTrue("\(e)".contains(dbPath) && "\(e)".contains("locked"), "\(e)")
        }
        try app.execute("COMMIT")
        XCTAssertEqual(try readAll(s).compactMap { $0.change?.key["id"] }, [.int(1), .int(2)])
    }
}

extension SQLiteCaptureTests {
    /// Triggers of an older Tandem keep working (their rows are read) and are named in one warning at open;
    /// `install-triggers` replaces them with the current ones.
    func testTriggersOfAnOlderTandemAreReadWarnedAboutAndReplacedByInstall() throws {
        let db = try Database(path: dbPath)
        try db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, balance REAL)")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        // The insert trigger as the previous version wrote it: json_object prints a REAL with 15 digits.
        try db.execute("""
            DROP TRIGGER "_tandem_customers_insert";
            CREATE TRIGGER "_tandem_customers_insert" AFTER INSERT ON "customers" BEGIN
              INSERT INTO _tandem_changes ("table", op, key, before, after) VALUES ('customers', 'insert', json_object('id', NEW."id"), NULL, json_object('id', NEW."id", 'balance', CASE typeof(NEW."balance") WHEN 'blob' THEN json_object('bytes_hex', hex(NEW."balance")) ELSE NEW."balance" END));
            END;
            INSERT INTO customers VALUES (1, 2.5);
            """)
        let logs = LogLines()
        let s = SQLiteChangeLogSource(.init(path: dbPath, log: logs.sink))
        try s.open(after: nil)
        XCTAssertEqual(logs.all.count, 1, "\(logs.all)")
        XCTAssertTrue(logs.all.first?.contains("the triggers on customers were installed by an older Tandem") == true, "\(logs.all)")
        XCTAssertTrue(logs.all.first?.contains("install-triggers") == true, "\(logs.all)")
        XCTAssertEqual(try readAll(s).compactMap { $0.change?.after?["balance"] }, [.double(2.5)], "an old row is still read")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        try db.execute("INSERT INTO customers VALUES (2, 16.493399999999998)")
        XCTAssertEqual(try readAll(s).compactMap { $0.change?.after?["balance"] }, [.double(16.493399999999998)])
        let quiet = LogLines()
        try SQLiteChangeLogSource(.init(path: dbPath, log: quiet.sink)).open(after: nil)
        XCTAssertEqual(quiet.all, [], "no warning once reinstalled")
    }
}

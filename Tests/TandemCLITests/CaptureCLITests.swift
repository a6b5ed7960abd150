import Foundation
import XCTest
import TandemTesting

/// Issue 9: a legacy SQLite database captured by triggers, ingested, replayed into every sink and rewound,
/// all by real processes (`sqlite3` as the legacy application, `tandem`, `psql` to look at PostgreSQL).
final class CaptureCLITests: XCTestCase {
    /// A target store and how to look into it (rows as lines, columns joined by `|`).
    struct Target {
        let spec: String
        let query: (String) throws -> String
    }

    /// A fresh SQLite file, and a fresh database in the test PostgreSQL cluster when TANDEM_TEST_POSTGRES is set
    /// (required under CI=true).
    func targets(_ dir: URL) throws -> [Target] {
        let path = dir.appendingPathComponent("target.db").path
        var out = [Target(spec: "sqlite:\(path)", query: { try sqlite3(path, $0) })]
        let env = ProcessInfo.processInfo.environment
        guard let base = env["TANDEM_TEST_POSTGRES"], !base.isEmpty,
              let url = URLComponents(string: base) else {
            if env["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            return out
        }
        let args = psqlArguments(for: url)
        let name = "capture_" + UUID().uuidString.prefix(8).lowercased()
        let admin = args + ["-d", String(url.path.dropFirst())]
        _ = try psql(admin + ["-c", "CREATE DATABASE \(name)"])
        addTeardownBlock { _ = try? self.psql(admin + ["-c", "DROP DATABASE \(name)"]) }
        var spec = url
        spec.path = "/" + name
        let dbArgs = args + ["-d", name]
        out.append(Target(spec: spec.string ?? base, query: { try self.psql(dbArgs + ["-c", $0]) }))
        return out
    }

    /// Runs `psql`; its output, or an error with its stderr when it fails.
    func psql(_ args: [String]) throws -> String {
        let r = try TandemCLITests.psql(args)
        guard r.status == 0 else {
            throw NSError(domain: "psql", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr])
        }
        return r.stdout
    }

    /// A legacy database made by `sqlite3` from `schema`, with triggers on `tables`, and a journal path beside it.
    func legacy(_ schema: String, tables: String) throws -> (dir: URL, db: String, journal: String) {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path
        _ = try sqlite3(db, schema)
        try tandem(["source", "install-triggers", "--db", db, "--tables", tables])
        return (dir, db, dir.appendingPathComponent("journal").path)
    }

    func tandem(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(args)
        XCTAssertEqual(r.status, 0, "tandem \(args.joined(separator: " ")): \(r.stderr)", file: file, line: line)
    }

    /// Promise: replay creates every declared table, also one the legacy database holds no row of (Northwind's
    /// CustomerDemographics): the new store's schema is the planned one, not the set of tables that saw events.
    func testADeclaredTableWithoutRowsIsCreatedInEverySink() throws {
        let (dir, db, journal) = try legacy("""
            CREATE TABLE demographics (type_id TEXT PRIMARY KEY, description TEXT);
            CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
            INSERT INTO customers VALUES (1, 'a');
            """, tables: "demographics,customers")
        try tandem(["snapshot", "--source", "sqlite-changelog:\(db)", "--journal", journal])
        for target in try targets(dir) {
            try tandem(["replay", "--journal", journal, "--into", target.spec])
            XCTAssertEqual(try target.query("SELECT count(*) FROM demographics"), "0\n", target.spec)
            XCTAssertEqual(try target.query("SELECT count(*) FROM customers"), "1\n", target.spec)
            // Replayed again with nothing new: still there, nothing changed.
            try tandem(["replay", "--journal", journal, "--into", target.spec])
            XCTAssertEqual(try target.query("SELECT count(*) FROM demographics"), "0\n", target.spec)
        }
    }

    /// Finding 1: `UPDATE … SET PlaylistId = 18 WHERE PlaylistId = 17 …` leaves only (18, 152) in every sink
    /// (also for a renamed text key), and a rewind to before the update restores (17, 152) and removes (18, 152).
    func testAKeyChangeLeavesOnlyTheNewRowInEverySinkAndRewindRestoresTheOld() throws {
        let (dir, db, journal) = try legacy("""
            CREATE TABLE PlaylistTrack (PlaylistId INTEGER NOT NULL, TrackId INTEGER NOT NULL, PRIMARY KEY (PlaylistId, TrackId));
            CREATE TABLE codes (code TEXT PRIMARY KEY, note TEXT);
            """, tables: "PlaylistTrack,codes")
        _ = try sqlite3(db, "INSERT INTO PlaylistTrack VALUES (17, 152), (17, 153); INSERT INTO codes VALUES ('Val2 ', 'n'), ('x', 'm');")
        try tandem(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        let targets = try targets(dir)
        for t in targets { try tandem(["replay", "--journal", journal, "--into", t.spec]) }
        _ = try sqlite3(db, """
            UPDATE PlaylistTrack SET PlaylistId = 18 WHERE PlaylistId = 17 AND TrackId = 152;
            UPDATE codes SET code = 'VAL2' WHERE code = 'Val2 ';
            """)
        try tandem(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        let tracks = "SELECT \"PlaylistId\", \"TrackId\" FROM \"PlaylistTrack\" ORDER BY 1, 2"
        let codes = "SELECT code, note FROM codes ORDER BY code"
        for t in targets {
            try tandem(["replay", "--journal", journal, "--into", t.spec])
            XCTAssertEqual(try t.query(tracks), "17|153\n18|152\n", t.spec)
            XCTAssertEqual(try t.query(codes), "VAL2|n\nx|m\n", t.spec)
            try tandem(["rewind", "--journal", journal, "--sink", t.spec, "--to", "4"])
            XCTAssertEqual(try t.query(tracks), "17|152\n17|153\n", "rewind: \(t.spec)")
            XCTAssertEqual(try t.query(codes), "Val2 |n\nx|m\n", "rewind: \(t.spec)")
        }
    }

    /// Finding 2: REAL values arrive in every sink bit for bit, also those that need 17 digits.
    func testREALValuesArriveBitExactInEverySink() throws {
        let values = ["16.493399999999998", "4.7250000000000005", "0.1", "5e-324", "2.2250738585072009e-308",
                      "1.7976931348623157e308", "-1.0000000000000002", "123456789.12345679"]
        let (dir, db, journal) = try legacy("CREATE TABLE m (id INTEGER PRIMARY KEY, x REAL NOT NULL);", tables: "m")
        _ = try sqlite3(db, values.enumerated().map { "INSERT INTO m VALUES (\($0.offset), \($0.element));" }.joined())
        try tandem(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        // The legacy store's own values, printed with enough digits to read back exactly.
        let legacy = try sqlite3(db, "SELECT printf('%!.20e', x) FROM m ORDER BY id").split(separator: "\n").map { Double($0)?.bitPattern }
        XCTAssertEqual(legacy, values.map { Double($0)?.bitPattern }, "the legacy store holds the values as written")
        for t in try targets(dir) {
            try tandem(["replay", "--journal", journal, "--into", t.spec])
            let print = t.spec.hasPrefix("sqlite:") ? "printf('%!.20e', x)" : "x::text"
            let got = try t.query("SELECT \(print) FROM m ORDER BY id").split(separator: "\n").map { Double($0)?.bitPattern }
            XCTAssertEqual(got, legacy, t.spec)
        }
    }

    /// Finding 4: an invoice and its lines written in one legacy transaction are one txn in the journal (also
    /// with a batch limit smaller than the transaction); the next legacy transaction is another txn.
    func testALegacyTransactionIsJournaledAsOneTxn() throws {
        let (dir, db, journal) = try legacy("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL); CREATE TABLE line (invoice INTEGER, n INTEGER, PRIMARY KEY (invoice, n));", tables: "invoice,line")
        _ = try sqlite3(db, "BEGIN; INSERT INTO invoice VALUES (1, 30); INSERT INTO line VALUES (1, 1), (1, 2), (1, 3); COMMIT;")
        try tandem(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once", "--batch", "2"])
        _ = try sqlite3(db, "BEGIN; INSERT INTO invoice VALUES (2, 5); INSERT INTO line VALUES (2, 1); COMMIT;")
        try tandem(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once", "--batch", "2"])
        let r = try CLI.run(["journal", "inspect", journal])
        let txns = r.stdout.split(separator: "\n").map { line -> String in
            let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return o?["txn"] as? String ?? "none"
        }
        XCTAssertEqual(txns.count, 6, r.stdout)
        XCTAssertEqual(Set(txns.prefix(4)).count, 1, "invoice 1 and its lines: \(txns)")
        XCTAssertEqual(Set(txns.suffix(2)).count, 1, "invoice 2 and its line: \(txns)")
        XCTAssertNotEqual(txns[0], txns[5])
        XCTAssertFalse(txns.contains("none"))
        for t in try targets(dir) {
            try tandem(["replay", "--journal", journal, "--into", t.spec, "--batch", "1"])
            XCTAssertEqual(try t.query("SELECT count(*) FROM line"), "4\n", t.spec)
        }
    }

    /// Finding 3: `install-triggers` refuses a table whose only key is the rowid, with the fix, exit 65.
    func testInstallTriggersRefusesATableKeyedOnlyByRowid() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path
        _ = try sqlite3(db, "CREATE TABLE notes (body TEXT); CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT);")
        let r = try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers,notes"])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("table \"notes\"") && r.stderr.contains("no primary key") && r.stderr.contains("VACUUM")
                      && r.stderr.contains("declare a PRIMARY KEY"), r.stderr)
        XCTAssertEqual(try sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger';"), "0\n", "nothing installed")
    }
}

extension CaptureCLITests {
    /// The legacy application as a `sqlite3` process that takes the write lock and holds it until told.
    final class LockHolder {
        let process = Process()
        private let input = Pipe(), output = Pipe()

        /// Starts `sqlite3 DB`, runs `BEGIN EXCLUSIVE` and `sql`, and returns once the lock is held.
        init(_ db: String, _ sql: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = ["-bail", db]
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            send(".timeout 5000\nBEGIN EXCLUSIVE;\n\(sql)\nSELECT 'held';\n")
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("held") {
                let d = output.fileHandleForReading.availableData
                if d.isEmpty { break }
                seen += d
            }
        }

        func send(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

        /// Commits and ends the process; its exit status.
        func commit() -> Int32 {
            commit(after: 0)
            process.waitUntilExit()
            return process.terminationStatus
        }

        /// Tells the process to keep the lock `seconds` longer, then commit and end (returns at once).
        func commit(after seconds: Double) {
            send((seconds > 0 ? ".shell sleep \(seconds)\n" : "") + "COMMIT;\n")
            try? input.fileHandleForWriting.close()
        }
    }

    /// Finding 5: the legacy application holding the write lock for over a second (longer than the busy timeout)
    /// delays ingest but never stops it: following, it waits and goes on; once, it waits, then reads; and only a
    /// lock that outlasts `lockWait` makes `--once` exit 75 (try again), never 74.
    func testALockTheLegacyApplicationHoldsDelaysIngestButNeverStopsIt() throws {
        let (_, db, journal) = try legacy("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);", tables: "customers")
        _ = try sqlite3(db, "INSERT INTO customers VALUES (1, 'a');")
        try tandem(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])

        // Following: started while the lock is held; the lock is kept until the follower says it waits for it
        // (which takes longer than its 1 s busy timeout), so the wait is observed, not guessed with a sleep.
        var holder = try LockHolder(db, "INSERT INTO customers VALUES (2, 'b');")
        let follower = Process()
        follower.executableURL = CLI.executable
        follower.arguments = ["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal]
        let errPath = journal + ".follower.stderr"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        follower.standardError = err
        follower.standardOutput = FileHandle.nullDevice
        try follower.run()
        func followerSaid() -> String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
        XCTAssertTrue(waitUntil(60) { followerSaid().contains("holds a lock on the database") || !follower.isRunning },
                      "the follower never said it waits for the lock")
        XCTAssertTrue(follower.isRunning, "ingest stopped on a lock the legacy application holds: \(followerSaid())")
        XCTAssertEqual(holder.commit(), 0)
        XCTAssertTrue(try waitUntil { try self.journalCount(journal) == 2 }, "the change written under the lock is journaled")
        follower.terminate()
        follower.waitUntilExit()
        try err.close()
        let stderr = followerSaid()
        XCTAssertEqual(follower.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("holds a lock on the database") && stderr.contains("Tandem waits for it"), stderr)

        // Once: a lock held for 1.5 s is waited out.
        holder = try LockHolder(db, "INSERT INTO customers VALUES (3, 'c');")
        holder.commit(after: 1.5)
        let once = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        XCTAssertEqual(once.status, 0, once.stderr)
        holder.process.waitUntilExit()
        XCTAssertEqual(holder.process.terminationStatus, 0)
        XCTAssertEqual(try journalCount(journal), 3)

        // Once, with a lock that outlasts lockWait: exit 75, one line, nothing lost.
        holder = try LockHolder(db, "INSERT INTO customers VALUES (4, 'd');")
        let refused = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)?lockWait=1", "--journal", journal, "--once"])
        XCTAssertEqual(refused.status, 75, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("holds a lock on the database") && refused.stderr.contains("try again"), refused.stderr)
        XCTAssertEqual(holder.commit(), 0)
        try tandem(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        XCTAssertEqual(try journalCount(journal), 4)
    }

    func journalCount(_ journal: String) throws -> Int {
        try CLI.run(["journal", "inspect", journal]).stdout.split(separator: "\n").count
    }

    func waitUntil(_ seconds: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }
}

import Foundation
import TandemCore
import XCTest
import TandemTesting

/// Issue 10: `quarantine retry` of an entry from a sqlite-changelog source that a newer journaled change of its
/// key supersedes journals the legacy table's current row instead, so the store ends at the legacy's state.
final class QuarantineRetryRereadTests: XCTestCase {
    /// Promise: an insert quarantined for a bad email, an update of the same row journaled and replayed, then the
    /// application changes the row again (not ingested yet): retrying the insert with a fixed mapping journals
    /// the row as the legacy table holds it now (REAL and BLOB bit for bit), the entry is `retried` (not
    /// superseded), and the new store equals the legacy table, before and after the later change is ingested.
    func testARetryOfASupersededSQLiteEntryJournalsTheLegacysCurrentRow() throws {
        try retryAfterNewerChanges(ingestTheLastChange: false)
    }

    /// The same, with the application's last change ingested and replayed before the retry.
    func testARetryOfASupersededSQLiteEntryJournalsTheLegacysCurrentRowAfterItsLastChangeIsIngested() throws {
        try retryAfterNewerChanges(ingestTheLastChange: true)
    }

    /// Promise: when the row is gone from the legacy table, the retry journals a delete of its key.
    func testARetryOfASupersededSQLiteEntryWhoseRowIsGoneJournalsItsDelete() throws {
        let s = try Scenario(self)
        try s.legacy("DELETE FROM customers WHERE id = 1;")
        let retry = try CLI.run(["quarantine", "retry", "--all", "--journal", s.journal, "--mapping", s.fixedMapping])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        let newest = try s.journaled().last
        XCTAssertEqual(newest?.op, .delete)
        XCTAssertEqual(newest?.key, ["id": .int(1)])
        try s.replay()
        XCTAssertEqual(try sqlite3(s.store, "SELECT count(*) FROM customers"), "0\n")
        XCTAssertEqual(try s.state(1), "retried")
    }

    /// Promise: when the mapping rejects the current row, nothing is journaled and the entry stays quarantined
    /// with the new reason (the old change, which the mapping passes now, is not journaled either).
    func testARetryWhoseCurrentSQLiteRowIsRejectedKeepsTheEntryQuarantined() throws {
        let s = try Scenario(self)
        try s.legacy("UPDATE customers SET email = '' WHERE id = 1;")
        try s.ingest()  // the empty email has no @: quarantined as entry 2
        let before = try s.journaled()
        let retry = try CLI.run(["quarantine", "retry", "1", "--journal", s.journal, "--mapping", s.fixedMapping])
        XCTAssertEqual(retry.status, 1, retry.stdout + retry.stderr)
        XCTAssertTrue(retry.stdout.hasPrefix("entry 1: still rejected on its key's current legacy row (seq 1 changed the key after it): ") && retry.stdout.contains("email"), retry.stdout)
        XCTAssertEqual(try s.journaled(), before)
        XCTAssertEqual(try s.state(1), "quarantined")
    }

    /// Promise: a legacy database that moved is named with `--source`; without it the retry says so in one line
    /// (exit 66) and the entry stays quarantined.
    func testARetryReadsAMovedLegacyDatabaseNamedWithSource() throws {
        let s = try Scenario(self)
        let moved = s.dir.appendingPathComponent("moved.db").path
        try FileManager.default.moveItem(atPath: s.db, toPath: moved)
        let lost = try CLI.run(["quarantine", "retry", "--all", "--journal", s.journal, "--mapping", s.fixedMapping])
        XCTAssertEqual(lost.status, 66, lost.stdout + lost.stderr)
        XCTAssertEqual(lost.stderr.split(separator: "\n").count, 1, lost.stderr)
        XCTAssertTrue(lost.stderr.contains("--source sqlite-changelog:PATH"), lost.stderr)
        XCTAssertEqual(try s.state(1), "quarantined")
        let found = try CLI.run(["quarantine", "retry", "--all", "--journal", s.journal, "--mapping", s.fixedMapping,
                                 "--source", "sqlite-changelog:\(moved)"])
        XCTAssertEqual(found.status, 0, found.stdout + found.stderr)
        XCTAssertEqual(try s.state(1), "retried")
        XCTAssertEqual(try s.journaled().last?.after?["email"], .string("ann@example.com"))
    }

    func retryAfterNewerChanges(ingestTheLastChange: Bool) throws {
        let s = try Scenario(self)
        // The application changes the row again, and keeps the REAL and BLOB values only bit-exact images carry.
        try s.legacy("UPDATE customers SET name = 'Anna', email = 'anna@example.com', score = 0.1, avatar = x'00ff10' WHERE id = 1;")
        if ingestTheLastChange { try s.ingest(); try s.replay() }

        let retry = try CLI.run(["quarantine", "retry", "--all", "--journal", s.journal, "--mapping", s.fixedMapping])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        XCTAssertTrue(retry.stdout.hasPrefix("entry 1: seq \(ingestTheLastChange ? 2 : 1) changed its key after it; journaled the legacy's current row instead"), retry.stdout)
        XCTAssertEqual(try s.state(1), "retried")
        let newest = try s.journaled().last(where: { $0.key == ["id": .int(1)] })
        XCTAssertEqual(newest?.op, .update)
        XCTAssertEqual(newest?.txn, "quarantine:1")
        XCTAssertEqual(newest?.after, ["id": .int(1), "email": .string("anna@example.com"), "name": .string("Anna"),
                                       "score": .double(0.1), "avatar": .bytes([0x00, 0xff, 0x10])])
        try s.replay()
        try s.assertStoreEqualsLegacy()
        // The later change, ingested now (or again), leaves it there: ingest resumed where it was.
        try s.ingest()
        try s.replay()
        try s.assertStoreEqualsLegacy()
    }

    /// A legacy database with triggers; an insert with a bad email quarantined; an update fixing the email
    /// journaled and replayed.
    struct Scenario {
        let dir: URL, db: String, journal: String, store: String, mapping: String, fixedMapping: String

        init(_ test: XCTestCase) throws {
            dir = try temporaryDirectory(test)
            db = dir.appendingPathComponent("legacy.db").path
            journal = dir.appendingPathComponent("j").path
            store = dir.appendingPathComponent("new.db").path
            mapping = dir.appendingPathComponent("m.json").path
            fixedMapping = dir.appendingPathComponent("fixed.json").path
            try Data(#"{"entities":{"customers":{"columns":{"email":{"validate":{"regex":"@"}}}}}}"#.utf8).write(to: URL(fileURLWithPath: mapping))
            try Data(#"{"entities":{"customers":{"columns":{"email":{"validate":{"regex":"."}}}}}}"#.utf8).write(to: URL(fileURLWithPath: fixedMapping))
            try legacy("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, name TEXT, score REAL, avatar BLOB);")
            let t = try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers"])
            XCTAssertEqual(t.status, 0, t.stderr)
            try legacy("INSERT INTO customers VALUES (1, 'ann-no-at', 'Ann', 1.5, x'01');")
            let first = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--mapping", mapping, "--once"])
            XCTAssertTrue(first.stdout.contains("quarantined 1"), first.stdout + first.stderr)
            try legacy("UPDATE customers SET email = 'ann@example.com' WHERE id = 1;")
            try ingest()
            try replay()
        }

        func legacy(_ sql: String) throws {
            let r = try runSQLite(db, sql)
            XCTAssertEqual(r.status, 0, r.stderr)
        }

        func ingest() throws {
            let r = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--mapping", mapping, "--once"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        }

        func replay() throws {
            let r = try CLI.run(["replay", "--journal", journal, "--into", "sqlite:\(store)"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        }

        func journaled() throws -> [Event] {
            try CLI.run(["journal", "inspect", journal]).stdout.split(separator: "\n").map { try EventJSON.decode(String($0)) }
        }

        func state(_ id: Int) throws -> String? {
            let out = try CLI.run(["quarantine", "show", "\(id)", "--journal", journal, "--json"]).stdout
            return try JSONValue.parse(out.trimmingCharacters(in: .whitespacesAndNewlines))["state"]?.string
        }

        func assertStoreEqualsLegacy(file: StaticString = #filePath, line: UInt = #line) throws {
            let q = "SELECT id, email, name, printf('%!.20e', score), hex(avatar) FROM customers ORDER BY id"
            let legacyRows = try sqlite3(db, q)
            XCTAssertFalse(legacyRows.isEmpty, file: file, line: line)
            XCTAssertEqual(try sqlite3(store, q), legacyRows, file: file, line: line)
        }
    }
}

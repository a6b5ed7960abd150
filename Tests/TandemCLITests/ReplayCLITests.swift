import Foundation
import XCTest
import TandemTesting

/// `tandem replay` and `tandem rewind` into a real SQLite file, as an operator runs them.
final class ReplayCLITests: XCTestCase {
    func testReplayRewindAndTheRefusalWithoutABeforeImage() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path, db = dir.appendingPathComponent("new.db").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let events = [
            #"{"txn":"1","entity":"customers","key":{"id":1},"op":"insert","after":{"id":1,"email":"a@example.com"}}"#,
            #"{"txn":"2","entity":"customers","key":{"id":1},"op":"update","before":{"id":1,"email":"a@example.com"},"after":{"id":1,"email":"b@example.com"}}"#,
            #"{"txn":"3","entity":"customers","key":{"id":1},"op":"delete"}"#,
        ]
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: events.joined(separator: "\n")).status, 0)
        let replay = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)", "--to", "2"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertEqual(replay.stdout, "replayed \(j) → sqlite:\(db): 2 events applied, 0 already held, 0 filtered out; checkpoint seq 2\n")
        XCTAssertEqual(try sqlite3(db, "SELECT email FROM customers"), "b@example.com\n")

        let rewind = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(db)", "--to", "1"])
        XCTAssertEqual(rewind.status, 0, rewind.stderr)
        XCTAssertEqual(try sqlite3(db, "SELECT email FROM customers"), "a@example.com\n")

        XCTAssertEqual(try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"]).status, 0)
        XCTAssertEqual(try sqlite3(db, "SELECT count(*) FROM customers"), "0\n")
        let refused = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(db)", "--to", "1"])
        XCTAssertEqual(refused.status, 65)
        XCTAssertEqual(refused.stderr, "tandem: cannot rewind: event seq 3 (delete on customers) has no before-image; "
                       + "nothing was changed; hint: use --rebuild to empty the sink's tables and replay 1…1\n")
        XCTAssertEqual(try sqlite3(db, "SELECT seq FROM _tandem_checkpoint"), "3\n")
        let rebuilt = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(db)", "--to", "1", "--rebuild"])
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertEqual(try sqlite3(db, "SELECT email FROM customers"), "a@example.com\n")
        XCTAssertEqual(try sqlite3(db, "SELECT seq FROM _tandem_checkpoint"), "1\n")
    }

    func testAPasswordInTheSinkNeverReachesTheOutput() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        // Nothing listens on port 1: the connection fails, and the error must not carry the password.
        let r = try CLI.run(["replay", "--journal", j, "--into", "postgresql://tandem:s3cr3t-pw@127.0.0.1:1/db?connect_timeout=2"])
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertFalse(r.stderr.contains("s3cr3t-pw"), r.stderr)
        XCTAssertFalse(r.stdout.contains("s3cr3t-pw"), r.stdout)
        // Each log line is one line for the operator (libpq's multi-line messages are folded).
        for line in r.stderr.split(separator: "\n") { XCTAssertTrue(line.hasPrefix("tandem: "), String(line)) }
    }

    /// Promise: data the target table refuses (its CHECK, NOT NULL, a trigger) is bad data — exit 65, which
    /// the systemd unit does not restart — with one line naming the event; the transactions before it apply.
    func testATableRuleRefusingAnEventExits65NamingItsSeqEntityAndKey() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path, db = dir.appendingPathComponent("new.db").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        _ = try sqlite3(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER CHECK (v < 100))")
        let events = [
            #"{"txn":"1","entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"v":1}}"#,
            #"{"txn":"2","entity":"t","key":{"id":2},"op":"insert","after":{"id":2,"v":500}}"#,
            #"{"txn":"3","entity":"t","key":{"id":3},"op":"insert","after":{"id":3,"v":3}}"#,
        ]
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: events.joined(separator: "\n")).status, 0)
        for _ in 0..<2 {
            let r = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"])
            XCTAssertEqual(r.status, 65, r.stderr)
            XCTAssertEqual(r.stderr, "tandem: sqlite:\(db): the store refused event seq 2 (insert on t, key id=2): table t: "
                           + "CHECK constraint failed: v < 100; the events before it are applied (checkpoint seq 1), nothing of its transaction is; "
                           + "hint: relax the target table's rule, or fix the data at its source (a mapping rule quarantines such changes at ingest), then run replay again; "
                           + "or set the event aside: tandem sink park --seq 2 (see `tandem help sink park`)\n")
            XCTAssertEqual(try sqlite3(db, "SELECT group_concat(id) FROM t"), "1\n")
            XCTAssertEqual(try sqlite3(db, "SELECT seq FROM _tandem_checkpoint"), "1\n")
        }
    }
}

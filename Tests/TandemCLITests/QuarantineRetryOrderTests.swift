import Foundation
import TandemCore
import XCTest
import TandemTesting

/// Issue 10: `quarantine retry` never makes the store older than the journal's newest change of a key.
final class QuarantineRetryOrderTests: XCTestCase {
    /// Promise: an insert quarantined for a bad email, then an update of the same key journaled: retrying the
    /// insert with a fixed mapping does not append it after the update. The entry is marked `superseded`
    /// (said on stdout, shown by `quarantine list`, exit 1), the journal and the replayed row keep the update;
    /// an entry of another key is journaled as before.
    func testARetryNeverPutsAnOlderChangeAfterANewerOneOfItsKey() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("changes.log").path
        let j = dir.appendingPathComponent("j").path, db = dir.appendingPathComponent("new.db").path
        let mapping = dir.appendingPathComponent("m.json").path
        try Data(#"{"entities":{"customers":{"columns":{"email":{"validate":{"regex":"@"}}}}}}"#.utf8).write(to: URL(fileURLWithPath: mapping))
        let events = [
            Event(txn: "1", entity: "customers", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "email": .string("old-no-at")]),
            Event(txn: "2", entity: "customers", key: ["id": .int(1)], op: .update,
                  before: ["id": .int(1), "email": .string("old-no-at")], after: ["id": .int(1), "email": .string("new@example.com")]),
            Event(txn: "3", entity: "customers", key: ["id": .int(2)], op: .insert, after: ["id": .int(2), "email": .string("two-no-at")]),
        ]
        try Data(events.map { EventJSON.string($0) + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: log))
        let ingest = try CLI.run(["ingest", "--source", "jsonl:\(log)", "--journal", j, "--mapping", mapping, "--once"])
        XCTAssertTrue(ingest.stdout.contains("journaled 1 event, quarantined 2"), ingest.stdout + ingest.stderr)
        XCTAssertEqual(try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"]).status, 0)

        let retry = try CLI.run(["quarantine", "retry", "--all", "--journal", j])
        XCTAssertEqual(retry.status, 1, retry.stdout + retry.stderr)
        XCTAssertEqual(retry.stdout, """
            entry 2: journaled as seq 2
            entry 1: superseded: seq 1 changed its key after it; not journaled (hint: tandem quarantine drop 1)
            retried 2: 1 journaled, 0 still in quarantine, 1 superseded

            """)
        let listed = try CLI.run(["quarantine", "list", "--journal", j])
        let rows = listed.stdout.split(separator: "\n")
        XCTAssertEqual(rows.count, 2, listed.stdout)  // the header and entry 1
        XCTAssertTrue(rows.count == 2 && rows[1].hasPrefix("1 ") && rows[1].contains("(superseded by seq 1)"), listed.stdout)
        let inspect = try CLI.run(["journal", "inspect", j])
        let journaled = try inspect.stdout.split(separator: "\n").map { try EventJSON.decode(String($0)) }
        XCTAssertEqual(journaled.map(\.op), [.update, .insert])
        XCTAssertEqual(journaled.map { $0.key["id"] }, [.int(1), .int(2)])

        XCTAssertEqual(try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"]).status, 0)
        XCTAssertEqual(try sqlite3(db, "SELECT id, email FROM customers ORDER BY id"), "1|new@example.com\n2|two-no-at\n")
        // Asked again, it stays out; the operator drops it.
        let again = try CLI.run(["quarantine", "retry", "1", "--journal", j])
        XCTAssertEqual(again.status, 65, again.stderr)
        XCTAssertTrue(again.stderr.contains("superseded") && again.stderr.contains("quarantine drop 1"), again.stderr)
        XCTAssertEqual(try CLI.run(["quarantine", "drop", "1", "--journal", j]).status, 0)
        XCTAssertEqual(try CLI.run(["quarantine", "list", "--journal", j]).stdout, "no entries\n")
    }
}

import Foundation
import XCTest
import TandemTesting

/// Issue 10: `tandem rewind` is exact or refuses up front, as an operator runs it.
final class RewindCLITests: XCTestCase {
    private func debezium(_ op: String, before: String, after: String, txn: Int) -> String {
        #"{"before":\#(before),"after":\#(after),"source":{"table":"customers","txId":\#(txn),"ts_ms":1559033904863},"op":"\#(op)"}"#
    }

    /// Promise: Debezium events with key-only before-images (PostgreSQL's default REPLICA IDENTITY) make
    /// `rewind` refuse with exit 65, naming the first such seq and suggesting --rebuild; nothing changes.
    func testRewindOfKeyOnlyDebeziumBeforeImagesRefusesAndChangesNothing() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path, db = dir.appendingPathComponent("new.db").path
        let input = dir.appendingPathComponent("dbz.jsonl").path
        let lines = [
            debezium("c", before: "null", after: #"{"id":1,"name":"Anne","email":"a@x"}"#, txn: 1),
            debezium("c", before: "null", after: #"{"id":2,"name":"Bo","email":"b@x"}"#, txn: 2),
            debezium("u", before: #"{"id":1}"#, after: #"{"id":1,"name":"Anne","email":"new@x"}"#, txn: 3),
            debezium("d", before: #"{"id":2}"#, after: "null", txn: 4),
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let ingest = try CLI.run(["ingest", "--source", "jsonl:\(input)?format=debezium", "--journal", j, "--once"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        let replay = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let held = try sqlite3(db, "SELECT id, name, email FROM customers ORDER BY id")
        XCTAssertEqual(held, "1|Anne|new@x\n")

        let refused = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(db)", "--to", "2"])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertEqual(refused.stderr, "tandem: cannot rewind: event seq 3 (update on customers) has an incomplete before-image "
                       + "(it lacks column name); nothing was changed; hint: use --rebuild to empty the sink's tables and "
                       + "replay 1…2 (or capture with complete before-images, e.g. REPLICA IDENTITY FULL)\n")
        XCTAssertEqual(try sqlite3(db, "SELECT id, name, email FROM customers ORDER BY id"), held)
        XCTAssertEqual(try sqlite3(db, "SELECT seq FROM _tandem_checkpoint"), "4\n")

        let rebuilt = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(db)", "--to", "2", "--rebuild"])
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertEqual(try sqlite3(db, "SELECT id, name, email FROM customers ORDER BY id"), "1|Anne|a@x\n2|Bo|b@x\n")
    }

    /// Issue 11: `rewind` names its store with `--into`, as `replay` does; `--sink` still works as its older name,
    /// and the two together are one option given twice (exit 64). The help says so.
    func testRewindTakesIntoAsReplayDoesWithSinkAsItsAlias() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path, db = dir.appendingPathComponent("new.db").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let events = (1...3).map { #"{"txn":"\#($0)","entity":"t","key":{"id":\#($0)},"op":"insert","after":{"id":\#($0)}}"# }
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: events.joined(separator: "\n")).status, 0)
        XCTAssertEqual(try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"]).status, 0)

        let into = try CLI.run(["rewind", "--journal", j, "--into", "sqlite:\(db)", "--to", "2"])
        XCTAssertEqual(into.status, 0, into.stderr)
        XCTAssertEqual(into.stdout, "rewound sqlite:\(db): 1 event undone in 1 transaction; checkpoint seq 2\n")
        XCTAssertEqual(try sqlite3(db, "SELECT id FROM t ORDER BY id"), "1\n2\n")

        let alias = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(db)", "--to", "1"])
        XCTAssertEqual(alias.status, 0, alias.stderr)
        XCTAssertEqual(try sqlite3(db, "SELECT id FROM t ORDER BY id"), "1\n")

        let both = try CLI.run(["rewind", "--journal", j, "--into", "sqlite:\(db)", "--sink", "sqlite:\(db)", "--to", "0"])
        XCTAssertEqual(both.status, 64)
        XCTAssertEqual(both.stderr, "tandem: rewind: --into given twice (--sink is the same option)\n")
        XCTAssertEqual(try sqlite3(db, "SELECT id FROM t ORDER BY id"), "1\n")

        let missing = try CLI.run(["rewind", "--journal", j, "--to", "0"])
        XCTAssertEqual(missing.status, 64)
        XCTAssertEqual(missing.stderr, "tandem: rewind: missing --into\n")

        let help = try CLI.run(["help", "rewind"])
        XCTAssertTrue(help.stdout.contains("--into SINK") && help.stdout.contains("(also --sink)"), help.stdout)
    }
}

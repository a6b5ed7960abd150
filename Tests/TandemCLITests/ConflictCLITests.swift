import Foundation
import XCTest
import TandemTesting

/// Issue 10: conflicts show in `tandem replay`'s summary, its `--json` output and its log.
final class ConflictCLITests: XCTestCase {
    /// Promise: a second insert of a key, and a delete of a missing row, are logged naming seq, entity and key,
    /// and counted per kind in the summary line and in `--json`.
    func testReplayShowsConflictsInItsSummaryJSONAndLog() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let events = [
            #"{"txn":"1","entity":"customers","key":{"id":1},"op":"insert","after":{"id":1,"email":"a@example.com"}}"#,
            #"{"txn":"2","entity":"customers","key":{"id":1},"op":"insert","after":{"id":1,"email":"b@example.com"}}"#,
            #"{"txn":"3","entity":"customers","key":{"id":2},"op":"delete","before":{"id":2,"email":"x@example.com"}}"#,
        ]
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: events.joined(separator: "\n")).status, 0)
        let db = dir.appendingPathComponent("a.db").path
        let r = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)", "--batch", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "replayed \(j) → sqlite:\(db): 3 events applied, 0 already held, 0 filtered out; checkpoint seq 3; "
                       + "conflicts: 1 insert-exists, 1 delete-missing\n")
        XCTAssertEqual(r.stderr, "tandem: conflict: seq 2 insert-exists on customers key id=1\n"
                       + "tandem: conflict: seq 3 delete-missing on customers key id=2\n")

        let other = dir.appendingPathComponent("b.db").path
        let json = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(other)", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(json.stdout, #"{"journal":"\#(j)","sink":"sqlite:\#(other)","applied":3,"alreadyHeld":0,"filteredOut":0,"parked":0,"#
                       + #""checkpoint":3,"conflicts":{"insert-exists":1,"update-missing":0,"delete-missing":1}}"# + "\n")
    }
}

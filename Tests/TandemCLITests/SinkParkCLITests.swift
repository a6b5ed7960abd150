import Foundation
import TandemTesting
import XCTest

/// Promise (issue 11): an operator sets a poison event aside with `tandem sink park --config FILE --sink NAME
/// --seq N` so the sink goes on, lists it with `sink parked`, and plays it back with `sink unpark` once the
/// target is fixed; every refusal is one line with a sysexits code.
final class SinkParkCLITests: XCTestCase {
    func testParkListReplayAndUnparkThroughTheConfig() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("journal").path, db = dir.appendingPathComponent("new.db").path
        let config = dir.appendingPathComponent("tandem.json").path
        try #"{"journal": "journal", "source": "jsonl:changes.jsonl", "sinks": [{"name": "new", "into": "sqlite:new.db"}]}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        // The application added a NOT NULL column that the change of id 2 does not fill.
        _ = try sqlite3(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, region TEXT NOT NULL)")
        let events = [
            #"{"txn":"1","entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"v":1,"region":"eu"}}"#,
            #"{"txn":"2","entity":"t","key":{"id":2},"op":"insert","after":{"id":2,"v":2}}"#,
            #"{"txn":"3","entity":"t","key":{"id":3},"op":"insert","after":{"id":3,"v":3,"region":"us"}}"#,
        ]
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: events.joined(separator: "\n")).status, 0)
        let replay = ["replay", "--journal", j, "--into", #"{"kind":"sqlite","path":"\#(db)","name":"new"}"#]
        let stopped = try CLI.run(replay)
        XCTAssertEqual(stopped.status, 65, stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("the store refused event seq 2 (insert on t, key id=2)"), stopped.stderr)
        XCTAssertTrue(stopped.stderr.hasSuffix("or set the event aside: tandem sink park --seq 2 (see `tandem help sink park`)\n"), stopped.stderr)

        let sink = ["--config", config, "--sink", "new"]
        // Refusals: applied already (1), not in the journal (64), no such sink (64), no --seq (64).
        let applied = try CLI.run(["sink", "park"] + sink + ["--seq", "1"])
        XCTAssertEqual(applied.status, 1, applied.stderr)
        XCTAssertEqual(applied.stderr, "tandem: sqlite:\(db): sink 'new': cannot park seq 1: the sink has applied it already"
                       + " (checkpoint seq 1); only an event it has not applied can be set aside; nothing was changed\n")
        let beyond = try CLI.run(["sink", "park"] + sink + ["--seq", "9"])
        XCTAssertEqual(beyond.status, 64, beyond.stderr)
        XCTAssertEqual(beyond.stderr, "tandem: seq 9 is outside the journal (first seq 1, last seq 3)\n")
        let unknown = try CLI.run(["sink", "park", "--config", config, "--sink", "old", "--seq", "2"])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertEqual(unknown.stderr, "tandem: sink park: \(config) has no sink named 'old'; it has 'new'\n")
        XCTAssertEqual(try CLI.run(["sink", "park"] + sink).status, 64)
        XCTAssertEqual(try CLI.run(["sink", "parked"] + sink).stdout, "no parked events for sink 'new'\n")

        // Parked with the store's reason; replay goes on past it and says so.
        let park = try CLI.run(["sink", "park"] + sink + ["--seq", "2"])
        XCTAssertEqual(park.status, 0, park.stderr)
        XCTAssertEqual(park.stdout, #"parked seq 2 (insert on t, key {"id":2}) for sink 'new': table t (key id=2): NOT NULL constraint"#
                       + " failed: t.region; replay passes over it, `tandem sink unpark … --seq 2` applies it later\n")
        let resumed = try CLI.run(replay)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(resumed.stderr, "tandem: sink 'new' (sqlite:\(db)): passed over parked event seq 2 (insert on t);"
                       + " `tandem sink parked` lists it, `tandem sink unpark` applies it\n")
        XCTAssertTrue(resumed.stdout.contains("1 event applied, 0 already held, 0 filtered out, 1 parked (passed over); checkpoint seq 3"),
                      resumed.stdout)
        XCTAssertEqual(try sqlite3(db, "SELECT group_concat(id) FROM t"), "1,3\n")

        let list = try CLI.run(["sink", "parked"] + sink)
        XCTAssertEqual(list.status, 0, list.stderr)
        let lines = list.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, list.stdout)
        XCTAssertTrue(lines[0].hasPrefix("SEQ  OP      ENTITY  KEY       PARKED AT"), list.stdout)
        XCTAssertTrue(lines[1].hasPrefix(#"2    insert  t       {"id":2}  "#), list.stdout)
        XCTAssertTrue(lines[1].hasSuffix("table t (key id=2): NOT NULL constraint failed: t.region"), list.stdout)
        let json = try CLI.run(["sink", "parked", "--journal", j, "--into", "sqlite:\(db)", "--sink", "new", "--json"])
        XCTAssertTrue(json.stdout.hasPrefix(#"{"seq":2,"entity":"t","key":{"id":2},"op":"insert","reason":"table t (key id=2): NOT NULL"#), json.stdout)
        XCTAssertTrue(json.stdout.hasSuffix(#""event":{"seq":2,"txn":"2","entity":"t","key":{"id":2},"op":"insert","after":{"id":2,"v":2}}}"# + "\n"),
                      json.stdout)

        // With no daemon running, `tandem status` counts the parked event from the list beside the journal.
        let status = try CLI.run(["status", "--config", config, "--json", "--offline"])
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stderr)
        XCTAssertEqual((doc["sinks"] as? [[String: Any]])?.map { $0["parked"] as? Int }, [1], status.stdout)

        // Unpark while the table still refuses it: exit 1, it stays; after the fix it applies.
        let early = try CLI.run(["sink", "unpark"] + sink + ["--seq", "2"])
        XCTAssertEqual(early.status, 1, early.stderr)
        XCTAssertTrue(early.stderr.contains("cannot unpark seq 2: the store still refuses it (table t: NOT NULL constraint failed: t.region)"), early.stderr)
        _ = try sqlite3(db, """
            CREATE TABLE t2 (id INTEGER PRIMARY KEY, v INTEGER, region TEXT); INSERT INTO t2 SELECT * FROM t;
            DROP TABLE t; ALTER TABLE t2 RENAME TO t
            """)
        let unpark = try CLI.run(["sink", "unpark"] + sink + ["--seq", "2"])
        XCTAssertEqual(unpark.status, 0, unpark.stderr)
        XCTAssertEqual(unpark.stdout, #"applied parked seq 2 (insert on t, key {"id":2}) to sink 'new' (sqlite:\#(db)) and took it off the parked list"# + "\n")
        XCTAssertEqual(try sqlite3(db, "SELECT group_concat(id || ':' || coalesce(region, '-')) FROM t"), "1:eu,2:-,3:us\n")
        XCTAssertEqual(try sqlite3(db, "SELECT seq FROM _tandem_checkpoint WHERE sink = 'new'"), "3\n")
        XCTAssertEqual(try CLI.run(["sink", "parked"] + sink).stdout, "no parked events for sink 'new'\n")
        let again = try CLI.run(["sink", "unpark"] + sink + ["--seq", "2"])
        XCTAssertEqual(again.status, 1, again.stderr)
        XCTAssertTrue(again.stderr.contains("cannot unpark seq 2: it is not on the sink's parked list"), again.stderr)
    }

    func testAStoreThatIsNotThereIsNotCreated() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("journal").path, db = dir.appendingPathComponent("typo.db").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let r = try CLI.run(["sink", "park", "--journal", j, "--into", "sqlite:\(db)", "--seq", "1"])
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
    }
}

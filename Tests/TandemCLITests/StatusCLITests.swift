import Foundation
import XCTest

/// `tandem status --config FILE [--json]` as an operator runs it: from disk on a real journal and SQLite sink
/// made by `ingest` and `replay`, and from a running endpoint serving a /status document.
final class StatusCLITests: XCTestCase {
    /// A journal of three changes and one line that does not parse (quarantined), the sink `new` replayed to
    /// seq 2, the sink `later` never replayed, and a config whose listen address nobody serves.
    private func offlineSetUp() throws -> (dir: URL, config: String) {
        let dir = try temporaryDirectory(self)
        let changes = [
            #"{"txn":"1","committedAt":"2026-01-01T00:00:00Z","entity":"customers","key":{"id":1},"op":"insert","after":{"id":1,"email":"a@example.com"}}"#,
            #"{"txn":"2","committedAt":"2026-01-01T00:00:01Z","entity":"customers","key":{"id":2},"op":"insert","after":{"id":2,"email":"b@example.com"}}"#,
            #"{"txn":"3","committedAt":"2026-01-01T00:00:02Z","entity":"customers","key":{"id":1},"op":"delete"}"#,
            #"{"txn": not json"#,
        ]
        try Data((changes.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("changes.jsonl"))
        let j = dir.appendingPathComponent("journal").path
        let ingest = try CLI.run(["ingest", "--source", "jsonl:changes.jsonl", "--journal", j, "--once"], in: dir)
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        let into = #"{"kind":"sqlite","path":"\#(dir.path)/new.db","name":"new"}"#
        let replay = try CLI.run(["replay", "--journal", j, "--into", into, "--to", "2"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let config = dir.appendingPathComponent("tandem.json").path
        try Data(#"""
            {"journal": "journal", "source": "jsonl:changes.jsonl",
             "sinks": [{"name": "new", "into": "sqlite:new.db"}, {"name": "later", "into": "sqlite:later.db"}],
             "http": {"listen": "127.0.0.1:1"}}
            """#.utf8).write(to: URL(fileURLWithPath: config))
        return (dir, config)
    }

    func testWithNoDaemonTheTableIsReadFromDiskAndSaysSo() throws {
        let (dir, config) = try offlineSetUp()
        let r = try CLI.run(["status", "--config", config])
        XCTAssertEqual(r.status, 1, "not running is not healthy: \(r.stderr)")
        XCTAssertEqual(r.stderr, "")
        let lines = r.stdout.components(separatedBy: "\n")
        XCTAssertTrue(lines[0].hasPrefix("tandem status: from disk (no daemon answers at 127.0.0.1:1: Connection refused); taken "),
                      lines[0])
        XCTAssertEqual(lines[1], "health: unhealthy")
        XCTAssertEqual(Array(lines[2...5]), ["  - source stopped: the daemon is not running", "  - journal stopped: the daemon is not running",
                                      "  - sink new stopped: the daemon is not running", "  - sink later stopped: the daemon is not running"])
        XCTAssertTrue(lines[6].hasPrefix("source:  jsonl:changes.jsonl, stopped, position "), lines[6])
        XCTAssertTrue(lines[6].contains(", position changes.jsonl@"), lines[6])
        XCTAssertTrue(lines[6].hasSuffix(", 1 in quarantine (parse 1)"), lines[6])
        XCTAssertTrue(lines[7].hasPrefix("journal: \(dir.path)/journal, stopped, head seq 3, first seq 1, 1 segment, "), lines[7])
        XCTAssertTrue(lines[7].hasSuffix(" bytes"), lines[7])
        XCTAssertEqual(lines[8], "")
        let table = lines[9...].filter { !$0.isEmpty }.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        XCTAssertEqual(table.count, 3, r.stdout)
        XCTAssertEqual(table[0].prefix(4), ["SINK", "STATE", "APPLIED", "LAG"])
        // new: applied 2 of 3; its lag in seconds is now minus the commit time of seq 2 (2026-01-01), months.
        XCTAssertEqual(Array(table[1].prefix(4)), ["new", "stopped", "2", "1"])
        XCTAssertGreaterThan(Double(table[1][4]) ?? 0, 86_400)
        XCTAssertEqual(Array(table[1][5...]), ["0", "0", "the", "daemon", "is", "not", "running"])
        XCTAssertEqual(Array(table[2].prefix(4)), ["later", "stopped", "0", "3"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("later.db").path),
                       "status created the store of a sink that never ran")
    }

    func testJSONFromDiskIsTheStatusDocument() throws {
        let (_, config) = try offlineSetUp()
        let r = try CLI.run(["status", "--config", config, "--json"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stdout.filter { $0 == "\n" }.count, 1, "one JSON document, one line")
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(doc["version"] as? Int, 1)
        XCTAssertEqual(doc["live"] as? Bool, false)
        XCTAssertEqual(doc["healthy"] as? Bool, false)
        XCTAssertTrue(doc["pid"] is NSNull)
        let journal = try XCTUnwrap(doc["journal"] as? [String: Any])
        XCTAssertEqual(journal["headSeq"] as? Int, 3)
        XCTAssertEqual(journal["headCommittedAt"] as? String, "2026-01-01T00:00:02.000000Z")
        XCTAssertEqual((doc["source"] as? [String: Any])?["quarantineByReason"] as? [String: Int], ["parse": 1])
        let sinks = try XCTUnwrap(doc["sinks"] as? [[String: Any]])
        XCTAssertEqual(sinks.map { $0["name"] as? String }, ["new", "later"])
        XCTAssertEqual(sinks.map { $0["appliedSeq"] as? Int }, [2, 0])
        XCTAssertEqual(sinks.map { $0["lagEvents"] as? Int }, [1, 3])
        XCTAssertEqual(sinks.map { $0["state"] as? String }, ["stopped", "stopped"])
    }

    func testBeforeTheFirstStartNothingIsCreatedAndTheJournalsAbsenceIsNamed() throws {
        let dir = try temporaryDirectory(self)
        let config = dir.appendingPathComponent("tandem.json").path
        try Data(#"{"journal": "journal", "source": "jsonl:changes.jsonl", "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:1"}}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let r = try CLI.run(["status", "--config", config])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.contains("\n  - journal stopped: the daemon is not running; no journal at \(dir.path)/journal yet"
                                        + " (the daemon creates it on its first start)\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\nnew   stopped  0        0           0.0          0          0       the daemon is not running\n"), r.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["tandem.json"], "status created files")
    }

    func testAStoreThatCannotBeReadFallsBackToTheJournalsConsumerRecord() throws {
        let (dir, config) = try offlineSetUp()
        // later.db is a directory: SQLite cannot open it.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("later.db"), withIntermediateDirectories: false)
        let j = dir.appendingPathComponent("journal").path
        XCTAssertEqual(try CLI.run(["journal", "consumers", j, "register", "later", "--applied", "1"]).status, 0)
        let r = try CLI.run(["status", "--config", config, "--offline"])
        XCTAssertEqual(r.status, 1)
        let row = try XCTUnwrap(r.stdout.components(separatedBy: "\n").first { $0.hasPrefix("later ") })
        let cells = row.split(separator: " ")
        XCTAssertEqual(Array(cells.prefix(4)), ["later", "stopped", "1", "2"], row)
        XCTAssertTrue(row.contains("the daemon is not running; the store cannot be read: "), row)
        XCTAssertTrue(row.hasSuffix(" (applied seq from the journal's consumer record)"), row)
    }

    func testAStoreFromAnotherJournalIsNamedInItsReason() throws {
        let (dir, config) = try offlineSetUp()
        let other = dir.appendingPathComponent("other").path
        XCTAssertEqual(try CLI.run(["journal", "init", other]).status, 0)
        XCTAssertEqual(try CLI.run(["journal", "append", other], stdin: #"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1}}"#).status, 0)
        let into = #"{"kind":"sqlite","path":"\#(dir.path)/later.db","name":"later"}"#
        XCTAssertEqual(try CLI.run(["replay", "--journal", other, "--into", into]).status, 0)
        let r = try CLI.run(["status", "--config", config, "--offline"])
        XCTAssertTrue(r.stdout.hasPrefix("tandem status: from disk (the daemon was not asked: --offline); taken "), r.stdout)
        let row = try XCTUnwrap(r.stdout.components(separatedBy: "\n").first { $0.hasPrefix("later ") })
        XCTAssertTrue(row.contains("the daemon is not running; the store was filled from another journal (id "), row)
    }

    func testFromARunningDaemonTheFirstLineNamesItsPidAndTheExitCodeFollowsHealth() throws {
        let dir = try temporaryDirectory(self)
        let healthy = Self.document(sinkState: "running", reason: "null")
        let (port, _) = try startStatusServer(serving: healthy, in: dir)
        let config = dir.appendingPathComponent("tandem.json").path
        try Data(#"{"journal": "/var/lib/tandem/journal", "source": "jsonl:changes.jsonl", "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:\#(port)"}}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let r = try CLI.run(["status", "--config", config])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(r.stdout, """
            tandem status: from the running daemon (pid 777) at 127.0.0.1:\(port), up since 2026-11-30T07:00:00.000000Z; taken 2026-11-30T08:00:00.000000Z
            health: ok
            source:  sqlite-changelog:legacy.db, running, position 9001, 500 events journaled (4.5/s), 0 quarantined since start, quarantine empty
            journal: /var/lib/tandem/journal, running, head seq 500, first seq 1, 1 segment, 4096 bytes

            SINK  STATE    APPLIED  LAG EVENTS  LAG SECONDS  CONFLICTS  PARKED  REASON
            new   running  498      2           0.1          1          0       -

            """)
        let json = try CLI.run(["status", "--config", config, "--json"])
        XCTAssertEqual(json.status, 0)
        XCTAssertEqual(json.stdout, healthy, "--json prints the daemon's document as it sent it")

        let sick = try temporaryDirectory(self, "sick")
        let (sickPort, _) = try startStatusServer(serving: Self.document(sinkState: "degraded", reason: #""store down: connection refused""#), in: sick)
        let sickConfig = sick.appendingPathComponent("tandem.json").path
        try Data(#"{"journal": "/var/lib/tandem/journal", "source": "jsonl:changes.jsonl", "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:\#(sickPort)"}}"#.utf8)
            .write(to: URL(fileURLWithPath: sickConfig))
        let unhealthy = try CLI.run(["status", "--config", sickConfig])
        XCTAssertEqual(unhealthy.status, 1)
        XCTAssertTrue(unhealthy.stdout.contains("health: unhealthy\n  - sink new degraded: store down: connection refused\n"), unhealthy.stdout)
    }

    func testABadConfigIsRefusedWithItsPathAndExitCode() throws {
        let dir = try temporaryDirectory(self)
        let config = dir.appendingPathComponent("tandem.json").path
        try Data(#"{"journal": "journal", "source": "jsonl:x", "sinks": []}"#.utf8).write(to: URL(fileURLWithPath: config))
        let r = try CLI.run(["status", "--config", config])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasPrefix("tandem: "), r.stderr)
        XCTAssertTrue(r.stderr.contains("$.sinks"), r.stderr)
        XCTAssertEqual(try CLI.run(["status", "--config", dir.appendingPathComponent("none.json").path]).status, 66)
        XCTAssertEqual(try CLI.run(["status"]).status, 64)
    }

    /// A /status document as a daemon of this version writes it, with one sink in `sinkState`.
    static func document(sinkState: String, reason: String) -> String {
        #"{"version":1,"live":true,"pid":777,"takenAt":"2026-11-30T08:00:00.000000Z","startedAt":"2026-11-30T07:00:00.000000Z","#
            + #""healthy":true,"unhealthyReasons":[],"worstLagEvents":2,"#
            + #""source":{"spec":"sqlite-changelog:legacy.db","state":"running","reason":null,"position":"9001","eventsTotal":500,"#
            + #""quarantinedTotal":0,"quarantineByReason":{},"eventsPerSecond":4.5},"#
            + #""journal":{"directory":"/var/lib/tandem/journal","state":"running","reason":null,"headSeq":500,"firstSeq":1,"#
            + #""bytes":4096,"segments":1,"headCommittedAt":null},"#
            + #""sinks":[{"name":"new","spec":"sqlite:new.db","state":"\#(sinkState)","reason":\#(reason),"appliedSeq":498,"#
            + #""lagEvents":2,"lagSeconds":0.12,"eventsTotal":498,"conflicts":{"insert-exists":1,"update-missing":0,"delete-missing":0},"#
            + #""parked":0,"eventsPerSecond":4.5,"attempts":0,"someFutureMember":true}]}"# + "\n"
    }

    /// Starts `Fixtures/status-server.py` serving `document`; returns its port. It is terminated when the test ends.
    private func startStatusServer(serving document: String, in dir: URL) throws -> (UInt16, Process) {
        let file = dir.appendingPathComponent("status.json")
        try Data(document.utf8).write(to: file)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/status-server.py")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        addTeardownBlock { p.terminate(); p.waitUntilExit() }
        // The first line is the port, written once the socket listens.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        let port = try XCTUnwrap(UInt16(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                                 "the status server did not start")
        return (port, p)
    }
}

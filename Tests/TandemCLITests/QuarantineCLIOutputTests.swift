import Foundation
import XCTest
import TandemCore
import TandemTesting

/// What `tandem quarantine …` prints: a table an operator can read (header, state, the legacy key),
/// "no entries" when there are none, and `--json` wherever the README promises it.
final class QuarantineCLIOutputTests: XCTestCase {
    static let mapping = #"{"version": 1, "entities": {"customers": {"columns": {"email": {"validate": {"regex": "^[^@]+@.+$"}}}}}}"#
    static let lines = [
        #"{"txn":"1","entity":"customers","key":{"id":1},"op":"insert","after":{"id":1,"email":"a@example.com"}}"#,
        #"{"txn":"2","entity":"customers","key":{"id":250},"op":"insert","after":{"id":250,"email":"not-an-address"}}"#,
        "this line is not JSON",
    ]

    /// A journal with two quarantined lines: a mapping failure of customer 250 (entry 1) and a parse failure (entry 2).
    func quarantined() throws -> (dir: URL, journal: String, mapping: String) {
        let dir = try temporaryDirectory(self, name)
        let j = dir.appendingPathComponent("j").path, input = dir.appendingPathComponent("in.jsonl").path
        let mapping = dir.appendingPathComponent("mapping.json").path
        try (Self.lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        try Self.mapping.write(toFile: mapping, atomically: true, encoding: .utf8)
        let r = try CLI.run(["ingest", "--source", "jsonl:\(input)", "--journal", j, "--mapping", mapping, "--once"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("journaled 1 event, quarantined 2"), r.stdout)
        return (dir, j, mapping)
    }

    func testQuarantineListSaysNoEntriesWhenEmpty() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        for extra in [[], ["--all"]] {
            let r = try CLI.run(["quarantine", "list", "--journal", j] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, "no entries\n")
        }
        XCTAssertEqual(try CLI.run(["quarantine", "list", "--journal", j, "--json"]).stdout, "", "JSON lines stay empty")
    }

    func testQuarantineListHasAHeaderAndShowsTheLegacyKey() throws {
        let (_, j, _) = try quarantined()
        let r = try CLI.run(["quarantine", "list", "--journal", j])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 3, r.stdout)
        guard rows.count == 3 else { return }
        let header = rows[0].split(separator: " ").map(String.init)
        XCTAssertEqual(header, ["ID", "TIME", "RULE", "KEY", "POSITION", "REASON"])
        XCTAssertTrue(rows[1].hasPrefix("1 "), rows[1])
        XCTAssertTrue(rows[1].contains(#"customers {"id":250}"#), "the legacy key, not only an internal id: \(rows[1])")
        XCTAssertTrue(rows[1].contains("regex email"), rows[1])
        XCTAssertTrue(rows[2].hasPrefix("2 "), rows[2])
        XCTAssertTrue(rows[2].contains("parse"), rows[2])
        let json = try CLI.run(["quarantine", "list", "--journal", j, "--json"]).stdout.split(separator: "\n")
        XCTAssertEqual(json.count, 2)
        let first = try JSONValue.parse(Array(json[0].utf8))
        XCTAssertEqual(first["entity"], .string("customers"))
        XCTAssertEqual(first["key"], .object([("id", .int(250))]))
        XCTAssertEqual(first["id"], .int(1), "existing fields stay")
        XCTAssertEqual(try JSONValue.parse(Array(json[1].utf8))["key"], .null)
    }

    func testQuarantineListAllShowsEachEntrysState() throws {
        let (_, j, _) = try quarantined()
        XCTAssertEqual(try CLI.run(["quarantine", "drop", "2", "--journal", j]).status, 0)
        let r = try CLI.run(["quarantine", "list", "--journal", j, "--all"])
        let rows = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 3, r.stdout)
        guard rows.count == 3 else { return }
        XCTAssertEqual(rows[0].split(separator: " ").prefix(2), ["ID", "STATE"])
        XCTAssertEqual(rows[1].split(separator: " ").prefix(2), ["1", "quarantined"])
        XCTAssertEqual(rows[2].split(separator: " ").prefix(2), ["2", "dropped"])
        let open = try CLI.run(["quarantine", "list", "--journal", j]).stdout.split(separator: "\n")
        XCTAssertEqual(open.count, 2, "without --all, only what is still quarantined")
    }

    /// `retry --json` and `drop --json` print each entry as it is afterwards, as `list --json` does.
    func testQuarantineRetryAndDropPrintJSONAsTheREADMEPromises() throws {
        let (dir, j, _) = try quarantined()
        let fixed = dir.appendingPathComponent("fixed.json").path
        try #"{"version": 1, "entities": {}}"#.write(toFile: fixed, atomically: true, encoding: .utf8)
        let retry = try CLI.run(["quarantine", "retry", "1", "2", "--journal", j, "--mapping", fixed, "--json"])
        XCTAssertEqual(retry.status, 1, "entry 2 is still rejected: \(retry.stderr)")
        let lines = try retry.stdout.split(separator: "\n").map { try JSONValue.parse(Array($0.utf8)) }
        XCTAssertEqual(lines.count, 2, retry.stdout)
        guard lines.count == 2 else { return }
        XCTAssertEqual(lines[0]["id"], .int(1))
        XCTAssertEqual(lines[0]["state"], .string("retried"))
        XCTAssertEqual(lines[0]["journaledSeq"], .int(2))
        XCTAssertEqual(lines[1]["id"], .int(2))
        XCTAssertEqual(lines[1]["state"], .string("quarantined"))
        let drop = try CLI.run(["quarantine", "drop", "2", "--journal", j, "--json"])
        XCTAssertEqual(drop.status, 0, drop.stderr)
        let dropped = try JSONValue.parse(Array(drop.stdout.utf8.dropLast()))
        XCTAssertEqual(dropped["id"], .int(2))
        XCTAssertEqual(dropped["state"], .string("dropped"))
    }

    /// Follow mode tells the operator at once when a line goes to the quarantine, with the reason.
    func testFollowModeIngestLogsEachQuarantinedLine() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path, input = dir.appendingPathComponent("in.jsonl").path
        let log = dir.appendingPathComponent("stderr.txt")
        try (Self.lines[0] + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = ["ingest", "--source", "jsonl:\(input)", "--journal", j]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: log)
        try p.run()
        defer { if p.isRunning { p.terminate() }; p.waitUntilExit() }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        try file.seekToEnd()
        try file.write(contentsOf: Data("this line is not JSON\n".utf8))
        try file.close()
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("quarantined") { break }
            usleep(20_000)
        }
        let line = text.split(separator: "\n").first { $0.contains("quarantined") }.map(String.init) ?? ""
        XCTAssertTrue(line.contains("parse: not a Tandem event line"), "no log line with the reason: \(text)")
        XCTAssertTrue(line.contains(input), line)
    }
}

import Foundation
import TandemCore
import XCTest
import TandemTesting

/// Promises of `tandem ingest` under hostile but ordinary conditions (issue 8): it resumes exactly where THIS
/// source left off, never skips silently after a copy-truncate, keeps what it prints as quarantined in the
/// quarantine, refuses a malformed mapping at load, and never captures Tandem's own tables.
final class IngestIntegrityTests: XCTestCase {
    /// A manual `journal append` (no sourcePosition) between two ingests: the second resumes after the
    /// source's own last position, journals nothing again, and the manual event stays the newest.
    func testIngestResumesAfterItsOwnLastPositionNotTheJournalsLastEvent() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("changes.log").path
        let j = dir.appendingPathComponent("j").path
        try lines((1...5).map { EventJSON.string(change($0)) }, to: log)
        XCTAssertEqual(try CLI.run(["ingest", "--source", "jsonl:\(log)", "--journal", j, "--once"]).status, 0)
        let manual = Event(entity: "customers", key: ["id": .int(3)], op: .update,
                           after: ["id": .int(3), "email": .string("fixed-by-hand@example.com")])
        let a = try CLI.run(["journal", "append", j], stdin: EventJSON.string(manual) + "\n")
        XCTAssertEqual(a.status, 0, a.stderr)

        let again = try CLI.run(["ingest", "--source", "jsonl:\(log)", "--journal", j, "--once"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("journaled 0 events"), again.stdout)
        var events = try journalEvents(j)
        XCTAssertEqual(events.count, 6, "nothing journaled twice")
        XCTAssertEqual(events.last?.after?["email"], .string("fixed-by-hand@example.com"), "the manual event is still the newest")

        try lines([EventJSON.string(change(6))], to: log, append: true)
        XCTAssertEqual(try CLI.run(["ingest", "--source", "jsonl:\(log)", "--journal", j, "--once"]).status, 0)
        events = try journalEvents(j)
        XCTAssertEqual(events.map { $0.key["id"] }, [1, 2, 3, 4, 5, 3, 6].map { .int($0) })
    }

    /// Copy-truncate while ingest is stopped, with schema-wrapped Debezium lines that share their first KiB:
    /// the new content is read from its beginning (every change of it journaled) and stderr says why.
    func testCopyTruncateWhileStoppedIsNoticedAndTheNewContentIsReadWhole() throws {
        for keepsCopy in [true, false] {
            let dir = try temporaryDirectory(self, "copytruncate\(keepsCopy)")
            let log = dir.appendingPathComponent("changes.log").path
            let j = dir.appendingPathComponent("j").path
            let source = "jsonl:\(log)?format=debezium"
            try lines((1...100).map { debezium($0, note: "old") }, to: log)
            XCTAssertEqual(try CLI.run(["ingest", "--source", source, "--journal", j, "--once"]).status, 0)
            // copy-truncate: copy (or not), truncate in place, then the writer goes on with new content.
            if keepsCopy { try FileManager.default.copyItem(atPath: log, toPath: log + ".1") }
            try lines((1001...1300).map { debezium($0, note: "new!") }, to: log)
            let r = try CLI.run(["ingest", "--source", source, "--journal", j, "--once"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("journaled 300 events, quarantined 0"), "keepsCopy \(keepsCopy): \(r.stdout)")
            XCTAssertTrue(r.stderr.contains("rewritten") && r.stderr.contains(log), "keepsCopy \(keepsCopy): \(r.stderr)")
            let ids = try journalEvents(j).map { $0.after?["id"] }
            XCTAssertEqual(ids, ((1...100).map { $0 } + (1001...1300).map { $0 }).map { .int(Int64($0)) })
        }
    }

    /// A retried entry whose journaled event was cut by `truncate --after`: the re-read line that fails the
    /// mapping again is in the quarantine again, so "quarantined 1" is what `quarantine list` shows.
    func testAReReadLineThatFailsAgainIsInTheQuarantineAsPrinted() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("changes.log").path
        let j = dir.appendingPathComponent("j").path
        let mapping = dir.appendingPathComponent("m.json").path
        try Data(#"{"entities":{"customers":{"columns":{"email":{"validate":{"regex":"@"}}}}}}"#.utf8).write(to: URL(fileURLWithPath: mapping))
        var bad = change(2)
        bad.after?["email"] = .string("no-at-sign")
        try lines([change(1), bad, change(3)].map(EventJSON.string), to: log)
        let ingest = ["ingest", "--source", "jsonl:\(log)", "--journal", j, "--mapping", mapping, "--once"]
        XCTAssertTrue(try CLI.run(ingest).stdout.contains("journaled 2 events, quarantined 1"))
        let retry = try CLI.run(["quarantine", "retry", "1", "--journal", j])
        XCTAssertEqual(retry.status, 0, retry.stdout + retry.stderr)
        XCTAssertEqual(try journalEvents(j).count, 3)
        let t = try CLI.run(["journal", "truncate", j, "--after", "1"])
        XCTAssertEqual(t.status, 0, t.stderr)

        let r = try CLI.run(ingest)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("journaled 1 event, quarantined 1"), r.stdout)
        let listed = try CLI.run(["quarantine", "list", "--journal", j, "--json"]).stdout.split(separator: "\n")
        XCTAssertEqual(listed.count, 1, "the change is in the quarantine again")
        XCTAssertTrue(listed.first?.contains("no-at-sign") == true || listed.first?.contains("regex") == true, String(listed.first ?? ""))
        XCTAssertEqual(try journalEvents(j).map { $0.key["id"] }, [.int(1), .int(3)])
    }

    /// Mappings that would journal wrong events are refused at load: one line naming the JSON path, exit 65.
    func testMalformedMappingsAreRefusedAtLoadWithTheirJSONPath() throws {
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("changes.log").path
        let j = dir.appendingPathComponent("j").path
        try lines([EventJSON.string(change(1))], to: log)
        let cases: [(mapping: String, path: String, words: String)] = [
            (#"{"entities":{"customers":{"columns":{"email":"mail","email":"drop"}}}}"#,
             "mapping.entities.customers.columns.email", "duplicate"),
            (#"{"entities":{"customers":{"columns":{"n":{"validate":{"max":1e999}}}}}}"#,
             "mapping.entities.customers.columns.n.validate.max", "out of range"),
            (#"{"entities":{"customers":{"columns":{"id":false}}}}"#,
             "mapping.entities.customers.columns.id", "key"),
            (#"{"entities":{"customers":{"primaryKey":"id","unlistedColumns":"drop","columns":{"email":true}}}}"#,
             "mapping.entities.customers.primaryKey[0]", "key"),
        ]
        for (i, c) in cases.enumerated() {
            let m = dir.appendingPathComponent("m\(i).json").path
            try Data(c.mapping.utf8).write(to: URL(fileURLWithPath: m))
            let r = try CLI.run(["ingest", "--source", "jsonl:\(log)", "--journal", j, "--mapping", m, "--once"])
            XCTAssertEqual(r.status, 65, "\(c.mapping): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(c.path + ":") && r.stderr.contains(c.words), "\(c.mapping): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: j + "/manifest.json"), "nothing was ingested")
    }

    /// `source install-triggers` on Tandem's own change table (or SQLite's tables) is refused: no feedback loop.
    func testInstallTriggersRefusesTandemsOwnTables() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path
        _ = try sqlite3(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT);")
        XCTAssertEqual(try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers"]).status, 0)
        for table in ["_tandem_changes", "_TANDEM_changes", "sqlite_sequence"] {
            let r = try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers,\(table)"])
            XCTAssertEqual(r.status, 64, "\(table): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(table), r.stderr)
        }
        XCTAssertEqual(try sqlite3(db, "SELECT group_concat(DISTINCT tbl_name) FROM sqlite_master WHERE type = 'trigger';"), "customers\n")
    }

    // MARK: helpers

    func change(_ i: Int) -> Event {
        Event(txn: "t\(i)", entity: "customers", key: ["id": .int(Int64(i))], op: .insert,
              after: ["id": .int(Int64(i)), "email": .string("user\(i)@example.com")])
    }

    /// A schema-wrapped Debezium create event: the schema (over 1 KiB) is the same on every line.
    func debezium(_ id: Int, note: String) -> String {
        let fields = (0..<12).map { #"{"type":"string","optional":true,"field":"column_number_\#($0)_with_a_long_name"}"# }
        let row = #"{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},\#(fields.joined(separator: ","))],"optional":true,"name":"legacy.public.customers.Value"}"#
        let schema = #"{"type":"struct","fields":[\#(row.replacingOccurrences(of: "\"optional\":true,\"name\"", with: "\"optional\":true,\"field\":\"before\",\"name\"")),\#(row.replacingOccurrences(of: "\"optional\":true,\"name\"", with: "\"optional\":true,\"field\":\"after\",\"name\""))],"name":"legacy.public.customers.Envelope"}"#
        return #"{"schema":\#(schema),"payload":{"before":null,"after":{"id":\#(id),"column_number_0_with_a_long_name":"\#(note)"},"source":{"table":"customers","txId":\#(id),"ts_ms":1700000000000},"op":"c","ts_ms":1700000000001}}"#
    }

    func lines(_ lines: [String], to path: String, append: Bool = false) throws {
        let text = lines.map { $0 + "\n" }.joined()
        if append, let h = FileHandle(forWritingAtPath: path) {
            h.seekToEndOfFile(); h.write(Data(text.utf8)); h.closeFile()
        } else if FileManager.default.fileExists(atPath: path) {
            // Truncate in place (same inode), as copy-truncate does, then write.
            let h = FileHandle(forWritingAtPath: path)!
            h.truncateFile(atOffset: 0); h.write(Data(text.utf8)); h.closeFile()
        } else {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    func journalEvents(_ journal: String) throws -> [Event] {
        let r = try CLI.run(["journal", "inspect", journal])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try r.stdout.split(separator: "\n").map { try EventJSON.decode(String($0)) }
    }
}

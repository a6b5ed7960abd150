import Foundation
import TandemCore
import XCTest
import TandemTesting

/// Promise: `tandem ingest` killed with SIGKILL at random moments while the legacy side keeps writing
/// leaves, after restarts, every change in the journal exactly once and in source order.
final class IngestCrashTests: XCTestCase {
    /// Kills per source in the suite; `scripts/soak ingest` raises it with TANDEM_TRIALS.
    static let trials = Int(ProcessInfo.processInfo.environment["TANDEM_TRIALS"] ?? "") ?? 25

    /// A JSON-lines change log appended to (sometimes half a line at a time) while ingest is killed.
    func testJSONLinesIngestKilledWhileTheFileGrows() throws {
        signal(SIGPIPE, SIG_IGN)
        let dir = try temporaryDirectory(self)
        let log = dir.appendingPathComponent("changes.log").path
        let journal = dir.appendingPathComponent("journal").path
        FileManager.default.createFile(atPath: log, contents: nil)
        let total = 4_000
        let writer = Thread {
            guard let fd = Optional(open(log, O_WRONLY | O_APPEND)), fd >= 0 else { return }
            defer { close(fd) }
            for i in 1...total {
                let line = Array((EventJSON.string(Self.change(i)) + "\n").utf8)
                let cut = i % 11 == 0 ? line.count / 2 : line.count   // a partial line the tailer must wait out
                _ = line.withUnsafeBytes { write(fd, $0.baseAddress!, cut) }
                if cut < line.count { usleep(300) }
                _ = line.withUnsafeBytes { write(fd, $0.baseAddress! + cut, line.count - cut) }
                usleep(400)
            }
        }
        writer.start()
        try killRepeatedly(["ingest", "--source", "jsonl:\(log)", "--journal", journal])
        waitFor("the writer to finish") { writer.isFinished }
        XCTAssertEqual(try CLI.run(["ingest", "--source", "jsonl:\(log)", "--journal", journal, "--once"]).status, 0)
        try assertJournal(journal, holds: (1...total).map { Self.change($0) })
    }

    /// A legacy SQLite database written by a separate sqlite3 process, captured by triggers.
    func testChangeTableIngestKilledWhileTheLegacyDatabaseIsWritten() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path
        let journal = dir.appendingPathComponent("journal").path
        try sqlite(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, visits INTEGER);")
        XCTAssertEqual(try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers"]).status, 0)
        // The legacy application: one statement (one transaction) at a time, from another process.
        var statements: [String] = []
        var expected: [(op: String, id: Int)] = []
        for i in 1...1_500 {
            statements.append("INSERT INTO customers VALUES (\(i), 'user\(i)@example.com', 0);")
            expected.append(("insert", i))
            if i % 3 == 0 { statements.append("UPDATE customers SET visits = visits + 1 WHERE id = \(i - 1);"); expected.append(("update", i - 1)) }
            if i % 7 == 0 { statements.append("DELETE FROM customers WHERE id = \(i - 2);"); expected.append(("delete", i - 2)) }
        }
        let app = Process()
        app.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        app.arguments = ["-bail", db]
        let input = Pipe()
        app.standardInput = input
        app.standardOutput = FileHandle.nullDevice
        try app.run()
        let lines = statements
        let feeder = Thread {
            let fd = input.fileHandleForWriting.fileDescriptor
            _ = ".timeout 5000\n".withCString { write(fd, $0, strlen($0)) }
            for s in lines {
                _ = (s + "\n").withCString { write(fd, $0, strlen($0)) }
                usleep(500)
            }
            try? input.fileHandleForWriting.close()
        }
        feeder.start()
        try killRepeatedly(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal])
        app.waitUntilExit()
        XCTAssertEqual(app.terminationStatus, 0, "the legacy writer failed")
        XCTAssertEqual(try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"]).status, 0)
        let events = try journalEvents(journal)
        XCTAssertEqual(events.count, expected.count, "every change once")
        for (i, (e, x)) in zip(events, expected).enumerated() {
            XCTAssertEqual(e.op.rawValue, x.op, "change \(i + 1)")
            XCTAssertEqual(e.key["id"], .int(Int64(x.id)), "change \(i + 1)")
            if e.op.rawValue != x.op || e.key["id"] != .int(Int64(x.id)) { break }
        }
    }

    /// Starts `tandem args…` and kills it with SIGKILL at a random moment, `trials` times.
    private func killRepeatedly(_ args: [String]) throws {
        var rng = SplitMix64(seed: 0x1A6E57)
        for _ in 0..<Self.trials {
            let child = Process()
            child.executableURL = CLI.executable
            child.arguments = args
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            usleep(UInt32(10_000 + rng.next() % 150_000))  // a random moment, not a wait for a condition
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            XCTAssertEqual(child.terminationReason, .uncaughtSignal, "ingest stopped by itself: \(args)")
        }
    }

    private func assertJournal(_ journal: String, holds expected: [Event]) throws {
        let events = try journalEvents(journal)
        XCTAssertEqual(events.count, expected.count, "every change exactly once")
        for (i, (e, x)) in zip(events, expected).enumerated() where e.key != x.key || e.after != x.after {
            XCTFail("journal seq \(i + 1) holds key \(e.key) instead of \(x.key)")
            break
        }
    }

    private func journalEvents(_ journal: String) throws -> [Event] {
        let r = try CLI.run(["journal", "inspect", journal])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try r.stdout.split(separator: "\n").map { try EventJSON.decode(String($0)) }
    }

    private func sqlite(_ db: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [db, sql]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    private func waitFor(_ what: String, timeout: TimeInterval = 60, _ condition: () -> Bool) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !condition() {
            guard Date() < deadline else {
                XCTFail("timed out after \(Int(timeout)) s waiting for \(what)")
                return
            }
            usleep(2_000)
        }
    }

    static func change(_ i: Int) -> Event {
        Event(txn: "t\(i)", entity: "customers", key: ["id": .int(Int64(i))], op: .insert,
              after: ["id": .int(Int64(i)), "email": .string("user\(i)@example.com")], tenant: "t\(i % 5)")
    }
}

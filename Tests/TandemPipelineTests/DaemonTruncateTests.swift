import Foundation
import Synchronization
import TandemCore
import TandemPipeline
import XCTest

/// Issue 11: the daemon keeps its sinks' positions in memory and persists them at a bounded rate; truncating the
/// journal while the sinks apply must still never drop an event a sink has not durably applied.
final class DaemonTruncateTests: XCTestCase {
    /// Promise: truncations of the journal's history while two sinks (one slowed by small batches) apply a growing
    /// change log succeed up to what every sink has applied and are refused beyond it, naming the sink; at the end
    /// both stores hold every change and no sink ever stopped. Small segments, so the sinks' readers cross segments
    /// while the truncations unlink the ones behind them (which once recorded a false "a segment is missing").
    func testTruncatingWhileSinksRunNeverDropsAnUnappliedEvent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-daemon-truncate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let changes = dir.appendingPathComponent("changes.jsonl").path
        FileManager.default.createFile(atPath: changes, contents: nil)
        let config = dir.appendingPathComponent("tandem.json").path
        try #"""
        {"journal": "journal", "segmentSize": 8192, "source": "jsonl:changes.jsonl",
         "sinks": [{"name": "fast", "into": "sqlite:fast.db"}, {"name": "slow", "into": "sqlite:slow.db", "batch": 7}],
         "http": {"listen": "127.0.0.1:0"}}
        """#.write(toFile: config, atomically: true, encoding: .utf8)
        let lines = Mutex<[String]>([])
        let log = DaemonLog(format: .text, environment: [:]) { line in lines.withLock { $0.append(line) } }
        let daemon = try Daemon(config: try DaemonConfig.load(path: config), log: log, notifier: SystemdNotifier(environment: [:]))
        try daemon.start()
        defer { if !daemon.isStopping { daemon.stop(); daemon.wait() } }

        let total = 1_500
        let writer = Thread {
            let fd = open(changes, O_WRONLY | O_APPEND)
            defer { close(fd) }
            for i in 1...total {
                let e = Event(txn: "t\(i)", entity: "customers", key: ["id": .int(Int64(i))], op: .insert,
                              after: ["id": .int(Int64(i)), "email": .string("user\(i)@example.com")], tenant: "t\(i % 3)")
                let line = Array((EventJSON.string(e) + "\n").utf8)
                _ = line.withUnsafeBytes { write(fd, $0.baseAddress!, line.count) }
                if i % 10 == 0 { usleep(2_000) }
            }
        }
        writer.start()

        var truncated = 0, refused = 0
        let journal = dir.appendingPathComponent("journal").path
        func segmentFiles() -> Set<String> {
            Set(((try? FileManager.default.contentsOfDirectory(atPath: journal)) ?? []).filter { $0.hasSuffix(".seg") })
        }
        var seen = Set<String>()
        var first: UInt64 = 1  // the journal's first seq (the status's is refreshed by the ticker)
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline {
            let s = daemon.status()
            let applied = s.sinks.map(\.appliedSeq)
            if writer.isFinished, s.journal.headSeq == UInt64(total), applied.allSatisfy({ $0 == UInt64(total) }) { break }
            let low = applied.min() ?? 0, high = applied.max() ?? 0
            if high > low + 1 {
                // Beyond what the slower sink applied: refused, naming it — unless it caught up meanwhile (the
                // truncation persists the sinks' positions first), when every sink must have applied what went.
                do {
                    try daemon.truncateJournal(before: high + 1)
                    XCTAssertTrue(daemon.status().sinks.allSatisfy { $0.appliedSeq >= high }, "dropped seqs before \(high + 1)")
                    first = high + 1
                    truncated += 1
                } catch {
                    XCTAssertTrue("\(error)".contains("consumer"), "\(error)")
                    refused += 1
                }
            }
            if low > first {
                seen.formUnion(segmentFiles())
                do {
                    try daemon.truncateJournal(before: low + 1)
                    first = low + 1
                    truncated += 1
                } catch {
                    XCTFail("truncating before what every sink applied was refused: \(error)")
                }
            }
            usleep(20_000)  // pacing the truncations, not waiting for a condition
        }
        let s = daemon.status()
        XCTAssertEqual(s.sinks.map(\.appliedSeq), [UInt64(total), UInt64(total)], lines.withLock { $0.joined() })
        XCTAssertEqual(s.sinks.map(\.state), [.running, .running], lines.withLock { $0.joined() })
        XCTAssertGreaterThan(truncated, 2, "the test truncated while the sinks ran")
        XCTAssertGreaterThan(refused, 0, "the test tried to truncate past a lagging sink")
        XCTAssertGreaterThan(seen.subtracting(segmentFiles()).count, 5, "truncations removed segments while the sinks read")
        daemon.stop()
        XCTAssertTrue(daemon.wait())
        for store in ["fast.db", "slow.db"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            p.arguments = [dir.appendingPathComponent(store).path, "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM customers"]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(text, "\(total)|\(total)|1|\(total)\n", store)
        }
    }
}

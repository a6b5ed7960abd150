import Foundation
import Synchronization
import TandemCore
@testable import TandemPipeline
import XCTest

/// Issue 11 (two sinks cost < 1.3× the CPU of one): the daemon's sinks share one decoded window of the journal
/// (`SharedJournalFeed`); each keeps its own filter, batching and checkpoint, and a sink behind the window reads
/// the journal itself.
final class DaemonSharedFeedTests: XCTestCase {
    /// Promise: sinks with different filters fed from the one shared window each end holding exactly the rows their
    /// filter passes; a sink added later (its checkpoint far behind the window) reads the journal itself, catches
    /// up and ends exact too, while the window never holds more than its bound.
    func testSinksWithDifferentFiltersAndALateSinkEndExactFromTheSharedWindow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-shared-feed-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let changes = dir.appendingPathComponent("changes.jsonl").path
        FileManager.default.createFile(atPath: changes, contents: nil)
        var settings = Daemon.Settings()
        settings.sharedWindow = (chunk: 50, events: 200)

        // Customers (tenants t0…t2, inserted then renamed) and orders, across source transactions of 1–3 events.
        var expected: [String: [Int: String]] = ["customers": [:], "orders": [:]]
        var tenantOf: [String: [Int: String]] = ["customers": [:], "orders": [:]]
        var written = 0
        func journalChanges(_ range: ClosedRange<Int>) {
            let fd = open(changes, O_WRONLY | O_APPEND)
            defer { close(fd) }
            var text = ""
            for i in range {
                let entity = i % 4 == 0 ? "orders" : "customers"
                let tenant = "t\(i % 3)"
                let name = "n\(i)"
                let insert = Event(txn: "x\(i / 3)", entity: entity, key: ["id": .int(Int64(i))], op: .insert,
                                   after: ["id": .int(Int64(i)), "name": .string(name)], tenant: tenant)
                text += EventJSON.string(insert) + "\n"
                expected[entity]![i] = name
                tenantOf[entity]![i] = tenant
                if i % 5 == 0, let (old, _) = expected["customers"]!.first(where: { $0.key < i }) {
                    let t = tenantOf["customers"]![old]!
                    let update = Event(txn: "x\(i / 3)", entity: "customers", key: ["id": .int(Int64(old))], op: .update,
                                       after: ["id": .int(Int64(old)), "name": .string("r\(i)")], tenant: t)
                    text += EventJSON.string(update) + "\n"
                    expected["customers"]![old] = "r\(i)"
                    written += 1
                }
                written += 1
            }
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, bytes.count) }
        }

        func run(sinks: String, while body: (Daemon) throws -> Void) throws -> [String] {
            let config = dir.appendingPathComponent("tandem.json").path
            try #"{"journal": "journal", "source": "jsonl:changes.jsonl", "sinks": [\#(sinks)], "http": {"listen": "127.0.0.1:0"}}"#
                .write(toFile: config, atomically: true, encoding: .utf8)
            let lines = Mutex<[String]>([])
            let log = DaemonLog(format: .text, environment: [:]) { line in lines.withLock { $0.append(line) } }
            let daemon = try Daemon(config: try DaemonConfig.load(path: config), settings: settings, log: log,
                                    notifier: SystemdNotifier(environment: [:]))
            try daemon.start()
            defer { if !daemon.isStopping { daemon.stop(); daemon.wait() } }
            try body(daemon)
            XCTAssertTrue(daemon.status().sinks.allSatisfy { $0.state == .running }, lines.withLock { $0.joined(separator: "\n") })
            daemon.stop()
            XCTAssertTrue(daemon.wait())
            return lines.withLock { $0 }
        }
        func waitUntilApplied(_ daemon: Daemon, window: inout Int) {
            let deadline = Date(timeIntervalSinceNow: 60)
            while Date() < deadline {
                window = max(window, daemon.feed.windowCount)
                let s = daemon.status()
                if s.journal.headSeq == UInt64(written), s.sinks.allSatisfy({ $0.appliedSeq == UInt64(written) }) { return }
                usleep(5_000)  // polling the condition, with the deadline above
            }
            XCTFail("sinks at \(daemon.status().sinks.map(\.appliedSeq)), head \(daemon.status().journal.headSeq), want \(written)")
        }

        let all = #"{"name": "all", "into": "sqlite:all.db", "batch": 40}"#
        let orders = #"{"name": "orders", "into": "sqlite:orders.db", "filter": {"entities": ["orders"]}}"#
        let late = #"{"name": "late", "into": "sqlite:late.db", "filter": {"tenants": ["t1"]}, "batch": 25}"#
        var widest = 0
        // Run 1: two sinks with different filters, fed while the source appends.
        journalChanges(1...400)
        _ = try run(sinks: all + ", " + orders) { daemon in
            journalChanges(401...900)
            waitUntilApplied(daemon, window: &widest)
        }
        // Run 2: a third sink starts at seq 1, far behind the window the other two read at the head.
        var readAlone = 0
        _ = try run(sinks: [all, orders, late].joined(separator: ", ")) { daemon in
            journalChanges(901...1_300)
            waitUntilApplied(daemon, window: &widest)
            readAlone = daemon.feed.eventsReadAlone
        }
        XCTAssertGreaterThanOrEqual(readAlone, 900, "the late sink read what was behind the window itself")
        XCTAssertGreaterThan(widest, 0, "the sinks read through the shared window")
        XCTAssertLessThanOrEqual(widest, 200, "the shared window stays within its bound")

        func rows(_ store: String, _ table: String) throws -> [Int: String] {
            try SharedPlanFixture.rows(dir.appendingPathComponent(store).path, table)
        }
        XCTAssertEqual(try rows("all.db", "customers"), expected["customers"])
        XCTAssertEqual(try rows("all.db", "orders"), expected["orders"])
        XCTAssertEqual(try rows("orders.db", "orders"), expected["orders"])
        XCTAssertEqual(try rows("orders.db", "customers"), [:], "the orders sink holds no customer")
        for table in ["customers", "orders"] {
            let t1 = expected[table]!.filter { tenantOf[table]![$0.key] == "t1" }
            XCTAssertEqual(try rows("late.db", table), t1, "the late sink holds exactly tenant t1's \(table)")
        }
    }
}

import Foundation
import Synchronization
import TandemCore
@testable import TandemPipeline
import XCTest

/// Issue 11 (two sinks cost < 1.3× the CPU of one): sinks with the same filter take each shared chunk's key check
/// and write plan made once (`SharedChunk`), and commit the chunks' plans one after the other into their own
/// stores; a sink that fails or falls behind goes its own way without holding up the others.
final class DaemonSharedPlanTests: XCTestCase {
    /// Promise: two unfiltered sinks and two sinks with the same entity filter, fed a journal of inserts, updates,
    /// deletes, key changes and a truncate (caught up, then live), end with stores equal to the model (the filtered
    /// ones to its orders), identical pairwise, and the second sink of a pair took plans the first one made.
    func testSinksWithTheSameFilterSharePlansAndEndEqualToTheModel() throws {
        let f = try SharedPlanFixture(self, window: (chunk: 64, events: 8_192))
        f.journalChanges(transactions: 500)
        var reused = 0
        try f.run(sinks: [#"{"name": "a1", "into": "sqlite:a1.db"}"#,
                          #"{"name": "a2", "into": "sqlite:a2.db", "batch": 150}"#,
                          #"{"name": "o1", "into": "sqlite:o1.db", "filter": {"entities": ["orders"]}}"#,
                          #"{"name": "o2", "into": "sqlite:o2.db", "filter": {"entities": ["orders"]}, "batch": 90}"#]) { daemon in
            f.journalChanges(transactions: 300, truncateOrdersAt: 120)
            try f.waitUntilApplied(daemon, sinks: ["a1", "a2", "o1", "o2"])
            reused = daemon.feed.plansReused.value
        }
        XCTAssertGreaterThan(reused, 0, "a sink took chunk plans another sink with its filter made")
        for store in ["a1.db", "a2.db"] {
            XCTAssertEqual(try f.rows(store, "customers"), f.model["customers"], store)
            XCTAssertEqual(try f.rows(store, "orders"), f.model["orders"], store)
        }
        for store in ["o1.db", "o2.db"] {
            XCTAssertEqual(try f.rows(store, "orders"), f.model["orders"], store)
            XCTAssertEqual(try f.rows(store, "customers"), [:], "\(store) holds no customer")
        }
    }

    /// Promise: a sink whose store cannot be opened (its directory is missing) is degraded and retried while the
    /// other sink, with the same filter, applies everything; once the directory exists the failed sink, now behind
    /// the shared window, reads the journal itself and ends equal to the model too.
    func testASinkWhoseStoreFailsDoesNotStallTheOther() throws {
        let f = try SharedPlanFixture(self, window: (chunk: 32, events: 128))
        f.journalChanges(transactions: 200)
        try f.run(sinks: [#"{"name": "good", "into": "sqlite:good.db"}"#,
                          #"{"name": "bad", "into": "sqlite:later/bad.db"}"#],
                  retry: #"{"initialMs": 20, "maxMs": 100}"#) { daemon in
            f.journalChanges(transactions: 300, truncateOrdersAt: 50)
            try f.waitUntilApplied(daemon, sinks: ["good"])
            let bad = daemon.status().sinks.first { $0.name == "bad" }
            XCTAssertEqual(bad?.state, .degraded, "the sink whose store cannot be opened")
            XCTAssertEqual(bad?.appliedSeq ?? 0, 0)
            XCTAssertEqual(try f.rows("good.db", "orders"), f.model["orders"], "the good sink is not held up")
            try FileManager.default.createDirectory(at: f.dir.appendingPathComponent("later"), withIntermediateDirectories: true)
            try f.waitUntilApplied(daemon, sinks: ["good", "bad"])
            XCTAssertGreaterThan(daemon.feed.eventsReadAlone, 0, "the late sink read what was behind the window itself")
        }
        for store in ["good.db", "later/bad.db"] {
            XCTAssertEqual(try f.rows(store, "customers"), f.model["customers"], store)
            XCTAssertEqual(try f.rows(store, "orders"), f.model["orders"], store)
        }
    }
}

/// A journal of a seeded mix of changes (fed to the daemon through a JSON-lines source), its model, and the daemon.
final class SharedPlanFixture {
    let dir: URL
    let changes: String
    let settings: Daemon.Settings
    /// Per entity, per id: the name the stores must hold.
    private(set) var model: [String: [Int: String]] = ["customers": [:], "orders": [:]]
    private(set) var written = 0
    private var nextID = 1
    private var txn = 0
    private var rng = SplitMix64(seed: 11)

    init(_ test: XCTestCase, window: (chunk: Int, events: Int)) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-shared-plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { [dir] in try? FileManager.default.removeItem(at: dir) }
        changes = dir.appendingPathComponent("changes.jsonl").path
        _ = FileManager.default.createFile(atPath: changes, contents: nil)
        var s = Daemon.Settings()
        s.sharedWindow = window
        settings = s
    }

    /// Appends `transactions` source transactions of 1–4 changes each; the one numbered `truncateOrdersAt` (if any)
    /// empties the orders.
    func journalChanges(transactions: Int, truncateOrdersAt: Int? = nil) {
        var text = ""
        func add(_ e: Event) {
            text += EventJSON.string(e) + "\n"
            written += 1
        }
        for t in 0..<transactions {
            txn += 1
            let x = "x\(txn)"
            if t == truncateOrdersAt {
                add(Event(txn: x, entity: "orders", key: Row(), op: .truncate))
                model["orders"] = [:]
                continue
            }
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let entity = rng.next() % 3 == 0 ? "orders" : "customers"
                let existing = model[entity]!.keys.sorted()
                let pick = existing.isEmpty ? nil : existing[Int(rng.next() % UInt64(existing.count))]
                let name = "n\(written)"
                switch (rng.next() % 10, pick) {
                case (0..<5, _), (_, nil):
                    let id = nextID
                    nextID += 1
                    add(Event(txn: x, entity: entity, key: ["id": .int(Int64(id))], op: .insert,
                              after: ["id": .int(Int64(id)), "name": .string(name)]))
                    model[entity]![id] = name
                case (5..<8, let id?):
                    add(Event(txn: x, entity: entity, key: ["id": .int(Int64(id))], op: .update,
                              after: ["id": .int(Int64(id)), "name": .string(name)]))
                    model[entity]![id] = name
                case (8, let id?):
                    add(Event(txn: x, entity: entity, key: ["id": .int(Int64(id))], op: .delete))
                    model[entity]![id] = nil
                case (_, let id?):
                    // A key change: the source reports the row's delete and its insert under the new key.
                    let new = nextID
                    nextID += 1
                    add(Event(txn: x, entity: entity, key: ["id": .int(Int64(id))], op: .delete))
                    add(Event(txn: x, entity: entity, key: ["id": .int(Int64(new))], op: .insert,
                              after: ["id": .int(Int64(new)), "name": .string(name)]))
                    model[entity]![id] = nil
                    model[entity]![new] = name
                }
            }
        }
        let fd = open(changes, O_WRONLY | O_APPEND)
        defer { close(fd) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, bytes.count) }
    }

    /// Runs a daemon with these sinks while `body` runs, then stops it (exit in time).
    func run(sinks: [String], retry: String? = nil, while body: (Daemon) throws -> Void) throws {
        let config = dir.appendingPathComponent("tandem.json").path
        let retryKey = retry.map { #", "retry": \#($0)"# } ?? ""
        try #"{"journal": "journal", "source": "jsonl:changes.jsonl", "sinks": [\#(sinks.joined(separator: ", "))]\#(retryKey), "http": {"listen": "127.0.0.1:0"}}"#
            .write(toFile: config, atomically: true, encoding: .utf8)
        let log = DaemonLog(format: .text, environment: [:]) { _ in }
        let daemon = try Daemon(config: try DaemonConfig.load(path: config), settings: settings, log: log,
                                notifier: SystemdNotifier(environment: [:]))
        try daemon.start()
        defer { if !daemon.isStopping { daemon.stop(); daemon.wait() } }
        try body(daemon)
        daemon.stop()
        XCTAssertTrue(daemon.wait())
    }

    /// Polls (deadline 60 s) until the journal holds every change written and the named sinks applied them all.
    func waitUntilApplied(_ daemon: Daemon, sinks: [String]) throws {
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            let s = daemon.status()
            if s.journal.headSeq == UInt64(written),
               s.sinks.filter({ sinks.contains($0.name) }).allSatisfy({ $0.appliedSeq == UInt64(written) }) { return }
            usleep(5_000)  // polling the condition, with the deadline above
        }
        XCTFail("sinks at \(daemon.status().sinks.map { "\($0.name) \($0.appliedSeq) \($0.state)" }), head"
                + " \(daemon.status().journal.headSeq), want \(written)")
    }

    /// A store's rows of `table` (id → name), read with the sqlite3 tool.
    func rows(_ store: String, _ table: String) throws -> [Int: String] { try Self.rows(dir.appendingPathComponent(store).path, table) }

    /// The rows of `table` (id → name) of the SQLite file at `path`, read with the sqlite3 tool.
    static func rows(_ path: String, _ table: String) throws -> [Int: String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [path, "SELECT id, name FROM \(table)"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        var r: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "|", maxSplits: 1)
            r[Int(f[0])!] = String(f[1])
        }
        return r
    }
}

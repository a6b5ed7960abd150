import Foundation
import XCTest

/// Issue 13's two-way test through a real `tandem run` with a migration block (SQLite legacy store with its
/// change log, SQLite new store): an application writer on each store, each reading the routing table of its
/// store before a write and writing only tenants routed to it, retrying after a fence refusal; a cohort is
/// moved planned → shadow → reads-new → cut-over → rolled-back → shadow → reads-new → cut-over while both
/// write. After every phase change, with the writers held: both stores hold exactly what the writers were told
/// was written (legacy = new for every tenant, no write lost), each journal holds one event per write made on
/// its side (nothing loops), and every write that failed was refused by a fence.
final class TwoWayCLITests: DaemonTestCase {
    /// What the writers were told: rows by id, writes and fence refusals by side, any other failure.
    final class Ledger: @unchecked Sendable {
        // @unchecked Sendable: every member is read and written under `lock`.
        let lock = NSLock()
        var rows: [Int: String] = [:]
        var writes: [String: Int] = ["legacy": 0, "new": 0]
        var fenced: [String: Int] = ["legacy": 0, "new": 0]
        var unexpected: [String] = []
        var held = false
        var stopped = false

        func with<T>(_ body: (Ledger) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(self) }
    }

    static let tenants = ["acme", "initech", "globex"]

    /// One application: reads its store's route for a tenant, then (in another process, as an application
    /// would) inserts or updates one of the tenant's rows, when the route sends the tenant's writes here.
    func writer(_ side: String, db: String, ledger: Ledger, done: DispatchSemaphore) {
        Thread.detachNewThread {
            var n = 0
            while !ledger.with({ $0.stopped }) {
                for tenant in Self.tenants {
                    let route = (try? runTool("/usr/bin/sqlite3", [db, "SELECT writes FROM _tandem_routing WHERE tenant = '\(tenant)'"]))?
                        .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    guard route == side else { continue }
                    ledger.lock.lock()
                    defer { ledger.lock.unlock() }
                    if ledger.held { break }
                    n += 1
                    let own = ledger.rows.filter { $0.value.hasPrefix("\(tenant)|") }.keys.sorted()
                    let id = n % 3 == 0 && !own.isEmpty ? own[n % own.count] : (side == "legacy" ? 10_000 : 20_000) + n
                    let row = "\(tenant)|\(side) \(n)|\(n)"
                    let sql = ledger.rows[id] == nil
                        ? "INSERT INTO items (id, tenant, name, qty) VALUES (\(id), '\(tenant)', '\(side) \(n)', \(n))"
                        : "UPDATE items SET name = '\(side) \(n)', qty = \(n) WHERE id = \(id)"
                    let r = try? runTool("/usr/bin/sqlite3", ["-bail", "-cmd", ".timeout 10000", db, sql])
                    if let r, r.status == 0 {
                        ledger.rows[id] = row; ledger.writes[side, default: 0] += 1
                    } else if let r, r.stderr.contains("tandem: tenant \(tenant) writes to the ") || r.stderr.contains("tandem: tenant \(tenant) is moving between stores") {
                        ledger.fenced[side, default: 0] += 1
                    } else {
                        ledger.unexpected.append("\(side) writer, \(sql): \(r?.stderr ?? "sqlite3 did not run")")
                    }
                }
                usleep(2_000)
            }
            done.signal()
        }
    }

    func rows(_ db: String) -> [Int: String] {
        let out = (try? runTool("/usr/bin/sqlite3", [db, Self.rows]))?.stdout ?? ""
        var rows: [Int: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1)
            if parts.count == 2, let id = Int(parts[0]) { rows[id] = String(parts[1]) }
        }
        return rows
    }

    func events(_ journal: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: journal) else { return 0 }
        let r = try CLI.run(["journal", "inspect", journal])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").count
    }

    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    func testWritersOnBothStoresWhileACohortMovesThroughEveryPhaseAndBack() throws {
        try writeMigrationConfig()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1), (2, 'initech', 'i', 1), (3, 'globex', 'g', 1);")
        let daemon = try startDaemon()
        daemon.waitForLog("ready:")
        defer { daemon.signal(SIGTERM); daemon.waitForExit() }
        waitUntil("the legacy rows replicated") { rows(newDB).count == 3 }
        XCTAssertEqual(try tandem(["cohort", "create", "pilot", "--tenants", "acme,initech"]).status, 0)
        XCTAssertEqual(try tandem(["cohort", "create", "rest", "--tenants", "globex"]).status, 0)
        let reverseJournal = journal + "-reverse"
        let forwardBase = try events(journal)

        let ledger = Ledger()
        ledger.with { l in for (id, row) in rows(legacy) { l.rows[id] = row } }
        let done = DispatchSemaphore(value: 0)
        writer("legacy", db: legacy, ledger: ledger, done: done)
        writer("new", db: newDB, ledger: ledger, done: done)
        defer {
            ledger.with { $0.stopped = true }
            done.wait(); done.wait()
        }

        /// Lets the writers write `count` more times on `side`, holds them, and checks both stores and journals.
        func settle(after phase: String, writesOn side: String, count: Int = 4, line: UInt = #line) throws {
            let before = ledger.with { $0.writes[side] ?? 0 }
            waitUntil("\(count) writes on the \(side) store in \(phase)", line: line) { ledger.with { $0.writes[side] ?? 0 } >= before + count }
            let (expected, writes, unexpected) = ledger.with { l -> ([Int: String], [String: Int], [String]) in
                l.held = true
                return (l.rows, l.writes, l.unexpected)
            }
            let agree = waitUntil("both stores to hold every write after \(phase)", line: line) {
                rows(legacy) == expected && rows(newDB) == expected
            }
            if !agree {
                let l = rows(legacy), n = rows(newDB)
                let diff = Set(expected.keys).union(l.keys).union(n.keys).sorted().filter { expected[$0] != l[$0] || expected[$0] != n[$0] }
                XCTFail("after \(phase): " + diff.prefix(10).map { "id \($0): told \(expected[$0] ?? "-"), legacy \(l[$0] ?? "-"), new \(n[$0] ?? "-")" }
                    .joined(separator: "; "), line: line)
            }
            XCTAssertEqual(try events(journal) - forwardBase, writes["legacy"], "after \(phase): forward journal events vs legacy writes", line: line)
            XCTAssertEqual(try events(reverseJournal), writes["new"], "after \(phase): reverse journal events vs new-store writes", line: line)
            XCTAssertEqual(unexpected, [], "after \(phase): writes that failed other than on a fence", line: line)
            // The application writing the wrong store is refused by that store's fence.
            let route = try sqlite3(legacy, "SELECT writes FROM _tandem_routing WHERE tenant = 'acme'").trimmingCharacters(in: .whitespacesAndNewlines)
            // With a busy wait: Tandem's own appliers may hold the store's write lock for a moment.
            let probe = try runTool("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", route == "legacy" ? newDB : legacy,
                                                         "INSERT INTO items VALUES (99999, 'acme', 'wrong', 0)"])
            XCTAssertTrue(probe.stderr.contains("tandem: tenant acme writes to the \(route) store since "), "after \(phase): \(probe.stderr)", line: line)
        }
        func resume() { ledger.with { $0.held = false } }
        func advance(_ to: String, line: UInt = #line) throws {
            let r = try tandem(["cohort", "advance", "pilot", "--to", to])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr, line: line)
        }
        func verify(line: UInt = #line) throws {
            let r = try tandem(["verify", "--cohort", "pilot", "--settle", "0.2"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr, line: line)
        }

        try settle(after: "planned", writesOn: "legacy")
        for round in 1...2 {
            resume()
            try advance("shadow")
            try settle(after: "shadow (round \(round))", writesOn: "legacy")
            try verify()
            resume()
            try advance("reads-new")
            try settle(after: "reads-new (round \(round))", writesOn: "legacy")
            if round == 1 {  // the drill gate: a real rehearsal on copies, taken while the daemon runs
                let d = try tandem(["drill", "--cohort", "pilot"])
                XCTAssertEqual(d.status, 0, d.stdout + d.stderr)
            }
            resume()
            try advance("cut-over")
            try settle(after: "cut-over (round \(round))", writesOn: "new")
            guard round == 1 else { break }
            resume()
            let r = try tandem(["cohort", "rollback", "pilot", "--why", "two-way drill"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.hasPrefix("cohort pilot: cut-over → rolled-back\n  steps: fence "), r.stdout)
            try settle(after: "rolled-back", writesOn: "legacy")
        }

        let status = try statusDocument(daemon)
        let reverse = try XCTUnwrap(status["reverse"] as? [String: Any], "\(status)")
        let newWrites = ledger.with { $0.writes["new"] ?? 0 }
        XCTAssertEqual(reverse["state"] as? String, "running")
        XCTAssertEqual(reverse["tenants"] as? [String], ["acme", "initech"])
        XCTAssertEqual(reverse["headSeq"] as? Int, newWrites)
        waitUntil("/status to show the legacy store caught up") {
            ((try? statusDocument(daemon))?["reverse"] as? [String: Any])?["appliedSeq"] as? Int == newWrites
        }
        let metrics = try get(daemon, "/metrics").body
        XCTAssertTrue(metrics.contains("\ntandem_reverse_head_seq \(newWrites)\n"), metrics)
        XCTAssertTrue(metrics.contains("\ntandem_reverse_state{state=\"running\"} 1\n"), metrics)
    }
}

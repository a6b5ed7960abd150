import Foundation
import TandemCore
import XCTest
import TandemTesting

/// Promise (issue 9): `tandem snapshot` then `tandem ingest` of a legacy SQLite database that is written
/// throughout (key changes by `UPDATE … SET key = …`, random doubles, multi-row transactions) puts into the
/// journal each table as of some point plus every change after it, so a replay into SQLite and PostgreSQL
/// equals the legacy tables value for value, doubles bit for bit; killed with SIGKILL during the snapshot and
/// rerun, it journals each existing row exactly once.
final class SnapshotCatchUpTests: XCTestCase {
    /// Legacy rows in the suite; `scripts/soak snapshot` raises it (TANDEM_SNAPSHOT_ROWS) and the kills (TANDEM_TRIALS).
    static let rows = Int(ProcessInfo.processInfo.environment["TANDEM_SNAPSHOT_ROWS"] ?? "") ?? 3_000
    static let kills = Int(ProcessInfo.processInfo.environment["TANDEM_TRIALS"] ?? "") ?? 5

    func testSnapshotThenIngestReplaysToTheLegacyTablesValueForValue() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path, journal = dir.appendingPathComponent("journal").path
        let legacy = try SnapshotLegacy.create(at: db, rows: Self.rows)
        // Enough statements that the application is still writing while the snapshot runs, also when a loaded
        // machine starts `tandem` slowly (500 were sometimes all written before the first chunk was read).
        let work = SnapshotLegacy.workload(steps: max(2_000, Self.rows / 100), rows: Self.rows, seed: 9)
        let writer = try LegacyWriter(db: db, statements: work.statements, pauseMicroseconds: 1_500)
        try waitFor("the application's first change") { try runSQLite(db, "SELECT count(*) FROM _tandem_changes;").stdout != "0\n" }
        let snap = try CLI.run(["snapshot", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--chunk", "64", "--batch", "256"])
        XCTAssertEqual(snap.status, 0, snap.stderr)
        writer.finish()
        let ingest = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)

        let events = try journalEvents(journal)
        let copies = events.filter { $0.op == .snapshot }
        XCTAssertEqual(Dictionary(grouping: copies, by: SnapshotLegacy.name).filter { $0.value.count > 1 }.keys.sorted(), [],
                       "a row copied twice")
        let first = try XCTUnwrap(events.firstIndex { $0.op == .snapshot })
        let last = try XCTUnwrap(events.lastIndex { $0.op == .snapshot })
        XCTAssertGreaterThan(events[first...last].filter { $0.op != .snapshot }.count, 0,
                             "the application wrote during the snapshot (changes are interleaved with the copy)")
        try assertReplayEquals(legacy, journal: journal, dir: dir)
    }

    func testSnapshotKilledRepeatedlyJournalsEachRowOnceAndEndsExact() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path, journal = dir.appendingPathComponent("journal").path
        let rows = Self.rows * 2
        let legacy = try SnapshotLegacy.create(at: db, rows: rows)
        let work = SnapshotLegacy.workload(steps: max(800, rows / 100), rows: rows, seed: 0x5A9)
        let writer = try LegacyWriter(db: db, statements: work.statements, pauseMicroseconds: 1_000)
        let args = ["snapshot", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--chunk", "40", "--batch", "120"]
        var killed = 0
        for _ in 0..<Self.kills {
            let child = Process()
            child.executableURL = CLI.executable
            child.arguments = args
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            let before = journalBytes(journal)
            try child.run()
            // Kill once it has journaled something more: the moment follows observed progress.
            let deadline = Date(timeIntervalSinceNow: 60)
            while child.isRunning, journalBytes(journal) < before + 6_000, Date() < deadline { usleep(1_000) }
            guard child.isRunning else { child.waitUntilExit(); break }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            killed += 1
        }
        XCTAssertEqual(killed, Self.kills, "the snapshot finished before it was killed \(Self.kills) times; give it more rows")
        let rest = try CLI.run(args)
        XCTAssertEqual(rest.status, 0, rest.stderr)
        writer.finish()
        let again = try CLI.run(args)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("customers is already complete"), again.stderr)
        let ingest = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--once"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)

        let copies = try journalEvents(journal).filter { $0.op == .snapshot }
        let counts = Dictionary(grouping: copies, by: SnapshotLegacy.name).mapValues(\.count)
        XCTAssertEqual(counts.filter { $0.value > 1 }.keys.sorted(), [], "rows journaled twice after \(killed) kills")
        let missing = SnapshotLegacy.initialKeys(rows: rows).subtracting(work.deleted).subtracting(counts.keys)
        XCTAssertEqual(missing.sorted().prefix(5), [], "existing rows never journaled (of \(missing.count))")
        try assertReplayEquals(legacy, journal: journal, dir: dir)
    }

    /// Replays the journal into a fresh SQLite file, and into a fresh PostgreSQL database when
    /// TANDEM_TEST_POSTGRES is set, and compares every table with the legacy one value for value.
    private func assertReplayEquals(_ legacy: SnapshotLegacy, journal: String, dir: URL,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let target = dir.appendingPathComponent("new.db").path
        let replay = try CLI.run(["replay", "--journal", journal, "--into", "sqlite:\(target)"])
        XCTAssertEqual(replay.status, 0, replay.stderr, file: file, line: line)
        let want = try legacy.dump()
        assertEqual(try legacy.dump(target), want, "SQLite", file: file, line: line)
        let env = ProcessInfo.processInfo.environment
        guard env["TANDEM_TEST_POSTGRES"] != nil, let host = env["PGHOST"], let port = env["PGPORT"], let user = env["PGUSER"] else { return }
        let name = "snap_" + UUID().uuidString.prefix(8).lowercased()
        let created = try psql(["-d", "postgres", "-c", "CREATE DATABASE \(name)"])
        XCTAssertEqual(created.status, 0, created.stderr, file: file, line: line)
        defer { _ = try? psql(["-d", "postgres", "-c", "DROP DATABASE IF EXISTS \(name)"]) }
        let pg = try CLI.run(["replay", "--journal", journal, "--into", "postgres:///\(name)?host=\(host)&port=\(port)&user=\(user)"])
        XCTAssertEqual(pg.status, 0, pg.stderr, file: file, line: line)
        assertEqual(try legacy.dumpPostgres(name), want, "PostgreSQL", file: file, line: line)
    }

    private func assertEqual(_ got: [String: [String]], _ want: [String: [String]], _ store: String,
                             file: StaticString, line: UInt) {
        for t in SnapshotLegacy.tables {
            let w = want[t.name] ?? [], g = got[t.name] ?? []
            XCTAssertEqual(g.count, w.count, "\(store) \(t.name): rows", file: file, line: line)
            if let i = w.indices.first(where: { $0 < g.count && w[$0] != g[$0] }) {
                XCTFail("\(store) \(t.name): row \(i) is \(g[i]), the legacy table has \(w[i])", file: file, line: line)
            }
        }
    }

    private func waitFor(_ what: String, timeout: TimeInterval = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while try !condition() {
            guard Date() < deadline else { return XCTFail("timed out after \(Int(timeout)) s waiting for \(what)") }
            usleep(2_000)
        }
    }

    private func journalEvents(_ journal: String) throws -> [Event] {
        let r = try CLI.run(["journal", "inspect", journal])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try r.stdout.split(separator: "\n").map { try EventJSON.decode(String($0)) }
    }

    /// The bytes of the journal's segments (0 before it exists).
    private func journalBytes(_ journal: String) -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: journal)) ?? []
        return files.filter { $0.hasSuffix(".seg") }.reduce(0) { sum, f in
            sum + ((try? FileManager.default.attributesOfItem(atPath: journal + "/" + f)[.size] as? Int) ?? 0)
        }
    }
}

/// Promise: a snapshot that cannot be exact is refused with one line naming the table and what to do.
final class SnapshotRefusalTests: XCTestCase {
    func testSnapshotRefusesATableWithoutAPrimaryKey() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path
        XCTAssertEqual(try runSQLite(db, "CREATE TABLE log (at TEXT, line TEXT); INSERT INTO log VALUES ('now', 'x'); CREATE TABLE a (id INTEGER PRIMARY KEY);").status, 0)
        XCTAssertEqual(try CLI.run(["source", "install-triggers", "--db", db, "--tables", "a"]).status, 0)
        let r = try CLI.run(["snapshot", "--source", "sqlite-changelog:\(db)", "--journal", dir.appendingPathComponent("j").path,
                             "--entities", "log"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("table \"log\" has no primary key"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").filter { !$0.contains("created journal") }.count, 1, r.stderr)
    }

    func testSnapshotRefusesATableWithoutTriggers() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path
        XCTAssertEqual(try runSQLite(db, "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY);").status, 0)
        XCTAssertEqual(try CLI.run(["source", "install-triggers", "--db", db, "--tables", "a"]).status, 0)
        let j = dir.appendingPathComponent("j").path
        let r = try CLI.run(["snapshot", "--source", "sqlite-changelog:\(db)", "--journal", j, "--entities", "a,b"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("table \"b\" has no Tandem triggers"), r.stderr)
        let jsonl = try CLI.run(["snapshot", "--source", "jsonl:\(db)", "--journal", j])
        XCTAssertEqual(jsonl.status, 64, jsonl.stderr)
    }
}

/// Promise: snapshot rows take the mapping like ingest's changes (a bad row goes to the quarantine with its
/// reason), and `--json` reports progress as JSON lines ending in one with `"done": true`.
final class SnapshotMappingTests: XCTestCase {
    func testSnapshotRowsFailingTheMappingGoToTheQuarantineWithTheirReasonAndJSONProgressEndsDone() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path, journal = dir.appendingPathComponent("j").path
        XCTAssertEqual(try runSQLite(db, """
            CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
              INSERT INTO customers SELECT i, CASE WHEN i % 10 = 0 THEN 'broken' ELSE 'u' || i || '@example.org' END FROM n;
            """).status, 0)
        XCTAssertEqual(try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers"]).status, 0)
        let mapping = dir.appendingPathComponent("mapping.json").path
        try Data(#"{"entities":{"customers":{"columns":{"email":{"validate":{"regex":"@example\\.org$"}}}}}}"#.utf8)
            .write(to: URL(fileURLWithPath: mapping))
        let r = try CLI.run(["snapshot", "--source", "sqlite-changelog:\(db)", "--journal", journal, "--mapping", mapping, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }
        let last = try JSONValue.parse(String(try XCTUnwrap(lines.last)))
        XCTAssertEqual(last["done"], .bool(true))
        XCTAssertEqual(last["rows"]?.int64, 50)
        XCTAssertEqual(last["tableEstimate"]?.int64, 50)
        XCTAssertEqual(last["quarantined"]?.int64, 5)
        XCTAssertEqual(last["tablesDone"]?.int64, 1)
        let q = try CLI.run(["quarantine", "list", "--journal", journal])
        XCTAssertEqual(q.status, 0, q.stderr)
        XCTAssertEqual(q.stdout.split(separator: "\n").filter { $0.contains("regex") }.count, 5, q.stdout)
        let events = try CLI.run(["journal", "inspect", journal]).stdout.split(separator: "\n")
        XCTAssertEqual(events.count, 45, "the good rows are journaled")
    }
}

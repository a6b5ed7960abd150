import Foundation
import TandemTesting
import XCTest
import TandemCore
import TandemPostgres
@testable import TandemSources

/// Change capture on a PostgreSQL store (the new store, for reverse replication): the same change table as the
/// SQLite triggers, ids in commit order, Tandem's own applying transaction (`SET LOCAL tandem.applying = 'on'`)
/// not captured, read back by the `postgres-changelog` source. Needs the test cluster (TANDEM_TEST_POSTGRES).
final class PostgresCaptureTests: XCTestCase {
    var conninfo = ""
    var connections: [PostgresConnection] = []

    override func setUpWithError() throws {
        let env = ProcessInfo.processInfo.environment
        guard let base = env["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if env["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (run `eval \"$(scripts/postgres start)\"` or scripts/test)")
        }
        let r = try PostgresRedactor(conninfo: base)
        let admin = try PostgresConnection(conninfo: base, redactor: r)
        defer { admin.close() }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try admin.query("CREATE DATABASE \(name)")
        conninfo = (["dbname=\(name)"] + ["host", "port", "user", "password"].compactMap { k in r.fields[k].map { "\(k)=\($0)" } })
            .joined(separator: " ")
    }

    override func tearDown() { for c in connections { c.close() } }

    func connect() throws -> PostgresConnection {
        let c = try PostgresConnection(conninfo: conninfo, redactor: PostgresRedactor(conninfo: conninfo))
        connections.append(c)
        return c
    }

    func changes(_ c: PostgresConnection) throws -> [String] {
        let r = try c.query("SELECT op || ' ' || key FROM _tandem_changes ORDER BY id")
        return (0..<r.count).map { r[$0, 0]! }
    }

    func readAll(_ s: PostgresChangeLogSource, limit: Int = 1000) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        while true {
            let r = try s.read(limit: limit, wait: nil, stop: nil)
            if r.isEmpty { return out }
            out += r
        }
    }

    func makeTracks(_ c: PostgresConnection) throws {
        try c.query("""
            CREATE TABLE tracks (id integer PRIMARY KEY, name text NOT NULL, unit_price numeric(10,2), added timestamptz,
                                 ratio double precision, art bytea, released date)
            """)
        try PostgresChangeTableTriggers.install(c, tables: ["tracks"])
    }

    func testAWriteWithTheMarkerIsNotCapturedAndWithoutItIs() throws {
        let c = try connect()
        try makeTracks(c)
        // Tandem's applying transaction: the marker is transaction-local.
        try c.query("BEGIN")
        try c.query("SET LOCAL tandem.applying = 'on'")
        try c.query("INSERT INTO tracks VALUES (1, 'Balls to the Wall', 0.99, '2009-01-01 10:00:00+01', 0.5, '\\x0102', '1983-01-01')")
        try c.query("UPDATE tracks SET unit_price = 1.99 WHERE id = 1")
        try c.query("INSERT INTO tracks (id, name) VALUES (2, 'Fast As a Shark')")
        try c.query("DELETE FROM tracks WHERE id = 2")
        try c.query("COMMIT")
        XCTAssertEqual(try changes(c), [], "Tandem's own writes were captured back")
        XCTAssertEqual(try c.query("SELECT unit_price::text FROM tracks")[0, 0], "1.99")
        // The setting ended with the transaction: the application's next writes are captured.
        try c.query("UPDATE tracks SET name = 'Restless and Wild' WHERE id = 1")
        try c.query("INSERT INTO tracks (id, name) VALUES (3, 'Princess of the Dawn')")
        try c.query("UPDATE tracks SET id = 4 WHERE id = 3")
        try c.query("DELETE FROM tracks WHERE id = 4")
        // A session-wide setting other than 'on' does not hide anything.
        try c.query("SET tandem.applying = 'off'")
        try c.query("UPDATE tracks SET ratio = 0.25 WHERE id = 1")
        XCTAssertEqual(try changes(c), [#"update {"id": 1}"#, #"insert {"id": 3}"#, #"delete {"id": 3}"#, #"insert {"id": 4}"#,
                                        #"delete {"id": 4}"#, #"update {"id": 1}"#])

        // Read back by the source with typed values.
        let s = PostgresChangeLogSource(.init(conninfo: conninfo))
        try s.open(after: nil)
        defer { s.close() }
        let records = try readAll(s)
        XCTAssertEqual(records.map(\.position), ["1/6", "2/6", "3/6", "4/6", "5/6", "6"], "one range, as sqlite-changelog reads it")
        XCTAssertEqual(Set(records.compactMap { $0.change?.txn }), ["postgres-changelog:6"])
        let first = try XCTUnwrap(records.first?.change)
        XCTAssertEqual(first.entity, "tracks")
        XCTAssertEqual(first.op, .update)
        XCTAssertEqual(first.key, ["id": .int(1)])
        XCTAssertTrue(first.beforeComplete)
        XCTAssertEqual(first.after?["name"], .string("Restless and Wild"))
        XCTAssertEqual(first.after?["unit_price"], .decimal("1.99"))
        XCTAssertEqual(first.after?["added"], .timestamp(try Timestamp(rfc3339: "2009-01-01T09:00:00Z")))
        XCTAssertEqual(first.after?["ratio"], .double(0.5))
        XCTAssertEqual(first.after?["art"], .bytes([1, 2]))
        XCTAssertEqual(first.after?["released"], .string("1983-01-01"))
        XCTAssertEqual(first.before?["name"], .string("Balls to the Wall"))
        XCTAssertEqual(records.last?.change?.after?["ratio"], .double(0.25))
        XCTAssertEqual(records[1].change?.after?["unit_price"], .null)
    }

    func testIdsFollowCommitOrderSoEveryIdUpToTheNewestIsCommitted() throws {
        let a = try connect(), b = try connect()
        try makeTracks(a)
        try a.query("BEGIN")
        try a.query("INSERT INTO tracks (id, name) VALUES (1, 'first written, committed last')")
        try b.query("BEGIN")
        try b.query("INSERT INTO tracks (id, name) VALUES (2, 'written second, committed first')")
        try b.query("COMMIT")
        let s = PostgresChangeLogSource(.init(conninfo: conninfo))
        try s.open(after: nil)
        defer { s.close() }
        XCTAssertEqual(try readAll(s).compactMap { $0.change?.key }, [["id": .int(2)]])
        try a.query("COMMIT")
        // The change of the transaction that committed later has the larger id: the reader does not skip it.
        XCTAssertEqual(try readAll(s).compactMap { $0.change?.key }, [["id": .int(1)]])
    }

    func testABacklogIsReadInBatchesAndResumesInsideItsRange() throws {
        let c = try connect()
        try makeTracks(c)
        try c.query("INSERT INTO tracks (id, name) SELECT g, 'track ' || g FROM generate_series(1, 40) g")
        let s = PostgresChangeLogSource(.init(conninfo: conninfo, prune: true))
        try s.open(after: nil)
        let first = try s.read(limit: 2, wait: nil, stop: nil)  // 40 > 16 × 2: read in batches of 2
        XCTAssertEqual(first.map(\.position), ["1/40", "2/40"])
        XCTAssertEqual(first.first?.change?.txn, "postgres-changelog:40")
        try s.acknowledge(through: "2/40")
        s.close()
        XCTAssertEqual(try c.query("SELECT min(id) FROM _tandem_changes")[0, 0], "3", "acknowledged rows are pruned")
        let again = PostgresChangeLogSource(.init(conninfo: conninfo))
        try again.open(after: "2/40")
        defer { again.close() }
        let rest = try readAll(again, limit: 100)
        XCTAssertEqual(rest.count, 38)
        XCTAssertEqual(rest.last?.position, "40")
        XCTAssertEqual(Set(rest.compactMap { $0.change?.txn }), ["postgres-changelog:40"])
    }

    func testALostConnectionIsMadeAgainWhileFollowingAndIsTryAgainReadingOnce() throws {
        let c = try connect()
        try makeTracks(c)
        try c.query("INSERT INTO tracks (id, name) VALUES (1, 'before')")
        let log = LogLines()
        let s = PostgresChangeLogSource(.init(conninfo: conninfo, log: log.sink))
        try s.open(after: nil)
        defer { s.close() }
        XCTAssertEqual(try s.read(limit: 100, wait: nil, stop: nil).map(\.position), ["1"])
        func dropSourceConnections() throws {
            let killed = try c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            XCTAssertEqual(killed.count, 1)
        }
        try dropSourceConnections()
        try c.query("INSERT INTO tracks (id, name) VALUES (2, 'after')")
        var got: [SourceRecord] = []
        XCTAssertTrue(try eventually { got += try s.read(limit: 100, wait: .milliseconds(500), stop: nil); return !got.isEmpty })
        XCTAssertEqual(got.map(\.position), ["2"], "nothing lost, nothing twice")
        XCTAssertEqual(log.all.count, 2, "\(log.all)")
        XCTAssertTrue(log.all.first?.contains("the connection was lost") == true, "\(log.all)")
        XCTAssertTrue(log.all.last?.contains("connected again; reading the change table after id 1") == true, "\(log.all)")
        // Reading once, a lost connection is "try again" (exit 75), and the next read goes on.
        try dropSourceConnections()
        XCTAssertThrowsError(try s.read(limit: 100, wait: nil, stop: nil)) { e in
            XCTAssertEqual((e as? SourceError)?.category, .tryAgain, "\(e)")
        }
        try c.query("INSERT INTO tracks (id, name) VALUES (3, 'later')")
        XCTAssertEqual(try s.read(limit: 100, wait: nil, stop: nil).map(\.position), ["3"])
    }

    func testAMissingOrUnkeyedTableIsRefused() throws {
        let c = try connect()
        try c.query("CREATE TABLE loose (a int, b text)")
        XCTAssertThrowsError(try PostgresChangeTableTriggers.install(c, tables: ["loose"])) { e in
            XCTAssertTrue("\(e)".contains("table \"loose\""), "\(e)")
        }
        XCTAssertThrowsError(try PostgresChangeTableTriggers.install(c, tables: ["nothere"])) { e in
            XCTAssertTrue("\(e)".contains("table \"nothere\" does not exist"), "\(e)")
        }
        XCTAssertThrowsError(try PostgresChangeTableTriggers.install(c, tables: ["_tandem_changes"]))
        let s = PostgresChangeLogSource(.init(conninfo: conninfo))
        XCTAssertThrowsError(try s.open(after: nil)) { e in
            XCTAssertTrue("\(e)".contains("no change table _tandem_changes"), "\(e)")
        }
    }
}

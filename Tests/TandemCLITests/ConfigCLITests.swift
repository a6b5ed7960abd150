import Foundation
import XCTest
import TandemTesting

/// `tandem config check` and `tandem config example`, run as an operator runs them.
final class ConfigCLITests: XCTestCase {
    let smallest = """
    {"journal": "journal",
     "source": "sqlite-changelog:legacy.db",
     "mapping": "mapping.json",
     "sinks": [{"name": "new", "into": "sqlite:new.db"},
               {"name": "pg", "into": "postgres:///newdb?host=/run/postgresql"}],
     "http": {"listen": "127.0.0.1:9187"}}
    """

    func testExampleOutputPassesCheck() throws {
        let dir = try temporaryDirectory(self)
        let example = try CLI.run(["config", "example"])
        XCTAssertEqual(example.status, 0, example.stderr)
        XCTAssertEqual(example.stderr, "")
        try Data(example.stdout.utf8).write(to: dir.appendingPathComponent("tandem.json"))
        let check = try CLI.run(["config", "check", "tandem.json"], in: dir)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stderr, "")
        XCTAssertTrue(check.stdout.hasPrefix("ok: 2 sinks (new → sqlite:"), check.stdout)
    }

    func testSmallestConfigChecksOkWithSinksSourceAndJournal() throws {
        let dir = try temporaryDirectory(self)
        try Data(smallest.utf8).write(to: dir.appendingPathComponent("tandem.json"))
        let r = try CLI.run(["config", "check", dir.appendingPathComponent("tandem.json").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let d = dir.path
        XCTAssertEqual(r.stdout, "ok: 2 sinks (new → sqlite:\(d)/new.db, pg → postgres://[/run/postgresql]/newdb),"
                       + " source sqlite-changelog:legacy.db, journal \(d)/journal\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: d + "/journal"), "check created the journal")
        XCTAssertFalse(FileManager.default.fileExists(atPath: d + "/new.db"), "check created a store")
    }

    func testEachFaultIsOneStderrLineWithItsJSONPathAndExit65() throws {
        let dir = try temporaryDirectory(self)
        let bad = smallest.replacingOccurrences(of: #"{"name": "pg", "into""#, with: #"{"name": "pg", "intoo""#)
            .replacingOccurrences(of: "127.0.0.1:9187", with: "127.0.0.1:99999")
        try Data(bad.utf8).write(to: dir.appendingPathComponent("bad.json"))
        let r = try CLI.run(["config", "check", "bad.json"], in: dir)
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, """
        tandem: bad.json: $.sinks[1].intoo: unknown key; did you mean "into"?
        tandem: bad.json: $.sinks[1]: missing required key "into"
        tandem: bad.json: $.http.listen: the port is not a number from 0 to 65535; expected 127.0.0.1:PORT, [::1]:PORT or localhost:PORT

        """)
    }

    func testJSONOutputListsFaultsWithPaths() throws {
        let dir = try temporaryDirectory(self)
        try Data(#"{"journal": "j", "source": "sqlite-changelog:l.db", "sinks": [{"name": "a", "into": "sqlite:a.db", "batch": -1}]}"#.utf8)
            .write(to: dir.appendingPathComponent("c.json"))
        let r = try CLI.run(["config", "check", "--json", "c.json"], in: dir)
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, #"{"ok":false,"error":"c.json: $.sinks[0].batch: -1 is out of range; expected 1 to 1000000","faults":[{"path":"$.sinks[0].batch","message":"-1 is out of range; expected 1 to 1000000"}]}"# + "\n")
    }

    func testMissingFileExits66AndUsageExits64() throws {
        let dir = try temporaryDirectory(self)
        let missing = try CLI.run(["config", "check", "nope.json"], in: dir)
        XCTAssertEqual(missing.status, 66)
        XCTAssertEqual(missing.stderr, "tandem: nope.json: no such config file\n")
        let usage = try CLI.run(["config", "check"], in: dir)
        XCTAssertEqual(usage.status, 64)
        XCTAssertEqual(usage.stderr, "tandem: config check: missing FILE\n")
        let verb = try CLI.run(["config", "chek"], in: dir)
        XCTAssertEqual(verb.status, 64)
        XCTAssertEqual(verb.stderr, "tandem: config: unknown verb 'chek', one of: check, example\n")
    }

    /// A fault about a sink whose connection string holds a password never prints the password.
    func testCheckNeverPrintsAPassword() throws {
        let dir = try temporaryDirectory(self)
        let config = #"{"journal": "j", "source": "sqlite-changelog:l.db", "sinks": [{"name": "pg", "into": "postgres://app:${PGPASS}@db:x/newdb"}, {"name": "pg", "into": "postgres://app:${PGPASS}@db/newdb"}]}"#
        try Data(config.utf8).write(to: dir.appendingPathComponent("c.json"))
        let r = try CLI.run(["config", "check", "c.json"], environment: ["PGPASS": "hunter2secret"], in: dir)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("$.sinks[1].name: sink name \"pg\" is already used"), r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("hunter2"), r.stderr)
        let ok = #"{"journal": "j", "source": "sqlite-changelog:l.db", "sinks": [{"name": "pg", "into": "postgres://app:${PGPASS}@db/newdb"}]}"#
        try Data(ok.utf8).write(to: dir.appendingPathComponent("ok.json"))
        for args in [["config", "check", "ok.json"], ["config", "check", "--json", "ok.json"]] {
            let good = try CLI.run(args, environment: ["PGPASS": "hunter2secret"], in: dir)
            XCTAssertEqual(good.status, 0, good.stderr)
            XCTAssertTrue(good.stdout.contains("postgres://app@db/newdb"), good.stdout)
            XCTAssertFalse(good.stdout.contains("hunter2"), good.stdout)
        }
    }
}

import Foundation
import XCTest
@testable import TandemPipeline

/// Each kind of fault is reported at its JSON path with a message that says what is accepted.
final class DaemonConfigFaultTests: XCTestCase {
    func testNotJSONIsOneFaultAtTheRoot() throws {
        let dir = try configDirectory(self)
        let f = try faults(#"{"journal": "#, in: dir)
        XCTAssertEqual(f.count, 1)
        XCTAssertTrue(f[0].hasPrefix("$: not valid JSON: "), f[0])
    }

    func testDuplicateKeyIsRefusedWithItsPath() throws {
        let dir = try configDirectory(self)
        XCTAssertEqual(try faults(smallest(sinks: #"[{"name": "a", "into": "sqlite:a.db", "name": "b"}]"#), in: dir),
                       [#"$.sinks[0].name: duplicate key "name"; each key may appear once in an object"#])
    }

    func testOutOfRangeNumberIsRefusedWithItsPath() throws {
        let dir = try configDirectory(self)
        XCTAssertEqual(try faults(smallest(sinks: #"[{"name": "a", "into": "sqlite:a.db", "batch": 1e999}]"#), in: dir),
                       ["$.sinks[0].batch: the number 1e999 is out of range (beyond ±1.8e308)"])
    }

    func testUnknownKeyIsRefusedWithItsPathAndTheNearestKnownKey() throws {
        let dir = try configDirectory(self)
        let sinks = #"[{"name": "new", "into": "sqlite:new.db"}, {"name": "pg", "intoo": "postgres:///newdb"}]"#
        XCTAssertEqual(try faults(smallest(sinks: sinks, extra: #""colour": "blue""#), in: dir), [
            #"$.colour: unknown key; expected one of journal, segmentSize, source, mapping, sinks, retry, http, logFormat, migration, snapshot, notify"#,
            #"$.sinks[1].intoo: unknown key; did you mean "into"?"#,
            #"$.sinks[1]: missing required key "into""#,
        ])
        XCTAssertEqual(try faults(smallest(http: #"{"Listen": "127.0.0.1:1"}"#), in: dir),
                       [#"$.http.Listen: unknown key; did you mean "listen"?"#])
    }

    func testRequiredKeysAndTypesAreNamed() throws {
        let dir = try configDirectory(self)
        XCTAssertEqual(try faults(#"{"journal": 7, "sinks": {}}"#, in: dir), [
            "$.journal: expected a string, not a number",
            #"$: missing required key "source""#,
            "$.sinks: expected a list of sinks, not an object",
        ])
        XCTAssertEqual(try faults(smallest(sinks: "[]"), in: dir), ["$.sinks: needs at least one sink"])
        XCTAssertEqual(try faults("[1]", in: dir), ["$: expected an object, not a list"])
    }

    func testSinkNamesMustBeUniqueAndNonEmpty() throws {
        let dir = try configDirectory(self)
        let sinks = #"[{"name": "a", "into": "sqlite:a.db"}, {"name": "", "into": "sqlite:b.db"}, {"name": "a", "into": "sqlite:c.db"}]"#
        XCTAssertEqual(try faults(smallest(sinks: sinks), in: dir), [
            "$.sinks[1].name: must not be empty",
            #"$.sinks[2].name: sink name "a" is already used by $.sinks[0]; each sink needs its own name"#,
        ])
    }

    func testSourceAndSinkSpecsAreCheckedWithoutOpeningAnything() throws {
        let dir = try configDirectory(self)
        let text = smallest(sinks: #"[{"name": "a", "into": "mysql://x"}]"#)
            .replacingOccurrences(of: "sqlite-changelog:legacy.db", with: "sqlite-changelog:legacy.db?prune=maybe")
        XCTAssertEqual(try faults(text, in: dir), [
            #"$.source: source "sqlite-changelog:legacy.db?prune=maybe": prune must be true or false"#,
            #"$.sinks[0].into: unknown kind of sink; expected sqlite:PATH, postgres://… / postgresql://…, a JSON object {"kind":…} or a .json file"#,
        ])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/legacy.db"), "checking opened the source")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/new.db"), "checking opened a sink")
    }

    func testSinkNameIsGivenOnceNotAlsoInsideAJSONInto() throws {
        let dir = try configDirectory(self)
        let sinks = #"[{"name": "a", "into": "{\"kind\":\"sqlite\",\"path\":\"a.db\",\"name\":\"b\"}"}]"#
        XCTAssertEqual(try faults(smallest(sinks: sinks), in: dir),
                       [#"$.sinks[0].into: names the sink "b" but the sink's "name" is "a"; give the name once, in "name""#])
        let same = #"[{"name": "a", "into": "{\"kind\":\"sqlite\",\"path\":\"a.db\",\"name\":\"a\",\"synchronous\":\"normal\"}"}]"#
        let c = try DaemonConfig.load(path: try write(smallest(sinks: same), in: dir), environment: [:])
        XCTAssertEqual(c.sinks[0].spec.kind, .sqlite(path: dir + "/a.db", synchronous: .normal))
    }

    func testIntoMayBeAJSONObjectWhoseKeysAreCheckedStrictly() throws {
        let dir = try configDirectory(self)
        let sinks = #"[{"name": "a", "into": {"kind": "sqlite", "path": "a.db", "synchronus": "normal"}}]"#
        XCTAssertEqual(try faults(smallest(sinks: sinks), in: dir),
                       [#"$.sinks[0].into.synchronus: unknown key; did you mean "synchronous"?"#])
        XCTAssertEqual(try faults(smallest(sinks: #"[{"name": "a", "into": {"kind": "sqlite", "path": 7}}]"#), in: dir),
                       ["$.sinks[0].into.path: expected a string, not a number"])
        let good = #"[{"name": "a", "into": {"kind": "postgres", "url": "postgres://app:${PW}@db/x"}}, {"name": "b", "into": {"kind": "sqlite", "path": "b.db", "synchronous": "normal"}}]"#
        let c = try DaemonConfig.load(path: try write(smallest(sinks: good), in: dir), environment: ["PW": "pw"])
        XCTAssertEqual(c.sinks[0].spec.kind, .postgres(conninfo: "postgres://app:pw@db/x"))
        XCTAssertEqual(c.sinks[1].spec.kind, .sqlite(path: dir + "/b.db", synchronous: .normal))
    }

    func testFilterBatchRetryAndLogFormatRangesAreChecked() throws {
        let dir = try configDirectory(self)
        let sinks = #"[{"name": "a", "into": "sqlite:a.db", "batch": 0, "filter": {"entities": [], "tenants": ["x", "x", 3], "tenant": []}}]"#
        XCTAssertEqual(try faults(smallest(sinks: sinks, extra: #""retry": {"initialMs": 5000, "maxMs": 10}, "logFormat": "xml""#), in: dir), [
            #"$.sinks[0].filter.tenant: unknown key; did you mean "tenants"?"#,
            "$.sinks[0].filter.entities: an empty list passes nothing; leave the key out to pass everything",
            #"$.sinks[0].filter.tenants[1]: "x" is listed twice"#,
            "$.sinks[0].filter.tenants[2]: expected a non-empty string, not a number",
            "$.sinks[0].batch: 0 is out of range; expected 1 to 1000000",
            "$.retry.maxMs: 10 is less than initialMs (5000)",
            #"$.logFormat: expected "text" or "json", not "xml""#,
        ])
    }

    func testSnapshotIsABooleanDefaultingToTrue() throws {
        let dir = try configDirectory(self)
        XCTAssertEqual(try faults(smallest(extra: #""snapshot": "no""#), in: dir), ["$.snapshot: expected true or false, not a string"])
        XCTAssertTrue(try DaemonConfig.load(path: try write(smallest(), in: dir), environment: [:]).snapshot)
        XCTAssertFalse(try DaemonConfig.load(path: try write(smallest(extra: #""snapshot": false"#), in: dir), environment: [:]).snapshot)
    }

    func testSegmentSizeOutsideItsFormOrRangeIsRefused() throws {
        let dir = try configDirectory(self)
        XCTAssertEqual(try faults(smallest(extra: #""segmentSize": "64 MB!""#), in: dir),
                       [#"$.segmentSize: expected a size such as 67108864, "64 MiB" or "8KB" (KB = 1000 bytes, KiB = 1024)"#])
        XCTAssertEqual(try faults(smallest(extra: #""segmentSize": "1 KiB""#), in: dir),
                       ["$.segmentSize: 1024 bytes is out of range; expected 4 KiB to 1 TiB"])
    }

    func testListenAddressMustBeLoopbackUnlessAllowed() throws {
        let dir = try configDirectory(self)
        XCTAssertEqual(try faults(smallest(http: #"{"listen": "0.0.0.0:9187"}"#), in: dir), [
            #"$.http.listen: 0.0.0.0:9187 is reachable from other machines; listen on 127.0.0.1 or [::1], or set "allowNonLoopback": true (the endpoint has no authentication)"#,
        ])
        let allowed = try DaemonConfig.load(path: try write(smallest(http: #"{"listen": "0.0.0.0:9187", "allowNonLoopback": true}"#), in: dir),
                                            environment: [:])
        XCTAssertEqual(allowed.http.listen.description, "0.0.0.0:9187")
        XCTAssertEqual(try faults(smallest(http: #"{"listen": "9187"}"#), in: dir),
                       ["$.http.listen: no port; expected 127.0.0.1:PORT, [::1]:PORT or localhost:PORT"])
        XCTAssertEqual(try faults(smallest(http: #"{"listen": "127.0.0.1:70000"}"#), in: dir),
                       ["$.http.listen: the port is not a number from 0 to 65535; expected 127.0.0.1:PORT, [::1]:PORT or localhost:PORT"])
        XCTAssertEqual(try faults(smallest(http: #"{"listen": "::1:9187"}"#), in: dir),
                       ["$.http.listen: an IPv6 host is written [HOST]:PORT; expected 127.0.0.1:PORT, [::1]:PORT or localhost:PORT"])
    }

    func testMigrationNewMustNameASink() throws {
        let dir = try configDirectory(self)
        XCTAssertEqual(try faults(smallest(extra: #""migration": {"new": "nwe", "legacy": "sqlite:legacy.db"}"#), in: dir), [
            #"$.migration.new: no sink is named "nwe"; expected one of "new", "pg""#,
        ])
        XCTAssertEqual(try faults(smallest(extra: #""migration": {"new": "new", "legacy": "sqlite:legacy.db", "maxForwardLagSeconds": -1}"#), in: dir), [
            #"$.migration.maxForwardLagSeconds: expected a number of seconds from 0 to 86400"#,
        ])
    }
}

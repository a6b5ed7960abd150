import Foundation
import TandemCore
import TandemSinks
import TandemSources
import XCTest
@testable import TandemPipeline

final class DaemonConfigTests: XCTestCase {
    /// The issue's smallest config is the contract: it loads, with every relative path under the file's directory.
    func testSmallestConfigLoadsWithPathsRelativeToTheConfigFile() throws {
        let dir = try configDirectory(self)
        try FileManager.default.createDirectory(atPath: dir + "/etc", withIntermediateDirectories: true)
        let path = try write(smallest(), "etc/tandem.json", in: dir)
        let c = try DaemonConfig.load(path: path, environment: [:])
        XCTAssertEqual(c.journal, dir + "/etc/journal")
        XCTAssertEqual(c.source.kind, .sqliteChangelog)
        XCTAssertEqual(c.source.path, dir + "/etc/legacy.db")
        XCTAssertEqual(c.sourceText, "sqlite-changelog:legacy.db")
        XCTAssertEqual(c.mapping, dir + "/etc/mapping.json")
        XCTAssertEqual(c.sinks.map(\.name), ["new", "pg"])
        XCTAssertEqual(c.sinks[0].spec.kind, .sqlite(path: dir + "/etc/new.db", synchronous: .full))
        XCTAssertEqual(c.sinks[0].spec.name, "new", "the sink's name is its checkpoint row")
        XCTAssertEqual(c.sinks[1].spec.kind, .postgres(conninfo: "postgres:///newdb?host=/run/postgresql"))
        XCTAssertEqual(c.sinks[1].batchSize, 10_000)
        XCTAssertEqual(c.sinks[1].filter, ReplayFilter())
        XCTAssertEqual(c.http.listen.description, "127.0.0.1:9187")
        XCTAssertEqual(c.logFormat, .text)
        XCTAssertNil(c.segmentSize)
        XCTAssertNil(c.migration)
    }

    /// A `postgres-changelog:` source keeps its connection string as written (it is no path), and logs and
    /// `/status` show it without its password.
    func testAPostgresChangelogSourceIsNoPathAndShowsNoPassword() throws {
        let dir = try configDirectory(self)
        let uri = "postgres://app:s3cret@db.example/legacy?sslmode=disable"
        let path = try write(#"{"journal": "journal", "source": "postgres-changelog:\#(uri)", "sinks": [{"name": "new", "into": "sqlite:new.db"}]}"#,
                             in: dir)
        let c = try DaemonConfig.load(path: path, environment: [:])
        XCTAssertEqual(c.source.kind, .postgresChangelog)
        XCTAssertEqual(c.source.path, uri)
        XCTAssertEqual(c.sourceText, "postgres-changelog:postgres://app@db.example/legacy")
        XCTAssertFalse(c.summary.contains("s3cret"), c.summary)
    }

    /// A config given by a relative path resolves against the file, not against the working directory's parent.
    func testRelativeConfigPathResolvesAgainstTheWorkingDirectory() throws {
        let dir = try configDirectory(self)
        try write(smallest(), in: dir)
        let saved = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { FileManager.default.changeCurrentDirectoryPath(saved) }
        let c = try DaemonConfig.load(path: "tandem.json", environment: [:])
        XCTAssertTrue(c.journal.hasPrefix("/") && c.journal.hasSuffix("/journal"), c.journal)
        XCTAssertEqual(c.file, FileManager.default.currentDirectoryPath + "/tandem.json")
    }

    /// Every optional key is read: segment size with units, filters, batch, retry, listen, log format, migration.
    func testOptionalKeysAreRead() throws {
        let dir = try configDirectory(self)
        let path = try write(smallest(
            sinks: #"[{"name": "new", "into": "sqlite:/abs/new.db", "batch": 500, "splitTransactionsOver": 2000, "filter": {"entities": ["customers", "orders"], "tenants": ["acme"]}}]"#,
            http: #"{"listen": "[::1]:0"}"#,
            extra: #""segmentSize": "8 MiB", "logFormat": "json", "retry": {"initialMs": 100, "maxMs": 1000}, "$comment": ["anything"], "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db"}"#),
            in: dir)
        let c = try DaemonConfig.load(path: path, environment: [:])
        XCTAssertEqual(c.segmentSize, 8 << 20)
        XCTAssertEqual(c.logFormat, .json)
        XCTAssertEqual(c.sinks[0].batchSize, 500)
        XCTAssertEqual(c.sinks[0].splitTransactionsOver, 2000)
        XCTAssertEqual(c.sinks[0].spec.kind, .sqlite(path: "/abs/new.db", synchronous: .full))
        XCTAssertEqual(c.sinks[0].filter, ReplayFilter(entities: ["customers", "orders"], tenants: ["acme"]))
        XCTAssertEqual(c.http.listen.description, "[::1]:0")
        XCTAssertTrue(c.http.listen.isLoopback)
        XCTAssertEqual(c.retry, DaemonConfig.Retry(initialMs: 100, maxMs: 1000))
        XCTAssertEqual([1, 2, 3, 4, 5].map { c.retry.delay(attempt: $0) },
                       [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1000)])
        XCTAssertEqual(c.retry.delay(attempt: .max), .milliseconds(1000))
        XCTAssertEqual(c.retry.delay(attempt: 0), .milliseconds(100))
        XCTAssertEqual(c.migration, DaemonConfig.Migration(new: "new", legacy: SinkSpec(kind: .sqlite(path: dir + "/legacy.db", synchronous: .full)),
                                                           state: dir + "/state.db"))
    }

    /// Without `state`, the migration's state file lies beside the journal directory; the lag limit defaults to 5 s.
    func testMigrationStateDefaultsBesideTheJournal() throws {
        let dir = try configDirectory(self)
        let c = try DaemonConfig.load(path: write(smallest(extra: #""migration": {"new": "new", "legacy": "sqlite:legacy.db", "maxForwardLagSeconds": 2.5}"#), in: dir),
                                      environment: [:])
        XCTAssertEqual(c.migration?.state, PathText.parent(of: c.journal) + "/tandem-migration.db")
        XCTAssertEqual(c.migration?.maxForwardLagSeconds, 2.5)
        // The reverse flow: its journal beside the forward one, the new sink's store as its change table.
        XCTAssertEqual(ReverseSetup.journal(c), c.journal + "-reverse")
        let m = try XCTUnwrap(c.migration)
        XCTAssertEqual(try ReverseSetup.source(c, m), SourceSpec(kind: .sqliteChangelog, path: dir + "/new.db"))
    }

    /// `reverseJournal` and `reverseSource` are read with paths relative to the config; a jsonl source is refused.
    func testReverseFlowKeysAreRead() throws {
        let dir = try configDirectory(self)
        let c = try DaemonConfig.load(path: write(smallest(extra: #""migration": {"new": "new", "legacy": "sqlite:legacy.db", "reverseJournal": "back", "reverseSource": "sqlite-changelog:other.db"}"#), in: dir),
                                      environment: [:])
        XCTAssertEqual(ReverseSetup.journal(c), dir + "/back")
        XCTAssertEqual(try ReverseSetup.source(c, try XCTUnwrap(c.migration)), SourceSpec(kind: .sqliteChangelog, path: dir + "/other.db"))
        XCTAssertThrowsError(try DaemonConfig.load(path: write(smallest(extra: #""migration": {"new": "new", "legacy": "sqlite:legacy.db", "reverseSource": "jsonl:x.jsonl"}"#), in: dir),
                                                   environment: [:])) {
            XCTAssertTrue("\($0)".contains("$.migration.reverseSource: expected sqlite-changelog:PATH or postgres-changelog:URI"), "\($0)")
        }
    }

    /// `segmentSize` reads sizes with the same parser as `journal init --segment-size`.
    func testSegmentSizeTakesTheSameUnitsAsTheCommandLine() throws {
        let dir = try configDirectory(self)
        for (text, bytes) in [(#""64 MiB""#, 64 << 20), (#""64MiB""#, 64 << 20), (#""8KB""#, 8000), ("67108864", 67_108_864)] {
            let c = try DaemonConfig.load(path: try write(smallest(extra: #""segmentSize": \#(text)"#), in: dir), environment: [:])
            XCTAssertEqual(c.segmentSize, bytes, text)
        }
    }

    /// The example `tandem config example` prints is itself a valid config.
    func testExampleConfigLoads() throws {
        let dir = try configDirectory(self)
        let c = try DaemonConfig.load(path: try write(DaemonConfig.example, in: dir), environment: [:])
        XCTAssertEqual(c.sinks.map(\.name), ["new", "pg"])
        XCTAssertEqual(c.segmentSize, 64 << 20)
        XCTAssertEqual(c.notify?.contacts, .init(entity: "customers", tenant: "company", email: "email", name: "name", locale: "lang"))
        XCTAssertEqual(c.notify?.leadTime.seconds, 14 * 86_400)
    }

    /// A file that is not there, or is a directory, is not a config fault but missing input.
    func testMissingOrUnreadableFileIsNotAConfigFault() throws {
        let dir = try configDirectory(self)
        XCTAssertThrowsError(try DaemonConfig.load(path: dir + "/nope.json")) {
            XCTAssertEqual($0 as? DaemonConfigError, .missing(file: dir + "/nope.json"))
        }
        XCTAssertThrowsError(try DaemonConfig.load(path: dir)) {
            XCTAssertEqual($0 as? DaemonConfigError, .unreadable(file: dir, reason: "it is a directory"))
        }
    }
}

/// `schemas/config.schema.json` and the loader describe the same file.
final class ConfigSchemaTests: XCTestCase {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/config.schema.json")

    func testSchemaNamesExactlyTheKeysTheLoaderAccepts() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL)) as! [String: Any]
        func keys(_ o: Any?) -> Set<String> {
            Set(((o as? [String: Any])?["properties"] as? [String: Any] ?? [:]).keys).subtracting(["$comment"])
        }
        let top = schema["properties"] as! [String: Any]
        let sink = (top["sinks"] as! [String: Any])["items"] as! [String: Any]
        XCTAssertEqual(keys(schema), Set(DaemonConfig.topKeys))
        XCTAssertEqual(keys(sink), Set(DaemonConfig.sinkKeys))
        XCTAssertEqual(keys((sink["properties"] as! [String: Any])["filter"]), Set(DaemonConfig.filterKeys))
        let into = (sink["properties"] as! [String: Any])["into"] as! [String: Any]
        XCTAssertEqual(keys((into["oneOf"] as! [Any])[1]), Set(DaemonConfig.storeKeys))
        XCTAssertEqual(keys(top["retry"]), Set(DaemonConfig.retryKeys))
        XCTAssertEqual(keys(top["http"]), Set(DaemonConfig.httpKeys))
        XCTAssertEqual(keys(top["migration"]), Set(DaemonConfig.migrationKeys))
        let notify = top["notify"] as! [String: Any]
        XCTAssertEqual(keys(notify), Set(DaemonConfig.notifyKeys))
        XCTAssertEqual(keys((notify["properties"] as! [String: Any])["contacts"]), Set(DaemonConfig.contactKeys))
        XCTAssertEqual(keys(((notify["properties"] as! [String: Any])["actions"] as! [String: Any])["items"]), Set(DaemonConfig.actionKeys))
    }

    func testTheSchemaExampleIsTheIssuesSmallestConfigAndLoads() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL)) as! [String: Any]
        let example = try JSONSerialization.data(withJSONObject: (schema["examples"] as! [Any])[0])
        let dir = try configDirectory(self)
        let c = try DaemonConfig.load(path: try write(String(decoding: example, as: UTF8.self), in: dir), environment: [:])
        XCTAssertEqual(c.sinks.map(\.name), ["new", "pg"])
        XCTAssertEqual(c.http.listen.description, "127.0.0.1:9187")
    }
}

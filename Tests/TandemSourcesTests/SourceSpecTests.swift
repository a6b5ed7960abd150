import Foundation
import XCTest
@testable import TandemSources
import TandemTesting

/// `--source` accepts the short forms and a JSON config file, and says what is wrong otherwise.
final class SourceSpecTests: XCTestCase {
    func testShortForms() throws {
        let j = try SourceSpec.parse("jsonl:/data/changes.log?format=debezium&rotated=/data/changes.log.*&maxLineBytes=4096")
        XCTAssertEqual(j.kind, .jsonl)
        XCTAssertEqual(j.path, "/data/changes.log")
        XCTAssertEqual(j.format, .debezium)
        XCTAssertEqual(j.rotatedGlob, "/data/changes.log.*")
        XCTAssertEqual(j.maxLineBytes, 4096)
        XCTAssertEqual(j.makeSource().description, "jsonl:/data/changes.log?format=debezium")
        let s = try SourceSpec.parse("sqlite-changelog:legacy.db?prune=true")
        XCTAssertEqual(s.kind, .sqliteChangelog)
        XCTAssertTrue(s.prune)
        XCTAssertEqual(s.makeSource().description, "sqlite-changelog:legacy.db")
    }

    func testErrorsSayWhatIsAccepted() {
        func message(_ t: String) -> String { do { _ = try SourceSpec.parse(t); return "ok" } catch { return "\(error)" } }
        XCTAssertEqual(message("jsonl:x?format=csv"), #"source "jsonl:x?format=csv": unknown format "csv"; expected tandem, debezium, debezium-flat, maxwell, wal2json"#)
        XCTAssertEqual(message("jsonl:x?fromat=tandem"), #"source "jsonl:x?fromat=tandem": unknown option "fromat" for jsonl; expected one of format, entity, rotated, maxLineBytes"#)
        XCTAssertEqual(message("jsonl:"), #"source "jsonl:": missing PATH after jsonl:"#)
        XCTAssertEqual(message("/nonexistent/src.json"), #"source "/nonexistent/src.json" is neither jsonl:PATH[?format=tandem|debezium|debezium-flat|maxwell|wal2json], sqlite-changelog:PATH nor an existing JSON config file"#)
    }

    /// `entity=` is part of the format, so a quarantined line is retried with the naming ingest used.
    func testTheEntityNamingTravelsWithTheFormat() throws {
        let j = try SourceSpec.parse("jsonl:/data/changes.log?entity=table&format=maxwell")
        XCTAssertEqual(j.format, RawFormat(.maxwell, entity: .table))
        XCTAssertEqual(j.makeSource().description, "jsonl:/data/changes.log?format=maxwell&entity=table")
        XCTAssertEqual(j.makeSource().rawFormat.rawValue, "maxwell?entity=table")
        XCTAssertEqual(RawFormat(rawValue: "maxwell?entity=table"), j.format)
        XCTAssertEqual(RawFormat.debezium.rawValue, "debezium?entity=schema.table", "the default is stored as what it is")
        XCTAssertEqual(RawFormat(rawValue: "debezium"), RawFormat(.debezium, entity: .table),
                       "older quarantines store the bare kind, written when the entity was the table name")
        XCTAssertEqual(RawFormat(rawValue: "tandem"), .tandem)
        XCTAssertNil(RawFormat(rawValue: "debezium?entity=catalog"))
        XCTAssertThrowsError(try SourceSpec.parse("jsonl:x?entity=catalog")) {
            XCTAssertEqual("\($0)", #"source "jsonl:x?entity=catalog": unknown entity naming "catalog"; expected table, schema.table, db.schema.table"#)
        }
        XCTAssertThrowsError(try SourceSpec.parse("jsonl:x?entity=table")) { XCTAssertTrue("\($0)".contains("entity= applies to change-log formats"), "\($0)") }
    }

    /// A quarantined line keeps its format and naming across a reopen of the quarantine (what `retry` decodes with).
    func testAQuarantinedLineKeepsItsFormatAndNaming() throws {
        let dir = makeTempDir(); defer { removeDir(dir) }
        let format = RawFormat(.wal2json, entity: .dbSchemaTable)
        try Quarantine(journal: dir).add([.init(position: "p", rejection: Rejection(rule: "parse", reason: "x"), raw: [0x7B], format: format)], source: "jsonl:x")
        XCTAssertEqual(try Quarantine(journal: dir).list().first?.format, format)
    }

    func testConfigFileWithRelativePaths() throws {
        let dir = makeTempDir(); defer { removeDir(dir) }
        let file = dir + "/source.json"
        try Data(#"{"type":"jsonl","path":"changes.log","format":"debezium","rotatedGlob":"changes.log.*","maxLineBytes":2048}"#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let s = try SourceSpec.parse(file)
        XCTAssertEqual(s.path, dir + "/changes.log")
        XCTAssertEqual(s.rotatedGlob, dir + "/changes.log.*")
        XCTAssertEqual(s.format, .debezium)
        XCTAssertEqual(s.maxLineBytes, 2048)
        try Data(#"{"type":"sqlite-changelog","path":"/x/legacy.db","prune":true}"#.utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(try SourceSpec.parse(file).prune, true)
        try Data(#"{"type":"kafka","path":"x"}"#.utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try SourceSpec.parse(file)) { XCTAssertEqual("\($0)", "\(file): source.type must be one of jsonl, sqlite-changelog, postgres-changelog") }
        // A connection string is not a path: never made relative to the file.
        try Data(#"{"type":"postgres-changelog","path":"dbname=new host=/run/postgresql","prune":true}"#.utf8).write(to: URL(fileURLWithPath: file))
        let pg = try SourceSpec.parse(file)
        XCTAssertEqual(pg.kind, .postgresChangelog)
        XCTAssertEqual(pg.path, "dbname=new host=/run/postgresql")
        XCTAssertTrue(pg.prune)
    }

    func testPostgresChangelogTakesTheWholeConnectionStringWithItsQuery() throws {
        let s = try SourceSpec.parse("postgres-changelog:postgres:///new?host=/run/postgresql&port=5433")
        XCTAssertEqual(s.kind, .postgresChangelog)
        XCTAssertEqual(s.path, "postgres:///new?host=/run/postgresql&port=5433")
        XCTAssertEqual(s.makeSource().description, "postgres-changelog:postgres://[/run/postgresql]:5433/new")
        XCTAssertThrowsError(try SourceSpec.parse("postgres-changelog:")) { XCTAssertTrue("\($0)".contains("missing CONNINFO"), "\($0)") }
    }

    /// A config file naming a key twice is refused with its path, not read with one of the values.
    func testAConfigFileWithADuplicateKeyIsRefused() throws {
        let dir = makeTempDir(); defer { removeDir(dir) }
        let file = dir + "/source.json"
        try Data(#"{"type":"jsonl","path":"a.log","path":"b.log"}"#.utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try SourceSpec.parse(file)) {
            XCTAssertEqual("\($0)", #"\#(file): source.path: duplicate key "path"; each key may appear once in an object"#)
        }
    }

    func testAnOptionWithoutANameIsAConfigError() {
        for text in ["jsonl:f.jsonl?=", "jsonl:f.jsonl?=x", "jsonl:f.jsonl?format=tandem&=", "sqlite-changelog:x.db?="] {
            XCTAssertThrowsError(try SourceSpec.parse(text), text) { e in
                guard case SourceError.config(let m) = e else { return XCTFail("\(e)") }
                XCTAssertTrue(m.hasPrefix("source \"\(text)\": option \"=") && m.contains("has no name"), m)
                XCTAssertEqual((e as? SourceError)?.category, .config)
            }
        }
        XCTAssertEqual(try SourceSpec.parse("jsonl:f.jsonl?format=debezium&&").format, .debezium, "empty pairs are skipped")
        XCTAssertEqual(try SourceSpec.parse("jsonl:f.jsonl?rotated=a=b").rotatedGlob, "a=b", "a value may hold =")
    }

    func testCheckExistsNamesAMissingFileOrDatabaseWithExit66() throws {
        let dir = makeTempDir(); defer { removeDir(dir) }
        for text in ["jsonl:\(dir)/none.jsonl", "sqlite-changelog:\(dir)/none.db", "jsonl:\(dir)"] {
            XCTAssertThrowsError(try SourceSpec.parse(text).checkExists(), text) { e in
                guard case SourceError.missing(let path, _, _) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(text.hasSuffix(path), true)
                XCTAssertEqual((e as? SourceError)?.category, .noInput)
            }
        }
        appendFile(dir + "/there.jsonl", "")
        XCTAssertNoThrow(try SourceSpec.parse("jsonl:\(dir)/there.jsonl").checkExists())
    }
}

import Foundation
import XCTest
import TandemTesting

/// A verb checks all its inputs before it creates anything: a typo leaves no file, no journal and no
/// registered consumer behind.
final class ValidateBeforeCreateTests: XCTestCase {
    func testReplayFromAMissingJournalCreatesNoSinkFile() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("x.db").path
        let r = try CLI.run(["replay", "--journal", dir.appendingPathComponent("nosuch").path, "--into", "sqlite:\(db)"])
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "replay created the sink file")
    }

    func testRewindFromAMissingJournalCreatesNoSinkFile() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("y.db").path
        let r = try CLI.run(["rewind", "--journal", dir.appendingPathComponent("nosuch").path, "--sink", "sqlite:\(db)", "--to", "0"])
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "rewind created the sink file")
    }

    /// A mistyped sink is refused: no file, no success line, and no consumer that would block `truncate --before`.
    func testRewindOfAStoreThatDoesNotExistIsRefusedAndRegistersNoConsumer() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path, typo = dir.appendingPathComponent("typo.db").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let event = #"{"txn":"1","entity":"customers","key":{"id":1},"op":"insert","after":{"id":1}}"#
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: event + "\n" + event).status, 0)
        for extra in [[], ["--rebuild"]] {
            let r = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(typo)", "--to", "0"] + extra)
            XCTAssertEqual(r.status, 66, "\(extra) \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(typo), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: typo), "rewind created \(typo)")
        }
        XCTAssertEqual(try CLI.run(["journal", "consumers", j]).stdout, "", "rewind registered a consumer")
        XCTAssertEqual(try CLI.run(["journal", "truncate", j, "--before", "2"]).status, 0)
    }

    /// A store that exists but was never filled from a journal (a mistyped path to another database) is
    /// refused too, without registering a consumer.
    func testRewindOfAStoreNeverFilledIsRefused() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path, other = dir.appendingPathComponent("legacy.db").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        _ = try sqlite3(other, "CREATE TABLE customers (id INTEGER PRIMARY KEY)")
        let r = try CLI.run(["rewind", "--journal", j, "--sink", "sqlite:\(other)", "--to", "0"])
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(try CLI.run(["journal", "consumers", j]).stdout, "", "rewind registered a consumer")
    }

    /// A source that cannot be read is refused before the journal is created.
    func testIngestFromAFailingSourceCreatesNoJournal() throws {
        let dir = try temporaryDirectory(self)
        let plain = dir.appendingPathComponent("plain.db").path, garbage = dir.appendingPathComponent("garbage.db").path
        _ = try sqlite3(plain, "CREATE TABLE t (a)")
        try "not a database at all, just text\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        let sources = [("sqlite-changelog:\(plain)", 64), ("sqlite-changelog:\(garbage)", 74),
                       ("sqlite-changelog:\(dir.appendingPathComponent("missing.db").path)", 66),
                       ("jsonl:\(dir.appendingPathComponent("missing.jsonl").path)", 66), ("bogus:x", 64)]
        for (i, (source, code)) in sources.enumerated() {
            let j = dir.appendingPathComponent("j\(i)").path
            let r = try CLI.run(["ingest", "--source", source, "--journal", j, "--once"])
            XCTAssertNotEqual(r.status, 0, source)
            XCTAssertEqual(r.status, Int32(code), "\(source): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: j), "ingest created journal \(j) for \(source)")
        }
    }
}

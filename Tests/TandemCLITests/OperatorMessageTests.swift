import Foundation
import XCTest
import TandemTesting

/// What a new operator meets: hints that give a command that works, options in the units the help uses,
/// one success report, and options that do what their help says (--uninstall, --prune, the demo).
final class OperatorMessageTests: XCTestCase {
    static let event = #"{"txn":"1","entity":"customers","key":{"id":1},"op":"insert","after":{"id":1}}"#

    func journal(_ dir: URL, events: Int) throws -> String {
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let lines = (1...events).map { Self.event.replacingOccurrences(of: #""txn":"1""#, with: #""txn":"\#($0)""#) }
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: lines.joined(separator: "\n")).status, 0)
        return j
    }

    func testAWriterOnAMissingDirectorySuggestsJournalInit() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("nodir").path
        let r = try CLI.run(["journal", "append", j], stdin: Self.event)
        XCTAssertEqual(r.status, 66)
        XCTAssertEqual(r.stderr, "tandem: \(j) is not a Tandem journal: the directory does not exist"
                       + " (hint: create one with `tandem journal init \(j)`)\n")
    }

    func testConsumerRegisteredPastTheHeadIsRefused() throws {
        let dir = try temporaryDirectory(self)
        let j = try journal(dir, events: 2)
        let r = try CLI.run(["journal", "consumers", j, "register", "x", "--applied", "99"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertTrue(r.stderr.contains("99") && r.stderr.contains("last seq 2"), r.stderr)
        XCTAssertEqual(try CLI.run(["journal", "consumers", j]).stdout, "")
        XCTAssertEqual(try CLI.run(["journal", "consumers", j, "register", "x", "--applied", "2"]).status, 0)
    }

    func testTruncateReportsSuccessOnceOnStdout() throws {
        let dir = try temporaryDirectory(self)
        let j = try journal(dir, events: 5)
        for args in [["--before", "2"], ["--after", "3"]] {
            let r = try CLI.run(["journal", "truncate", j] + args)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stderr, "", "success is reported once, on stdout")
            XCTAssertTrue(r.stdout.hasPrefix("dropped seq "), r.stdout)
        }
    }

    /// A consumer that has applied what `--after` would drop is rewound (or unregistered), not waited for.
    func testTruncateAfterRefusalSaysToRewindTheConsumer() throws {
        let dir = try temporaryDirectory(self)
        let j = try journal(dir, events: 5)
        XCTAssertEqual(try CLI.run(["journal", "consumers", j, "register", "app", "--applied", "5"]).status, 0)
        let r = try CLI.run(["journal", "truncate", j, "--after", "3"])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(r.stderr.contains("wait for it"), r.stderr)
        XCTAssertTrue(r.stderr.contains("`tandem rewind --journal \(j) --into SINK --to 3`"), r.stderr)
        XCTAssertTrue(r.stderr.contains("`tandem journal consumers \(j) unregister app`"), r.stderr)
        // A replay's consumer name holds spaces: the command in the hint quotes it.
        XCTAssertEqual(try CLI.run(["journal", "consumers", j, "unregister", "app"]).status, 0)
        XCTAssertEqual(try CLI.run(["journal", "consumers", j, "register", "sink default sqlite:/x.db", "--applied", "5"]).status, 0)
        let quoted = try CLI.run(["journal", "truncate", j, "--after", "3"])
        XCTAssertTrue(quoted.stderr.contains("`tandem journal consumers \(j) unregister 'sink default sqlite:/x.db'`"), quoted.stderr)
        XCTAssertEqual(try CLI.run(["journal", "consumers", j, "unregister", "sink default sqlite:/x.db"]).status, 0)
        let before = try CLI.run(["journal", "consumers", j, "register", "late", "--applied", "0"])
        XCTAssertEqual(before.status, 0)
        XCTAssertTrue(try CLI.run(["journal", "truncate", j, "--before", "3"]).stderr.contains("wait for it"))
    }

    /// The wrong-journal refusal offers what `replay` can do (it has no --rebuild).
    func testWrongJournalRefusalSuggestsNoOptionReplayLacks() throws {
        let dir = try temporaryDirectory(self)
        let a = try journal(dir, events: 1), b = dir.appendingPathComponent("b").path
        XCTAssertEqual(try CLI.run(["journal", "init", b]).status, 0)
        XCTAssertEqual(try CLI.run(["journal", "append", b], stdin: Self.event).status, 0)
        let db = dir.appendingPathComponent("new.db").path
        XCTAssertEqual(try CLI.run(["replay", "--journal", a, "--into", "sqlite:\(db)"]).status, 0)
        let r = try CLI.run(["replay", "--journal", b, "--into", "sqlite:\(db)"])
        XCTAssertEqual(r.status, 65)
        XCTAssertFalse(r.stderr.contains("--rebuild"), r.stderr)
        XCTAssertTrue(r.stderr.contains("into a new store"), r.stderr)
    }

    func testSegmentSizeTakesTheUnitsTheHelpUses() throws {
        let dir = try temporaryDirectory(self)
        let accepted = [("64KiB", 65536), ("64 MiB", 64 << 20), ("64MiB", 64 << 20), ("67108864", 67_108_864),
                        ("8KB", 8000), ("1 GiB", 1 << 30)]
        for (i, (text, bytes)) in accepted.enumerated() {
            let j = dir.appendingPathComponent("ok\(i)").path
            let r = try CLI.run(["journal", "init", j, "--segment-size", text])
            XCTAssertEqual(r.status, 0, "\(text): \(r.stderr)")
            let manifest = try String(contentsOfFile: j + "/manifest.json", encoding: .utf8)
            // The default size (64 MiB) is not recorded: absent means the default.
            let recorded = manifest.contains("\"segmentSize\" : \(bytes)") || manifest.contains("\"segmentSize\":\(bytes)")
            XCTAssertTrue(recorded || bytes == 64 << 20 && !manifest.contains("segmentSize"), "\(text): \(manifest)")
        }
        let small = try CLI.run(["journal", "init", dir.appendingPathComponent("small").path, "--segment-size", "1KB"])
        XCTAssertEqual(small.status, 64)
        XCTAssertEqual(small.stderr, "tandem: journal init: --segment-size must be at least 4 KiB (4096 bytes), not 1KB (1000 bytes)\n")
        let bad = try CLI.run(["journal", "init", dir.appendingPathComponent("bad").path, "--segment-size", "64 parsecs"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("64 MiB"), "the message shows the form: \(bad.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad").path))
    }

    func testUninstallTriggersNeedsNoTableList() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path
        _ = try sqlite3(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT); CREATE TABLE orders (id INTEGER PRIMARY KEY)")
        XCTAssertEqual(try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers,orders"]).status, 0)
        let r = try CLI.run(["source", "install-triggers", "--db", db, "--uninstall"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try sqlite3(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), "0\n")
        XCTAssertTrue(r.stdout.contains("customers") && r.stdout.contains("orders"), r.stdout)
        let install = try CLI.run(["source", "install-triggers", "--db", db])
        XCTAssertEqual(install.status, 64, "installing still names its tables")
    }

    /// `--prune` deletes the change rows the journal already holds, even when no new change arrives.
    func testPruneDeletesRowsJournaledEarlierWhenNothingNewArrives() throws {
        let dir = try temporaryDirectory(self)
        let db = dir.appendingPathComponent("legacy.db").path, j = dir.appendingPathComponent("j").path
        _ = try sqlite3(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT)")
        XCTAssertEqual(try CLI.run(["source", "install-triggers", "--db", db, "--tables", "customers"]).status, 0)
        _ = try sqlite3(db, "INSERT INTO customers VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        let first = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", j, "--once"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try sqlite3(db, "SELECT count(*) FROM _tandem_changes"), "3\n")
        let pruned = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", j, "--once", "--prune"])
        XCTAssertEqual(pruned.status, 0, pruned.stderr)
        XCTAssertTrue(pruned.stdout.contains("journaled 0 events"), pruned.stdout)
        XCTAssertEqual(try sqlite3(db, "SELECT count(*) FROM _tandem_changes"), "0\n")
        _ = try sqlite3(db, "INSERT INTO customers VALUES (4, 'd')")
        let later = try CLI.run(["ingest", "--source", "sqlite-changelog:\(db)", "--journal", j, "--once"])
        XCTAssertTrue(later.stdout.contains("journaled 1 event,"), "a row not yet journaled is kept: \(later.stdout)")
    }

    /// `scripts/demo` writes escape codes only to a terminal: its output helpers (`step`, `progress`, `say`), run
    /// with stdout on a pipe, print plain lines and no updating line. (The demo itself installs packages and builds
    /// in release mode, so only its helpers run here.)
    func testDemoPrintsNoANSICodesWhenNotOnATerminal() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = try String(contentsOf: root.appendingPathComponent("scripts/demo"), encoding: .utf8)
        let helpers = script.split(separator: "\n").filter { line in
            ["if [ -t 1 ]", "step_no=", "step() ", "progress() ", "say() "].contains { line.hasPrefix($0) }
        }
        XCTAssertEqual(helpers.count, 5, "scripts/demo's output helpers: \(helpers)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", helpers.joined(separator: "\n") + "\nstep hello; progress working; say done"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(text, "\n1/6 hello\n  done\n")
    }
}

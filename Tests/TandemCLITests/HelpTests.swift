import XCTest

/// `tandem --help` and `tandem help …` describe every verb; bad use is one line and exit 64.
final class HelpTests: XCTestCase {
    static let journalVerbs = ["init", "append", "inspect", "tail", "stats", "verify", "truncate", "consumers"]

    func testRootHelpListsEveryVerbOnItsOwnLine() throws {
        let r = try CLI.run(["--help"])
        XCTAssertEqual(r.status, 0)
        let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for verb in Self.journalVerbs + ["install-triggers", "list", "show", "retry", "drop", "ingest", "replay", "rewind"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(verb + " ") }, "--help has no line for \(verb)")
        }
    }

    func testHelpJournalVerbDescribesEachOption() throws {
        for verb in Self.journalVerbs {
            let r = try CLI.run(["help", "journal", verb])
            XCTAssertEqual(r.status, 0, verb)
            XCTAssertTrue(r.stdout.contains("usage: tandem journal \(verb) DIR"), r.stdout)
        }
        let truncate = try CLI.run(["help", "journal", "truncate"]).stdout
        for option in ["--before SEQ", "--after SEQ", "--force"] { XCTAssertTrue(truncate.contains(option), truncate) }
        let group = try CLI.run(["help", "journal"])
        XCTAssertEqual(group.status, 0)
        XCTAssertEqual(group.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }.count, Self.journalVerbs.count)
    }

    func testUnknownCommandIsOneLineAndExit64() throws {
        let r = try CLI.run(["frobnicate"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stderr, "tandem: unknown command 'frobnicate' (see 'tandem --help')\n")
        XCTAssertEqual(r.stdout, "")
    }

    func testGroupHelpNamesEveryVerbInFull() throws {
        for group in ["journal", "source", "quarantine"] {
            let r = try CLI.run(["help", group])
            XCTAssertEqual(r.status, 0)
            for line in r.stdout.split(separator: "\n") where line.hasPrefix("  ") {
                let words = line.split(separator: " ")
                XCTAssertGreaterThan(words.count, 1, "\(group): \(line)")
                XCTAssertEqual(try CLI.run(["help", group, String(words[0])]).status, 0, "\(group): cut verb name in '\(line)'")
            }
        }
        XCTAssertTrue(try CLI.run(["help", "source"]).stdout.contains("  install-triggers  add change-capture triggers"))
        let root = try CLI.run(["--help"]).stdout
        XCTAssertTrue(root.contains("install-triggers  add change-capture triggers"), root)
    }
}

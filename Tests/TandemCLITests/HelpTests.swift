import XCTest

/// `tandem --help` and `tandem help …` describe every verb; bad use is one line and exit 64.
final class HelpTests: XCTestCase {
    func testRootHelpListsEveryJournalVerb() throws {
        let r = try CLI.run(["--help"])
        XCTAssertEqual(r.status, 0)
        for verb in ["init", "append", "inspect", "tail", "stats", "verify", "truncate", "consumers"] {
            XCTAssertTrue(r.stdout.contains(verb), "--help does not mention journal \(verb)")
        }
    }

    func testUnknownCommandIsOneLineAndExit64() throws {
        let r = try CLI.run(["frobnicate"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stderr, "tandem: unknown command 'frobnicate' (see 'tandem --help')\n")
        XCTAssertEqual(r.stdout, "")
    }
}

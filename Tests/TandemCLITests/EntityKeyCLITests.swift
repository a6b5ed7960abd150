import Foundation
import XCTest
import TandemTesting

/// Promise: keys are the store's keys. `journal append` refuses an event whose key is not its entity's key
/// (fixed by the entity's first event, kept across processes), a null or ambiguous key value, and a second
/// spelling of a known entity: exit 65, one line naming the line, the entity, the expected and the given key.
final class EntityKeyCLITests: XCTestCase {
    func testAppendRefusesAKeyThatIsNotTheEntitysKey() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let first = """
            {"entity":"accounts","key":{"region":"eu","no":1},"op":"insert","after":{"region":"eu","no":1,"v":1}}
            {"entity":"items","key":{"id":5},"op":"insert","after":{"id":5}}
            {"entity":"accounts","key":{"no":2,"region":"eu"},"op":"insert","after":{"no":2,"region":"eu"}}

            """
        let ok = try CLI.run(["journal", "append", j], stdin: first)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "appended 3 events, seq 1..3\n")
        // Each case in a new process: the entity keys are durable, not remembered by one run.
        let cases: [(line: String, says: [String])] = [
            (#"{"entity":"items","key":{"id":"5"},"op":"delete"}"#, ["entity \"items\"", "key column \"id\" is string \"5\"", "(id int)"]),
            (#"{"entity":"items","key":{"id":true},"op":"delete"}"#, ["key column \"id\" is bool", "(id int)"]),
            (#"{"entity":"accounts","key":{"no":1},"op":"delete"}"#, ["key columns (no int)", "(region string, no int)"]),
            (#"{"entity":"accounts","key":{"no":1,"region":"eu","x":1},"op":"delete"}"#, ["(no int, region string, x int)"]),
            (#"{"entity":"items","key":{"id":null},"op":"delete"}"#, ["key column \"id\" is null"]),
            (#"{"entity":"fresh","key":{"id":null},"op":"delete"}"#, ["key column \"id\" is null"]),
            (#"{"entity":"fresh","key":{},"op":"delete"}"#, ["needs a key"]),
            (#"{"entity":"fresh","key":{"d":{"decimal":"1e-999"}},"op":"delete"}"#, ["decimal 1e-999 is not in its one canonical spelling"]),
            (#"{"entity":"fresh","key":{"d":-0.0},"op":"delete"}"#, ["-0.0"]),
            (#"{"entity":"Items","key":{"id":1},"op":"delete"}"#, ["entity \"Items\"", "already holds entity \"items\""]),
            (#"{"entity":"items","key":{"id":6},"op":"insert","after":{"id":"6"}}"#, ["after-image's \"id\" is \"6\", but the key's is 6"]),
        ]
        for c in cases {
            let r = try CLI.run(["journal", "append", j], stdin: #"{"entity":"items","key":{"id":7},"op":"insert","after":{"id":7}}"# + "\n" + c.line + "\n")
            XCTAssertEqual(r.status, 65, "\(c.line): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("tandem: journal append: line 2: "), r.stderr)
            for s in c.says { XCTAssertTrue(r.stderr.contains(s), "\(c.line): expected \(s) in: \(r.stderr)") }
        }
        // Nothing refused reached the journal: the good line of each case did, once per case.
        let inspect = try CLI.run(["journal", "inspect", j])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        let lines = inspect.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3 + cases.count)
        XCTAssertTrue(lines.dropFirst(3).allSatisfy { $0.contains(#""key":{"id":7}"#) }, inspect.stdout)
    }

    func testEntitySpelledInNFDIsRefusedWhenTheNFCSpellingIsKnown() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        let r = try CLI.run(["journal", "append", j], stdin: """
            {"entity":"\(nfc)","key":{"k":"Jos\u{E9}"},"op":"insert","after":{"k":"Jos\u{E9}"}}
            {"entity":"\(nfc)","key":{"k":"Jose\u{301}"},"op":"insert","after":{"k":"Jose\u{301}"}}
            {"entity":"\(nfd)","key":{"k":"x"},"op":"insert","after":{"k":"x"}}

            """)
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertEqual(r.stdout, "appended 2 events, seq 1..2\n")
        // Byte for byte: String's hasPrefix would take either spelling for the other.
        let expected = "tandem: journal append: line 3: entity \"\(nfd)\": the journal already holds entity \"\(nfc)\""
        XCTAssertTrue(r.stderr.utf8.starts(with: expected.utf8), r.stderr)
    }
}

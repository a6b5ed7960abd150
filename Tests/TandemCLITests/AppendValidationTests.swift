import Foundation
import XCTest
import TandemTesting

/// Promise: the journal only holds events every sink can apply. An event with a reserved or unusable name,
/// too many columns, or a value a store cannot hold is refused at append (exit 65, one stderr line naming
/// the column), and nothing of it reaches the journal.
final class AppendValidationTests: XCTestCase {
    func testAppendRefusesEventsNoSinkCouldApply() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let wide = (0..<5000).map { "\"c\($0)\":1" }.joined(separator: ",")
        let long = String(repeating: "n", count: 64)
        let cases: [(line: String, says: String)] = [
            (#"{"entity":"_tandem_checkpoint","key":{"sink":"default"},"op":"insert","after":{"sink":"default","journal_id":"x","seq":1000,"updated_at":"x"}}"#,
             #"entity "_tandem_checkpoint": names starting with "_tandem_""#),
            (#"{"entity":"SQLite_master","key":{"id":1},"op":"insert","after":{"id":1}}"#, #"entity "SQLite_master""#),
            (#"{"entity":"pg_class","key":{"id":1},"op":"delete"}"#, #"entity "pg_class""#),
            (#"{"entity":"INFORMATION_SCHEMA","key":{"id":1},"op":"delete"}"#, "reserved"),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"_Tandem_x":2}}"#, #"column "_Tandem_x" in the after image"#),
            (#"{"entity":"t\u0000x","key":{"id":1},"op":"insert","after":{"id":1}}"#, #"entity "t\u0000x": the name holds a NUL"#),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"a\u0000b":2}}"#, #"column "a\u0000b" in the after image: the name holds a NUL"#),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"":2}}"#, #"column "" in the after image: the name is empty"#),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"\#(long)":2}}"#, "64 bytes long, more than the 63"),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"xmin":2}}"#, "PostgreSQL system column"),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"ID":2}}"#, "differ only in case"),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,\#(wide)}}"#, "5001 columns, more than the 1600"),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"d":{"decimal":"1e999999999"}}}"#,
             #"column "d" in the after image: the decimal "1e999999999" has 1000000000 digits before the point"#),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"d":{"decimal":"1.5e-16383"}}}"#, "16384 digits after the point"),
            (#"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"s":"a\u0000b"}}"#, #"column "s" in the after image: the text holds a NUL"#),
            (#"{"entity":"t","key":{"id":"a\u0000"},"op":"delete"}"#, #"column "id" in the key image: the text holds a NUL"#),
        ]
        for c in cases {
            let r = try CLI.run(["journal", "append", j], stdin: c.line + "\n")
            XCTAssertEqual(r.status, 65, "\(c.says): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix("tandem: journal append: line 1: "), r.stderr)
            XCTAssertTrue(r.stderr.contains(c.says), "expected «\(c.says)» in: \(r.stderr)")
            XCTAssertTrue(r.stderr.hasSuffix("; nothing was appended\n"), r.stderr)
        }
        XCTAssertEqual(try CLI.run(["journal", "inspect", j]).stdout, "", "a refused event reached the journal")
        // Limits are limits, not bans: what both stores hold still goes in.
        let fine = #"{"entity":"t","key":{"id":1},"op":"insert","after":{"id":1,"\#(String(repeating: "n", count: 63))":2,"d":{"decimal":"1.5e-16382"},"s":"tab\there"}}"#
        let ok = try CLI.run(["journal", "append", j], stdin: fine + "\n")
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "appended 1 event, seq 1..1\n")
    }
}

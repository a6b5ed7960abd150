import Foundation
import XCTest
import TandemTesting

/// Promise: bad input or a bad argument is one clear line on stderr and a documented exit code,
/// never a crash trace and never a secret.
final class BadInputTests: XCTestCase {
    func testEveryMistakeIsOneLineAndItsExitCode() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let huge = "18446744073709551615", beyond = "99999999999999999999"
        let cases: [(args: [String], status: Int32)] = [
            (["bogus"], 64),
            (["journal"], 64),
            (["journal", "bogus", j], 64),
            (["journal", "init"], 64),
            (["journal", "init", dir.appendingPathComponent("k").path, "--segment-size", huge], 64),
            (["journal", "append", j, "--batch", huge], 64),
            (["journal", "append", j, "--batch", beyond], 64),
            (["journal", "append", j, "--batch", "0"], 64),
            (["journal", "inspect", "/nonexistent/journal"], 66),
            (["journal", "inspect", j, "--from", "-1"], 64),
            (["journal", "truncate", j, "--after", huge], 64),
            (["journal", "truncate", j, "--before", huge], 64),
            (["journal", "consumers", j, "frobnicate"], 64),
            (["ingest", "--source", "bogus:x", "--journal", j], 64),
            (["ingest", "--source", "jsonl:\(dir.path)/f.jsonl?=", "--journal", j, "--once"], 64),
            (["ingest", "--source", "s", "--journal", j, "--once"], 64),
            (["ingest", "--source", "jsonl:\(dir.path)/f.jsonl", "--journal", j, "--batch", huge], 64),
            (["replay", "--journal", j, "--into", "sqlite:"], 64),
            (["replay", "--journal", j, "--into", "sqlite:\(dir.path)/n.db", "--batch", "0"], 64),
            (["replay", "--journal", j, "--into", "postgres://bob:Secr%zzet@127.0.0.1:1/db"], 64),
            (["rewind", "--journal", j, "--sink", "sqlite:\(dir.path)/n.db"], 64),
            (["quarantine", "show", "abc", "--journal", j], 64),
            (["quarantine", "list", "--journal", "/nonexistent/journal"], 66),
        ]
        for c in cases {
            let r = try CLI.run(c.args, in: dir)
            let what = c.args.joined(separator: " ")
            XCTAssertEqual(r.status, c.status, "\(what): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(what): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("tandem: "), "\(what): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Secr"), "\(what) printed a password: \(r.stderr)")
        }
    }
}

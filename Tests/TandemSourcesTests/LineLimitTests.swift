import Foundation
import XCTest
import TandemCore
@testable import TandemSources
import TandemTesting

/// Issue 9, finding 6: `maxLineBytes` holds for every limit from its minimum (16 bytes) up, and the
/// quarantine keeps (and says it keeps) at most that many bytes of an oversized line.
final class LineLimitTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTempDir() }
    override func tearDown() { removeDir(dir) }

    func testMaxLineBytesIsHonouredAtEveryLimitAndTheQuarantineSaysWhatItKept() throws {
        let line = #"{"entity":"customers","key":{"id":1},"op":"insert","after":{"id":1,"note":""# + String(repeating: "x", count: 2000) + "\"}}"
        let short = #"{"entity":"c","key":{"id":2},"op":"delete"}"#
        for limit in [16, 100, 1000, 5000, 70_000] {
            let path = dir + "/changes-\(limit).log"
            appendFile(path, line + "\n" + short + "\n")
            let logs = LogLines()
            let s = JSONLinesSource(.init(path: path, maxLineBytes: limit, log: logs.sink))
            try s.open(after: nil)
            let r = try s.read(limit: 10, wait: nil, stop: nil)
            let n = line.utf8.count
            if limit < n {
                let kept = min(limit, 64 * 1024)
                XCTAssertEqual(r.map { $0.failure?.rule ?? "ok" }, ["size", short.utf8.count <= limit ? "ok" : "size"], "limit \(limit)")
                XCTAssertEqual(r.first?.raw, Array(line.utf8.prefix(kept)), "limit \(limit): the first \(kept) bytes are kept")
                XCTAssertEqual(r.first?.failure?.reason, "line longer than the limit: \(n) bytes, the limit is \(limit) (first \(kept) bytes kept)")
                XCTAssertTrue(logs.all.first?.contains("(first \(kept) bytes kept)") == true, "\(logs.all)")
            } else {
                XCTAssertEqual(r.map { $0.failure?.rule ?? "ok" }, ["ok", "ok"], "limit \(limit)")
            }
        }
    }
}

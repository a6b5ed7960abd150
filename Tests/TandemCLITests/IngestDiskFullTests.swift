import Foundation
import TandemTesting
import XCTest

/// Promise (issue 11): the journal's disk filling up stops `ingest` cleanly — exit 74 with one line, nothing
/// half-written — and a run after space returns journals every change once. On a real full file system: a
/// 1 MiB tmpfs (mounting needs root; skipped otherwise, with the reason).
final class IngestDiskFullTests: XCTestCase {
    func testIngestOnAFullDiskExits74AndARunAfterSpaceReturnsJournalsEachChangeOnce() throws {
        guard getuid() == 0 else { throw XCTSkip("mounting a 1 MiB tmpfs needs root") }
        let dir = try temporaryDirectory(self)
        let mount = dir.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        guard try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]).status == 0 else {
            throw XCTSkip("mount -t tmpfs failed (no CAP_SYS_ADMIN in this container)")
        }
        addTeardownBlock { _ = try? runTool("/bin/umount", [mount]) }
        let journal = mount + "/journal", changes = dir.appendingPathComponent("changes.jsonl").path
        XCTAssertEqual(try CLI.run(["journal", "init", journal, "--segment-size", "64KiB"]).status, 0)
        let pad = String(repeating: "x", count: 300)
        let lines = (1...2000).map { #"{"txn":"t\#($0)","entity":"t","key":{"id":\#($0)},"op":"insert","after":{"id":\#($0),"note":"\#(pad)"}}"# }
        try (lines.joined(separator: "\n") + "\n").write(toFile: changes, atomically: true, encoding: .utf8)
        // Leave the journal about 300 KiB: the changes need more than twice that.
        let filler = mount + "/filler"
        XCTAssertTrue(FileManager.default.createFile(atPath: filler, contents: Data(count: 700 << 10)))

        let full = try CLI.run(["ingest", "--source", "jsonl:\(changes)", "--journal", journal, "--once"])
        XCTAssertEqual(full.status, 74, full.stderr)
        // The journal's log line (what it did), then the one error line.
        let said = full.stderr.split(separator: "\n")
        XCTAssertEqual(said.count, 2, full.stderr)
        XCTAssertTrue(said.first?.contains("the disk is full (write \(journal)/") == true, full.stderr)
        XCTAssertTrue(said.first?.hasSuffix("nothing after it was acknowledged; appends go on once there is room") == true, full.stderr)
        XCTAssertTrue(said.last?.hasPrefix("tandem: journal disk full at \(journal)/") == true, full.stderr)
        XCTAssertTrue(said.last?.hasSuffix("(write: ENOSPC): nothing of the batch was written; free space and run again") == true, full.stderr)
        let verified = try CLI.run(["journal", "verify", journal])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)

        try FileManager.default.removeItem(atPath: filler)
        let resumed = try CLI.run(["ingest", "--source", "jsonl:\(changes)", "--journal", journal, "--once"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let inspect = try CLI.run(["journal", "inspect", journal])
        let ids = inspect.stdout.split(separator: "\n").map { line -> Int in
            let after = line.range(of: #""key":{"id":"#)!.upperBound
            return Int(line[after...].prefix { $0.isNumber })!
        }
        XCTAssertEqual(ids, Array(1...2000), "every change once, in order")
        XCTAssertEqual(try CLI.run(["journal", "verify", journal]).status, 0)
    }
}

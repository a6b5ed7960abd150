import Foundation
import XCTest
import TandemTesting

/// Issue 8's journal findings as an operator meets them, with real `tandem` processes: nothing is written
/// after known damage, and no seq is used twice after the newest segment is lost.
final class JournalIntegrityTests: XCTestCase {
    private func line(_ id: Int) -> String {
        #"{"entity":"customers","key":{"id":\#(id)},"op":"insert","after":{"id":\#(id),"email":"u\#(id)@example.com"}}"#
    }

    /// A journal of 3,000 events in 64 KiB segments; returns its path and its segment files, oldest first.
    private func journal() throws -> (dir: URL, j: String, segments: [String]) {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j, "--segment-size", "65536"]).status, 0)
        let r = try CLI.run(["journal", "append", j], stdin: (1...3000).map(line).joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let segments = try FileManager.default.contentsOfDirectory(atPath: j).filter { $0.hasSuffix(".seg") }.sorted()
        XCTAssertGreaterThan(segments.count, 2)
        return (dir, j, segments)
    }

    func testNothingIsAppendedAfterDamageInASealedSegment() throws {
        let (dir, j, segments) = try journal()
        let sealed = j + "/" + segments[0]
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: sealed))
        try handle.seek(toOffset: 30_000)
        let byte = try XCTUnwrap(handle.readData(ofLength: 1).first)
        try handle.seek(toOffset: 30_000)
        handle.write(Data([byte ^ 0x40]))
        try handle.close()
        let verify = try CLI.run(["journal", "verify", j])
        XCTAssertEqual(verify.status, 1, verify.stdout)
        let append = try CLI.run(["journal", "append", j], stdin: line(3001) + "\n")
        XCTAssertEqual(append.status, 65, append.stderr)
        XCTAssertTrue(append.stderr.hasPrefix("tandem: journal corrupt: \(sealed) at byte "), append.stderr)
        XCTAssertTrue(append.stderr.contains("recorded by verify"), append.stderr)
        XCTAssertTrue(append.stderr.contains("truncate --after") && append.stderr.contains(" \(j)`"), append.stderr)
        let input = dir.appendingPathComponent("more.jsonl").path
        try (line(3002) + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let ingest = try CLI.run(["ingest", "--source", "jsonl:\(input)", "--journal", j, "--once"])
        XCTAssertEqual(ingest.status, 65, ingest.stderr)
        XCTAssertEqual(try CLI.run(["journal", "stats", j, "--json"]).stdout.contains(#""lastSeq":3000"#), true)
    }

    func testNoSeqIsUsedTwiceAfterTheNewestSegmentIsLost() throws {
        let (dir, j, segments) = try journal()
        let db = dir.appendingPathComponent("store.db").path
        let replay = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)", "--consumer", "store"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        try FileManager.default.removeItem(atPath: j + "/" + segments.last!)
        try? FileManager.default.removeItem(atPath: j + "/" + segments.last!.replacingOccurrences(of: ".seg", with: ".idx"))
        let ends = "ends at seq \(UInt64(segments.last!.prefix(20))! - 1)"
        for args in [["journal", "verify", j], ["journal", "append", j], ["journal", "stats", j],
                     ["replay", "--journal", j, "--into", "sqlite:\(db)", "--consumer", "store"]] {
            let r = try CLI.run(args, stdin: line(3001) + "\n")
            XCTAssertEqual(r.status, args[1] == "verify" ? 1 : 65, "\(args): \(r.stdout) \(r.stderr)")
            let said = r.stdout + r.stderr
            XCTAssertTrue(said.contains(ends) && said.contains("3000"), "\(args): \(said)")
        }
    }
}

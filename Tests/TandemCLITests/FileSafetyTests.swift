import Foundation
import XCTest
import TandemTesting

/// Promise (issue 8, finding 16): a journal keeps the segment size it was created with; its files (which
/// hold legacy personal data) are readable by their owner only; and nothing from legacy input reaches the
/// terminal as a control sequence.
final class FileSafetyTests: XCTestCase {
    private func line(_ id: Int) -> String {
        #"{"entity":"customers","key":{"id":\#(id)},"op":"insert","after":{"id":\#(id),"email":"u\#(id)@example.com"}}"#
    }

    func testSegmentSizeGivenAtInitIsKeptByLaterWriters() throws {
        let j = try temporaryDirectory(self).appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j, "--segment-size", "65536"]).status, 0)
        let r = try CLI.run(["journal", "append", j], stdin: (1...3000).map(line).joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let segments = try FileManager.default.contentsOfDirectory(atPath: j).filter { $0.hasSuffix(".seg") }
        XCTAssertGreaterThan(segments.count, 1, "3,000 events of ~100 bytes roll at 64 KiB")
        for s in segments {
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: j + "/" + s)[.size] as? Int)
            XCTAssertLessThanOrEqual(size, 65536, s)
        }
        XCTAssertEqual(try CLI.run(["journal", "verify", j]).stdout, "ok: 3000 events in \(segments.count) segments (seq 1..3000)\n")
    }

    private func mode(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    func testJournalQuarantineAndSinkFilesAreOwnerOnly() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let input = dir.appendingPathComponent("in.jsonl").path
        try (line(1) + "\n" + "not json\n" + line(3) + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let ingest = try CLI.run(["ingest", "--source", "jsonl:\(input)", "--journal", j, "--once"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        let db = dir.appendingPathComponent("sink.db").path
        let replay = try CLI.run(["replay", "--journal", j, "--into", "sqlite:\(db)"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertEqual(try mode(j), 0o700, "journal directory")
        XCTAssertEqual(try mode(j + "/quarantine"), 0o700, "quarantine directory")
        var files = try FileManager.default.contentsOfDirectory(atPath: j).map { j + "/" + $0 }
            + FileManager.default.contentsOfDirectory(atPath: j + "/quarantine").map { j + "/quarantine/" + $0 }
        files += try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("sink.db") }
            .map { dir.path + "/" + $0 }
        XCTAssertTrue(files.contains { $0.hasSuffix("quarantine.db") }, "\(files)")
        XCTAssertTrue(files.contains { $0.hasSuffix(".seg") }, "\(files)")
        for f in files {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: f, isDirectory: &isDir)
            XCTAssertEqual(try mode(f), isDir.boolValue ? 0o700 : 0o600, f)
        }
    }

    func testQuarantineNeverWritesControlCharactersToTheTerminal() throws {
        let dir = try temporaryDirectory(self)
        let j = dir.appendingPathComponent("j").path
        XCTAssertEqual(try CLI.run(["journal", "init", j]).status, 0)
        let input = dir.appendingPathComponent("in.jsonl").path
        // A title-setting OSC, a screen clear and a C1 CSI, as legacy input may carry them.
        let hostile = "{\"note\": \"\u{1b}]0;owned\u{07}\u{1b}[2J\u{9b}31m\"\n"
        try hostile.write(toFile: input, atomically: true, encoding: .utf8)
        let ingest = try CLI.run(["ingest", "--source", "jsonl:\(input)", "--journal", j, "--once"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        let list = try CLI.run(["quarantine", "list", "--journal", j])
        let show = try CLI.run(["quarantine", "show", "1", "--journal", j])
        XCTAssertEqual(show.status, 0, show.stderr)
        for out in [list.stdout, list.stderr, show.stdout, show.stderr, ingest.stderr] {
            XCTAssertFalse(out.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x9b },
                           out.debugDescription)
        }
        XCTAssertTrue(show.stdout.contains(#"\x1b]0;owned\x07\x1b[2J\u{9b}31m"#), show.stdout.debugDescription)
    }
}

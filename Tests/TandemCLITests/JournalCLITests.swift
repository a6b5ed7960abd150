import Foundation
import TandemJournal
import XCTest
import TandemTesting

/// The `tandem journal` verbs as an operator uses them: output, stderr text and exit codes.
final class JournalCLITests: XCTestCase {
    private func line(_ id: Int, tenant: String = "acme") -> String {
        #"{"entity":"customers","key":{"id":\#(id)},"op":"insert","after":{"id":\#(id),"email":"u\#(id)@example.com"},"tenant":"\#(tenant)"}"#
    }

    private func journal() throws -> String {
        let dir = try temporaryDirectory(self).appendingPathComponent("j").path
        let r = try CLI.run(["journal", "init", dir])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("created journal \(dir) (id "), r.stdout)
        return dir
    }

    func testAppendPrintsTheSeqRangeAndInspectFilters() throws {
        let j = try journal()
        let input = (1...5).map { line($0, tenant: $0 % 2 == 0 ? "beta" : "acme") }.joined(separator: "\n") + "\n"
        let r = try CLI.run(["journal", "append", j], stdin: input)
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "appended 5 events, seq 1..5\n")
        let beta = try CLI.run(["journal", "inspect", j, "--tenant", "beta", "--from", "3"])
        XCTAssertEqual(beta.stdout.split(separator: "\n").map { $0.hasPrefix(#"{"seq":4,"#) }, [true])
    }

    func testAJournalNamedRelativeToTheWorkingDirectory() throws {
        let dir = try temporaryDirectory(self)
        let r = try CLI.run(["journal", "init", "journal"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try CLI.run(["journal", "append", "journal"], stdin: line(1), in: dir).stdout, "appended 1 event, seq 1..1\n")
    }

    func testABadLineStopsAppendWithItsNumberAndKeepsWhatCameBefore() throws {
        let j = try journal()
        let input = line(1) + "\n" + line(2) + "\n" + #"{"entity":"customers","op":"insert"}"# + "\n" + line(4) + "\n"
        let r = try CLI.run(["journal", "append", j], stdin: input)
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stdout, "appended 2 events, seq 1..2\n")
        XCTAssertEqual(r.stderr, "tandem: journal append: line 3: missing required field \"key\" at byte 35; "
                       + "the 2 events before it stay appended (seq 1..2)\n")
        XCTAssertEqual(try CLI.run(["journal", "inspect", j]).stdout.split(separator: "\n").count, 2)
    }

    func testVerifyReportsTheFirstFaultWithFileOffsetAndSeq() throws {
        let j = try journal()
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: (1...50).map { line($0) }.joined(separator: "\n")).status, 0)
        XCTAssertEqual(try CLI.run(["journal", "verify", j]).stdout, "ok: 50 events in 1 segment (seq 1..50)\n")
        let segment = try flipAByteInTheMiddle(of: j)
        let r = try CLI.run(["journal", "verify", j, "--json"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains(#""clean":false"#), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""file":"\#(j)/\#(segment)""#), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""seq":"#), r.stdout)
        // Opening it for writing refuses and names the damage; nothing is written.
        let append = try CLI.run(["journal", "append", j], stdin: line(99) + "\n")
        XCTAssertEqual(append.status, 65)
        XCTAssertTrue(append.stderr.hasPrefix("tandem: journal corrupt: \(j)/\(segment) at byte "), append.stderr)
        XCTAssertEqual(append.stderr.split(separator: "\n").count, 1)
    }

    func testMistakesAreOneLineWithADocumentedExitCode() throws {
        let missing = try CLI.run(["journal", "stats", "/nonexistent/journal"])
        XCTAssertEqual(missing.status, 66)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("tandem: /nonexistent/journal is not a Tandem journal"), missing.stderr)
        let j = try journal()
        let usage = try CLI.run(["journal", "truncate", j])
        XCTAssertEqual(usage.status, 64)
        XCTAssertEqual(usage.stderr, "tandem: journal truncate: give exactly one of --before SEQ and --after SEQ\n")
        let badNumber = try CLI.run(["journal", "inspect", j, "--from", "ten"])
        XCTAssertEqual(badNumber.status, 64)
        XCTAssertEqual(badNumber.stderr, "tandem: journal inspect: --from takes a non-negative whole number, not 'ten'\n")
        let again = try CLI.run(["journal", "init", j])
        XCTAssertEqual(again.status, 73)
        // A journal written by a newer Tandem.
        let manifest = j + "/manifest.json"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: #""formatVersion":1"#, with: #""formatVersion":99"#)
            .replacingOccurrences(of: #""formatVersion" : 1"#, with: #""formatVersion" : 99"#)
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let newer = try CLI.run(["journal", "stats", j])
        XCTAssertEqual(newer.status, 65)
        XCTAssertTrue(newer.stderr.contains("journal format version 99"), newer.stderr)
        XCTAssertEqual(newer.stderr.split(separator: "\n").count, 1)
    }

    func testTruncateRefusesWhatAConsumerStillNeedsUnlessForced() throws {
        let j = try journal()
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: (1...10).map { line($0) }.joined(separator: "\n")).status, 0)
        XCTAssertEqual(try CLI.run(["journal", "consumers", j, "register", "new-store", "--applied", "4"]).status, 0)
        let refused = try CLI.run(["journal", "truncate", j, "--before", "8"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("consumer \"new-store\" has applied up to seq 4"), refused.stderr)
        let forced = try CLI.run(["journal", "truncate", j, "--before", "8", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(forced.stdout, "dropped seq 1..7 (7 events), forced; the journal now holds seq 8..10\n")
        let stats = try CLI.run(["journal", "stats", j, "--json"])
        XCTAssertTrue(stats.stdout.contains(#""firstSeq":8,"lastSeq":10"#), stats.stdout)
        XCTAssertTrue(stats.stdout.contains(#"{"name":"new-store","appliedSeq":4,"lag":6}"#), stats.stdout)
    }

    func testASecondWriterIsToldWhichProcessHoldsTheJournal() throws {
        let j = try journal()
        let holder = Process()
        holder.executableURL = CLI.executable
        holder.arguments = ["journal", "append", j]
        let stdin = Pipe()
        holder.standardInput = stdin
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { try? stdin.fileHandleForWriting.close(); holder.waitUntilExit() }
        let deadline = Date(timeIntervalSinceNow: 30)
        while Journal.writerProcess(at: j) != holder.processIdentifier && Date() < deadline { usleep(1_000) }
        XCTAssertEqual(Journal.writerProcess(at: j), holder.processIdentifier, "the holder never took the lock")
        let second = try CLI.run(["journal", "append", j], stdin: line(1) + "\n")
        XCTAssertEqual(second.status, 75)
        XCTAssertTrue(second.stderr.contains("already open for writing by process \(holder.processIdentifier)"), second.stderr)
    }
}

extension JournalCLITests {
    /// The corruption error's hint works: `truncate --after SEQ --force` opens a journal damaged before its
    /// tail and cuts the damage away, after which it opens for writing again.
    func testTruncateAfterCutsAwayDamageBeforeTheTail() throws {
        let j = try journal()
        let events = (1...40).map { line($0) }
        for e in events { XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: e + "\n").status, 0) }
        try flipAByteInTheMiddle(of: j)
        let verify = try CLI.run(["journal", "verify", j, "--json"])
        XCTAssertEqual(verify.status, 1)
        let seq = try XCTUnwrap(verify.stdout.range(of: #""seq":(\d+)"#, options: .regularExpression)
            .map { Int(verify.stdout[$0].dropFirst(6))! })
        let cut = try CLI.run(["journal", "truncate", j, "--after", "\(seq - 1)", "--force"])
        XCTAssertEqual(cut.status, 0, cut.stderr)
        XCTAssertEqual(try CLI.run(["journal", "verify", j]).stdout, "ok: \(seq - 1) events in 1 segment (seq 1..\(seq - 1))\n")
        XCTAssertEqual(try CLI.run(["journal", "append", j], stdin: line(99) + "\n").stdout, "appended 1 event, seq \(seq)..\(seq)\n")
    }
}

/// Flips one byte inside a record in the middle of the journal's only segment; returns the segment's name.
@discardableResult
func flipAByteInTheMiddle(of journal: String) throws -> String {
    let segment = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: journal).first { $0.hasSuffix(".seg") })
    let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: journal + "/" + segment))
    let size = try handle.seekToEnd()
    try handle.seek(toOffset: size / 2)
    let byte = try XCTUnwrap(handle.readData(ofLength: 1).first)
    try handle.seek(toOffset: size / 2)
    handle.write(Data([byte ^ 0xFF]))
    try handle.close()
    return segment
}

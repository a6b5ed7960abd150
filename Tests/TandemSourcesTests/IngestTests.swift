import Foundation
import XCTest
import TandemCore
import TandemPipeline
@testable import TandemSources
import TandemTesting

/// Source → mapping → quarantine or journal: exactly once across restarts, rotation and truncation;
/// bad input in quarantine with its reason, never stopping the pipeline.
final class IngestTests: XCTestCase {
    var dir = ""
    var path: String { dir + "/changes.log" }
    var journalDir: String { dir + "/journal" }
    var journalFile: String { dir + "/journal/events.jsonl" }

    override func setUp() {
        dir = makeTempDir()
        try! FileManager.default.createDirectory(atPath: dir + "/journal", withIntermediateDirectories: true)
    }
    override func tearDown() { removeDir(dir) }

    func ingestOnce(mapping: Mapping = .passThrough, batch: Int = 4096, format: RawFormat = .tandem) throws -> (Ingestor.Summary, LineFileJournal) {
        let journal = LineFileJournal(path: journalFile)
        var settings = Ingestor.Settings()
        settings.batchSize = batch
        let ing = Ingestor(source: JSONLinesSource(.init(path: path, format: format, rotatedGlob: path + ".*", log: { _ in })),
                           journal: journal, quarantine: try Quarantine(journal: journalDir), mapping: mapping, settings: settings)
        return (try ing.run(once: true), journal)
    }

    func journaledIDs() -> [Int64] {
        LineFileJournal(path: journalFile).events.compactMap { if case .int(let i)? = $0.key["id"] { return i } else { return nil } }
    }

    func testMalformedInputGoesToQuarantineWithItsReasonAndThePipelineGoesOn() throws {
        var bytes = Array((eventLine(1) + "\n").utf8)
        bytes += Array(#"{"entity":"customers","key":{"id":2},"op":"ins"#.utf8) + [0x0A]                                    // cut JSON
        bytes += Array(#"{"entity":"customers","key":{"id":3},"op":"insert","after":{"id":3},"tenant":42}"#.utf8) + [0x0A]   // wrong type
        bytes += Array(#"{"entity":"customers","key":{},"op":"insert","after":{"name":"x"}}"#.utf8) + [0x0A]                // no key
        let big = Array(#"{"entity":"customers","key":{"id":5},"op":"insert","after":{"b":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 10 << 20) + Array("\"}}".utf8)
        bytes += big + [0x0A]
        bytes += Array(#"{"entity":"customers","key":{"id":6},"op":"insert","after":{"n":""#.utf8) + [0xFF, 0xFE] + Array("\"}}\n".utf8)
        bytes += Array((eventLine(7) + "\n").utf8)
        appendFile(path, bytes)
        let (summary, _) = try ingestOnce()
        XCTAssertEqual(summary.journaled, 2)
        XCTAssertEqual(summary.quarantined, 5)
        XCTAssertEqual(journaledIDs(), [1, 7])
        let q = try Quarantine(journal: journalDir)
        let entries = try q.list()
        XCTAssertEqual(entries.map(\.rule), ["parse", "parse", "key", "size", "parse"])
        XCTAssertTrue(entries.allSatisfy { !$0.reason.isEmpty && $0.source == "jsonl:\(path)?format=tandem" })
        XCTAssertEqual(entries[0].raw, Array(#"{"entity":"customers","key":{"id":2},"op":"ins"#.utf8))
        XCTAssertEqual(entries[3].rawLength, Int64(big.count))
        XCTAssertEqual(entries[3].raw, Array(big.prefix(64 * 1024)))
        XCTAssertEqual(try q.counts()[.quarantined], 5)
        XCTAssertEqual(summary.line, "journaled 2 events, quarantined 5, position \(summary.position!)")
        // Running again journals and quarantines nothing twice.
        let (again, _) = try ingestOnce()
        XCTAssertEqual(again.journaled + again.quarantined, 0)
        XCTAssertEqual(try q.list().count, 5)
    }

    func testRestartsAndAPartialLineAtACrashJournalEveryLineExactlyOnce() throws {
        for i in 1...50 { appendFile(path, eventLine(i) + "\n") }
        _ = try ingestOnce(batch: 7)
        for i in 51...100 { appendFile(path, eventLine(i) + "\n") }
        let line101 = eventLine(101)
        appendFile(path, String(line101.prefix(30)))  // the writer crashed mid-line
        _ = try ingestOnce(batch: 7)
        XCTAssertEqual(journaledIDs(), Array(1...100))
        appendFile(path, String(line101.dropFirst(30)) + "\n")
        _ = try ingestOnce(batch: 7)
        XCTAssertEqual(journaledIDs(), Array(1...101))
    }

    func testTrailingRejectedInputIsNotReadAgainAfterARestart() throws {
        appendFile(path, eventLine(1) + "\n" + "garbage\n" + "more garbage\n")
        _ = try ingestOnce()
        let q = try Quarantine(journal: journalDir)
        XCTAssertEqual(try q.list().count, 2)
        // The journal's last position is line 1, but the quarantine cursor says the source is past line 3.
        let src = JSONLinesSource(.init(path: path, log: { _ in }))
        let ing = Ingestor(source: src, journal: LineFileJournal(path: journalFile), quarantine: q)
        let resume = try ing.resumePosition()
        XCTAssertEqual(FilePosition(resume!)?.offset, Int64(try Data(contentsOf: URL(fileURLWithPath: path)).count))
        appendFile(path, eventLine(2) + "\n")
        let (s, _) = try ingestOnce()
        XCTAssertEqual(s.journaled, 1)
        XCTAssertEqual(s.quarantined, 0)
        XCTAssertEqual(journaledIDs(), [1, 2])
    }

    func testFollowModeAcrossRotationAndCopyTruncateStopsCleanly() throws {
        appendFile(path, "")
        let stop = StopSignal()
        let done = DispatchSemaphore(value: 0)
        let (p, jd, jf) = (path, journalDir, journalFile)
        let runner = Thread {
            let ing = Ingestor(source: JSONLinesSource(.init(path: p, log: { _ in })), journal: LineFileJournal(path: jf),
                               quarantine: try! Quarantine(journal: jd))
            _ = try! ing.run(once: false, stop: stop)
            done.signal()
        }
        runner.start()
        for i in 1...20 { appendFile(path, eventLine(i) + "\n") }
        XCTAssertTrue(eventually { self.journaledIDs().count == 20 })
        // Rename rotation mid-stream: the rest of the old file, then the new one.
        appendFile(path, eventLine(21) + "\n")
        XCTAssertEqual(rename(path, path + ".1"), 0)
        appendFile(path, eventLine(22) + "\n")
        XCTAssertTrue(eventually { self.journaledIDs().count == 22 })
        // Copy-truncate mid-stream.
        XCTAssertEqual(truncate(path, 0), 0)
        appendFile(path, eventLine(23) + "\n")
        XCTAssertTrue(eventually { self.journaledIDs().count == 23 })
        stop.fire()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "the ingest loop stops on the signal")
        XCTAssertEqual(journaledIDs(), Array(1...23))
    }

    func testRetryJournalsAnEntryOnceTheMappingIsFixedAndDropHidesOne() throws {
        let strict = try Mapping.parse(Data(#"{"entities":{"customers":{"columns":{"email":{"validate":{"regex":"@example\\.org$"}}}}}}"#.utf8))
        for i in 1...3 { appendFile(path, eventLine(i) + "\n") }
        let (s, _) = try ingestOnce(mapping: strict)
        XCTAssertEqual(s.quarantined, 3)
        let q = try Quarantine(journal: journalDir)
        let entries = try q.list()
        XCTAssertEqual(entries.map(\.rule), ["regex", "regex", "regex"])
        XCTAssertEqual(entries[0].column, "email")
        XCTAssertEqual(entries[0].reason, #""u1@example.com" does not match /@example\.org$/"#)
        appendFile(path, eventLine(4, extra: #","x":1"#).replacingOccurrences(of: "example.com", with: "example.org") + "\n")
        _ = try ingestOnce(mapping: strict)
        XCTAssertEqual(journaledIDs(), [4])
        // Retry with the strict mapping fails again; with a fixed mapping it journals.
        let journal = LineFileJournal(path: journalFile)
        let failed = try q.retry([entries[0].id], mapping: strict, journal: journal)
        XCTAssertEqual(failed.failed.map(\.id), [entries[0].id])
        XCTAssertEqual(try q.entry(entries[0].id).retries, 1)
        try q.drop(entries[2].id)
        let ok = try q.retry(nil, mapping: .passThrough, journal: journal)
        XCTAssertEqual(ok.journaled.map(\.id), [entries[0].id, entries[1].id])
        XCTAssertEqual(journaledIDs(), [4, 1, 2])
        XCTAssertEqual(try q.entry(entries[0].id).state, .retried)
        XCTAssertEqual(try q.entry(entries[0].id).journaledSeq, 2)
        XCTAssertEqual(try q.entry(entries[2].id).state, .dropped)
        XCTAssertEqual(try q.list().count, 0)
        XCTAssertThrowsError(try q.drop(entries[2].id)) { XCTAssertEqual("\($0)", "quarantine entry \(entries[2].id) is already dropped") }
        XCTAssertThrowsError(try q.entry(999)) { XCTAssertTrue("\($0)".contains("no quarantine entry 999")) }
        // The retried events carry the journal's last position: a later ingest neither re-reads nor skips.
        appendFile(path, eventLine(5) + "\n")
        _ = try ingestOnce()
        XCTAssertEqual(journaledIDs(), [4, 1, 2, 5])
    }
}

/// What `tandem quarantine list|show --json` prints comes from the entry itself.
final class QuarantineOutputTests: XCTestCase {
    func testListLineAndJSON() throws {
        let dir = makeTempDir(); defer { removeDir(dir) }
        let q = try Quarantine(journal: dir)
        try q.add([.init(position: "changes.log@1:2:3:ab:40", rejection: Rejection(rule: "regex", column: "email", reason: "bad"),
                         raw: Array("{\"x\":1}".utf8), format: .tandem),
                   .init(position: "p2", rejection: Rejection(rule: "parse", reason: "not UTF-8"), raw: [0xFF], format: .debezium)],
                  source: "jsonl:x", now: Timestamp(microseconds: 0))
        let e = try q.list()
        XCTAssertEqual(e[0].listColumns(withState: false), ["1", "1970-01-01T00:00:00.000000Z", "regex email", "-", "changes.log@1:2:3:ab:40", "bad"])
        XCTAssertEqual(e[0].jsonText(), #"{"id":1,"state":"quarantined","source":"jsonl:x","position":"changes.log@1:2:3:ab:40","format":"tandem","rule":"regex","column":"email","reason":"bad","quarantinedAt":"1970-01-01T00:00:00.000000Z","rawLength":7,"retries":0,"journaledSeq":null,"entity":null,"key":null,"raw":"{\"x\":1}"}"#)
        XCTAssertTrue(e[1].jsonText().hasSuffix(#""rawBase64":"/w=="}"#))
        // The same input re-read after a crash is not stored twice.
        try q.add([.init(position: "p2", rejection: Rejection(rule: "parse", reason: "again"), raw: [0xFF], format: .debezium)], source: "jsonl:x")
        XCTAssertEqual(try q.counts()[.quarantined], 2)
    }
}

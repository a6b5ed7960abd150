import Foundation
import XCTest
import TandemCore
import TandemPipeline
@testable import TandemSources
import TandemTesting

/// Promise: ingest journals only events every sink can apply; the others go to the quarantine with a
/// reason naming the column, and a mapping that renames the bad name lets `retry` journal them.
final class IngestValidationTests: XCTestCase {
    var dir = ""
    var path: String { dir + "/changes.log" }
    var journalDir: String { dir + "/journal" }

    override func setUp() {
        dir = makeTempDir()
        try! FileManager.default.createDirectory(atPath: journalDir, withIntermediateDirectories: true)
    }
    override func tearDown() { removeDir(dir) }

    func testIngestQuarantinesEventsNoSinkCouldApplyWithTheirReason() throws {
        let wide = (0..<5000).map { "\"c\($0)\":1" }.joined(separator: ",")
        let bad: [(line: String, rule: String, column: String?, says: String)] = [
            (#"{"entity":"_tandem_checkpoint","key":{"sink":"default"},"op":"insert","after":{"sink":"default","seq":1000}}"#,
             "name", nil, #"entity "_tandem_checkpoint": names starting with "_tandem_" (in any case) are reserved for Tandem's own tables"#),
            (#"{"entity":"customers","key":{"id":2},"op":"insert","after":{"id":2,"a\u0000b":1}}"#, "name", "a\u{0}b", #"column "a\u0000b" in the after image: the name holds a NUL"#),
            (#"{"entity":"customers","key":{"id":3},"op":"insert","after":{"id":3,"":1}}"#, "name", "", #"column "" in the after image: the name is empty"#),
            (#"{"entity":"customers","key":{"id":4},"op":"insert","after":{"id":4,\#(wide)}}"#, "image", nil, "the after image has 5001 columns"),
            (#"{"entity":"customers","key":{"id":5},"op":"insert","after":{"id":5,"d":{"decimal":"1e999999999"}}}"#, "value", "d", #"column "d" in the after image: the decimal"#),
            (#"{"entity":"customers","key":{"id":6},"op":"insert","after":{"id":6,"s":"x\u0000"}}"#, "value", "s", "PostgreSQL text cannot store"),
            (#"{"entity":"customers","key":{"id":7},"op":"insert","after":{"id":7,"xmin":1}}"#, "name", "xmin", "PostgreSQL system column"),
        ]
        appendFile(path, eventLine(1) + "\n" + bad.map(\.line).joined(separator: "\n") + "\n" + eventLine(9) + "\n")
        let journal = LineFileJournal(path: journalDir + "/events.jsonl")
        let q = try Quarantine(journal: journalDir)
        let summary = try Ingestor(source: JSONLinesSource(.init(path: path, format: .tandem, log: { _ in })),
                                   journal: journal, quarantine: q).run(once: true)
        XCTAssertEqual(summary.journaled, 2)
        XCTAssertEqual(journal.events.map { $0.key["id"] }, [.int(1), .int(9)])
        let entries = try q.list()
        XCTAssertEqual(entries.count, bad.count)
        for (entry, b) in zip(entries, bad) {
            XCTAssertEqual(entry.rule, b.rule, entry.reason)
            XCTAssertEqual(entry.column, b.column, entry.reason)
            XCTAssertTrue(entry.reason.contains(b.says), "expected «\(b.says)» in: \(entry.reason)")
            XCTAssertFalse(entry.reason.contains("\n"), entry.reason)
            XCTAssertFalse(entry.raw.isEmpty, "the quarantined input must be kept for retry")
        }
        // The mapping is where a bad legacy name is fixed: rename it, and retry journals the change.
        let fixed = try Mapping.parse(Data(#"{"entities":{"customers":{"columns":{"xmin":{"rename":"x_min"}}}}}"#.utf8))
        let retried = try q.retry([entries[6].id], mapping: fixed, journal: journal)
        XCTAssertEqual(retried.journaled.count, 1, "\(retried.failed)")
        XCTAssertEqual(journal.events.last?.after?["x_min"], .int(1))
    }

    /// A source without raw bytes (the SQLite change log) keeps the change itself, so retry can map it again.
    func testAQuarantinedChangeFromARawlessSourceCanBeRetried() throws {
        let change = Event(sourcePosition: "1", entity: "customers", key: ["id": .int(1)], op: .insert,
                           after: ["id": .int(1), "xmin": .int(5)])
        let journal = LineFileJournal(path: journalDir + "/events.jsonl")
        let q = try Quarantine(journal: journalDir)
        let ing = Ingestor(source: OneChangeSource(change), journal: journal, quarantine: q)
        let s = try ing.run(once: true)
        XCTAssertEqual(s.quarantined, 1)
        let entry = try XCTUnwrap(q.list().first)
        XCTAssertEqual(entry.column, "xmin")
        let fixed = try Mapping.parse(Data(#"{"entities":{"customers":{"columns":{"xmin":{"rename":"x_min"}}}}}"#.utf8))
        XCTAssertEqual(try q.retry(nil, mapping: fixed, journal: journal).journaled.count, 1)
        XCTAssertEqual(journal.events.last?.after?["x_min"], .int(5))
    }
}

/// A source that yields one decoded change and no raw bytes, as the SQLite change log does.
final class OneChangeSource: ChangeSource {
    let change: Event
    var done = false
    init(_ change: Event) { self.change = change }
    var description: String { "one-change" }
    var rawFormat: RawFormat { .tandem }
    func recognizes(_ position: String) -> Bool { position == "1" }
    func open(after position: String?) throws { done = position != nil }
    func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        defer { done = true }
        return done ? [] : [SourceRecord(position: "1", change: change, raw: [])]
    }
    func acknowledge(through position: String) throws {}
    func close() {}
}

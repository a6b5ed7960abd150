import Foundation
import XCTest
import TandemCore
import TandemJournal
import TandemPipeline
@testable import TandemSources
import TandemTesting

/// `quarantine retry` journals an entry at most once, wherever a retry is interrupted (real journal, real store).
final class QuarantineRetryTests: XCTestCase {
    var dir = ""
    var journalDir: String { dir + "/journal" }
    let options = JournalOptions(logger: { _ in })

    override func setUp() {
        dir = makeTempDir()
        try! Journal.create(at: journalDir, options: options)
    }
    override func tearDown() { removeDir(dir) }

    /// The real journal writer, failing right before or right after an append: the quarantine is left exactly
    /// as a process killed at that point leaves it (its store is durable at every step).
    final class InterruptedJournal: QuarantineRetryJournal {
        struct Killed: Error {}
        enum When { case beforeAppend, afterAppend }
        let writer: JournalWriter
        let when: When
        init(_ writer: JournalWriter, _ when: When) { self.writer = writer; self.when = when }
        var lastSeq: UInt64 { writer.lastSeq }
        func event(at seq: UInt64) throws -> Event? { try writer.event(at: seq) }
        func lastSourcePosition(where belongs: (String) -> Bool) throws -> String? { try writer.lastSourcePosition(where: belongs) }
        func appendDurably(_ events: [Event]) throws -> ClosedRange<UInt64>? {
            if when == .beforeAppend { throw Killed() }
            _ = try writer.appendDurably(events)
            throw Killed()
        }
    }

    func journaled() throws -> [Event] {
        let r = try JournalReader(directory: journalDir, options: options)
        var out: [Event] = []
        while let e = try r.next() { out.append(e) }
        return out
    }

    /// Two quarantined entries (ids 1, 2) and one journaled event (seq 1).
    func setUpEntries(_ writer: JournalWriter) throws -> Quarantine {
        _ = try writer.append([Event(sourcePosition: "p0", entity: "customers", key: ["id": .int(0)], op: .insert, after: ["id": .int(0)])])
        let q = try Quarantine(journal: journalDir)
        try q.add([1, 2].map { i in
            .init(position: "p\(i)", rejection: Rejection(rule: "regex", reason: "bad"), raw: Array(eventLine(i).utf8), format: .tandem)
        }, source: "jsonl:x")
        return q
    }

    func testARetryKilledAfterItsAppendDoesNotJournalTheEntryAgain() throws {
        let writer = try JournalWriter(directory: journalDir, options: options)
        defer { writer.close() }
        let q = try setUpEntries(writer)
        XCTAssertThrowsError(try q.retry([1], mapping: .passThrough, journal: InterruptedJournal(writer, .afterAppend)))
        XCTAssertEqual(try q.entry(1).state, .retrying, "the append is durable, the mark is not")
        XCTAssertEqual(try q.list().map(\.id), [1, 2], "an interrupted entry is still listed")
        XCTAssertThrowsError(try q.drop(1)) { XCTAssertTrue("\($0)".contains("is retrying"), "\($0)") }
        let r = try q.retry(nil, mapping: .passThrough, journal: writer)
        XCTAssertEqual(r.journaled.map(\.id), [1, 2])
        XCTAssertEqual(r.journaled.map(\.seq), [2, 3])
        let events = try journaled()
        XCTAssertEqual(events.map { $0.key["id"] }, [.int(0), .int(1), .int(2)], "entry 1 once")
        XCTAssertEqual(events.map(\.txn), [nil, Quarantine.retryTxn(1), Quarantine.retryTxn(2)])
        XCTAssertEqual(events.map(\.sourcePosition), ["p0", "p0", "p0"], "ingest still resumes after p0")
        XCTAssertEqual(try q.entry(1).state, .retried)
        XCTAssertEqual(try q.entry(1).journaledSeq, 2)
        XCTAssertEqual(try q.list(), [])
        XCTAssertEqual(try q.retry(nil, mapping: .passThrough, journal: writer).journaled.count, 0)
        XCTAssertEqual(try journaled().count, 3)
    }

    func testARetryKilledBeforeItsAppendJournalsTheEntryOnceEvenAfterOtherAppends() throws {
        let writer = try JournalWriter(directory: journalDir, options: options)
        defer { writer.close() }
        let q = try setUpEntries(writer)
        XCTAssertThrowsError(try q.retry([1], mapping: .passThrough, journal: InterruptedJournal(writer, .beforeAppend)))
        XCTAssertEqual(try q.entry(1).state, .retrying)
        XCTAssertEqual(try q.entry(1).journaledSeq, 2, "the seq its event was to get")
        // Ingest goes on meanwhile and takes that seq.
        _ = try writer.append([Event(sourcePosition: "p9", entity: "customers", key: ["id": .int(9)], op: .insert, after: ["id": .int(9)])])
        let r = try q.retry([1], mapping: .passThrough, journal: writer)
        XCTAssertEqual(r.journaled.map(\.seq), [3])
        XCTAssertEqual(try journaled().map { $0.key["id"] }, [.int(0), .int(9), .int(1)])
        XCTAssertEqual(try q.entry(1).state, .retried)
        // A retrying entry the fixed mapping still rejects goes back to quarantined.
        XCTAssertThrowsError(try q.retry([2], mapping: .passThrough, journal: InterruptedJournal(writer, .beforeAppend)))
        let strict = try Mapping.parse(Data(#"{"entities":{"customers":{"columns":{"email":{"validate":{"regex":"@example\\.org$"}}}}}}"#.utf8))
        XCTAssertEqual(try q.retry([2], mapping: strict, journal: writer).failed.map(\.id), [2])
        XCTAssertEqual(try q.entry(2).state, .quarantined)
        XCTAssertNil(try q.entry(2).journaledSeq)
    }

    func testAnUnknownEntryIsMissingInputNotBadData() throws {
        let q = try Quarantine(journal: journalDir)
        XCTAssertThrowsError(try q.entry(42)) { e in
            XCTAssertEqual((e as? QuarantineError)?.category, .noInput)
            XCTAssertTrue("\(e)".contains("no quarantine entry 42"), "\(e)")
        }
    }
}

import Foundation
import XCTest
import TandemCore
import TandemJournal
@testable import TandemSources

/// Promise: keys are the store's keys. Ingest (into the real journal) quarantines a change whose key is not its entity's key (fixed by
/// the entity's first journaled event, also across runs), with the reason; the pipeline goes on.
extension JournalIngestTests {
    func testIngestQuarantinesAChangeWhoseKeyIsNotTheEntitysKey() throws {
        let path = dir + "/changes.log"
        appendFile(path, eventLine(1) + "\n")
        XCTAssertEqual(try ingest(JSONLinesSource(.init(path: path))).journaled, 1)
        // A later run: the key (id int) of customers is the journal's, not this run's memory.
        appendFile(path, """
            {"entity":"customers","key":{"id":"2"},"op":"insert","after":{"id":"2"}}
            \(eventLine(3))
            {"entity":"customers","key":{"id":4,"region":"eu"},"op":"delete"}
            {"entity":"Customers","key":{"id":5},"op":"delete"}
            {"entity":"orders","key":{"no":null},"op":"delete"}
            \(eventLine(6))

            """)
        let s = try ingest(JSONLinesSource(.init(path: path)))
        XCTAssertEqual(s.journaled, 2)
        XCTAssertEqual(s.quarantined, 4)
        let q = try Quarantine(journal: journalDir).list()
        XCTAssertEqual(q.map(\.rule), ["key", "key", "key", "key"])
        let reasons = q.map(\.reason)
        XCTAssertTrue(reasons[0].contains("key column \"id\" is string \"2\", but the entity's key is (id int)"), reasons[0])
        XCTAssertTrue(reasons[1].contains("key columns (id int, region string) are not the entity's key (id int)"), reasons[1])
        XCTAssertTrue(reasons[2].contains("already holds entity \"customers\""), reasons[2])
        XCTAssertTrue(reasons[3].contains("key column \"no\" is null"), reasons[3])
        // The change itself is kept (this source hands over decoded changes, not raw bytes).
        XCTAssertTrue(String(decoding: q[0].raw, as: UTF8.self).contains(#""key":{"id":"2"},"op":"insert""#),
                      String(decoding: q[0].raw, as: UTF8.self))
        let r = try JournalReader(directory: journalDir, options: JournalOptions(logger: { _ in }))
        var keys: [Value?] = []
        while let e = try r.next() { keys.append(e.key["id"]) }
        XCTAssertEqual(keys, [.int(1), .int(3), .int(6)])
        // Nothing is read, journaled or quarantined twice.
        let again = try ingest(JSONLinesSource(.init(path: path)))
        XCTAssertEqual(again.journaled + again.quarantined, 0)
    }
}

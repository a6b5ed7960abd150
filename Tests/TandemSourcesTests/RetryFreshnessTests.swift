import Foundation
import XCTest
import TandemCore
@testable import TandemPipeline
@testable import TandemSources
import TandemTesting

/// Issue 10: what makes a retried entry superseded — a journaled change of its key that is not known to be older.
final class RetryFreshnessTests: XCTestCase {
    /// Promise: a change the source made BEFORE the quarantined one does not stop its retry; one made after it
    /// (or a truncate of its entity after it) does, naming the newer seq.
    func testOnlyANewerChangeOfTheKeySupersedesARetry() throws {
        let dir = makeTempDir()
        defer { removeDir(dir) }
        let journal = LineFileJournal(path: dir + "/journal.jsonl")
        _ = try journal.appendDurably([
            Event(sourcePosition: "5", entity: "customers", key: ["id": .int(1)], op: .insert, after: ["id": .int(1)]),
            Event(sourcePosition: "9", entity: "customers", key: ["id": .int(2)], op: .insert, after: ["id": .int(2)]),
            Event(sourcePosition: "12", entity: "orders", key: Row(), op: .truncate),
        ])
        let q = try Quarantine(journal: dir)
        try q.add([(7, 1, "customers"), (8, 2, "customers"), (10, 3, "orders")].map { position, id, entity in
            .init(position: "\(position)", rejection: Rejection(rule: "regex", reason: "bad"),
                  raw: Array(eventLine(id, entity: entity).utf8), format: .tandem)
        }, source: "jsonl:changes.log")  // a file: a superseded entry cannot be read again by key
        let r = try q.retry(nil, mapping: .passThrough, journal: journal)
        XCTAssertEqual(r.journaled.map(\.id), [1], "id 1 changed at position 5, before the entry's 7")
        XCTAssertEqual(r.superseded.map(\.id), [2, 3])
        XCTAssertEqual(r.superseded.map(\.newerSeq), [2, 3], "id 2 changed at 9 after 8; orders emptied at 12 after 10")
        XCTAssertEqual(try q.entry(2).state, .superseded)
        XCTAssertEqual(try q.entry(2).journaledSeq, 2)
        XCTAssertEqual(journal.events.count, 4)
    }
}

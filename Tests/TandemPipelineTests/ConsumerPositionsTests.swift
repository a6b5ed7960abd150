import Foundation
import TandemCore
import TandemJournal
import TandemPipeline
import XCTest

/// The daemon's consumer ledger: one manifest rewrite reserves for every sink; a flush takes back what a sink
/// did not reserve itself.
final class ConsumerPositionsTests: XCTestCase {
    /// Promise: sink a's reservation (through the head) covers sink b, so b's reservation up to the head rewrites
    /// nothing; the manifest never says less than either may have committed; a flush leaves each sink reserved
    /// through what it asked for itself, no further.
    func testOneReservationCoversEverySinkAndAFlushTakesBackWhatASinkDidNotAsk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-positions-\(UUID().uuidString.prefix(8))").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Journal.create(at: dir)
        let writer = try JournalWriter(directory: dir)
        let events = (1...10).map { i in
            Event(entity: "t", key: ["id": .int(Int64(i))], op: .insert, after: ["id": .int(Int64(i))])
        }
        _ = try writer.append(events)
        defer { writer.close() }
        let positions = ConsumerPositions(journal: dir, head: { writer.lastSeq })
        try positions.register("a", appliedSeq: 0)
        try positions.register("b", appliedSeq: 0)
        func reserved(_ name: String) throws -> UInt64 { try Journal.manifest(at: dir).consumer(name)?.mayHaveApplied ?? 0 }

        try positions.reserve("a", through: 4)
        XCTAssertEqual(try reserved("a"), 10, "reserved through the head")
        XCTAssertEqual(try reserved("b"), 10, "the same rewrite covers b")
        let before = try Journal.manifest(at: dir)
        try positions.reserve("b", through: 7)
        XCTAssertEqual(try Journal.manifest(at: dir), before, "b's reservation within a's rewrote nothing")

        try positions.applied("a", seq: 4)
        try positions.flush()
        XCTAssertEqual(try reserved("a"), 10, "a keeps what it reserved itself")
        XCTAssertEqual(try reserved("b"), 7, "b keeps what it may have committed, no more")
        XCTAssertEqual(try Journal.manifest(at: dir).consumer("a")?.appliedSeq, 4)
    }
}

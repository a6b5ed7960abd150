import Foundation
import TandemCore
import TandemTesting
import XCTest
@testable import TandemPipeline

/// The files `verify --repair` and the daemon exchange, and the chunk checksum's row hash.
final class RepairSpoolTests: XCTestCase {
    func testARequestIsPendingUntilAnsweredAndTheAnswerCarriesSeqsOrTheError() throws {
        let dir = try temporaryDirectory(self, name)
        let spool = RepairSpool(journal: dir.path)
        XCTAssertEqual(spool.pending(), [], "no spool directory yet: nothing pending")
        let key = RepairKey(source: "items", sourceKey: ["id": .int(3)], target: "things", targetKey: ["thing_id": .int(3)], tenant: "acme")
        let id = try spool.submit([key])
        XCTAssertEqual(spool.pending(), [id])
        XCTAssertEqual(try spool.keys(of: id), [key])
        XCTAssertNil(spool.answer(of: id))
        try spool.answer(id, .success(RepairOutcome(seqs: 7...9, snapshots: 2, deletes: 1, refused: ["items {\"id\":4}: regex on email"])))
        XCTAssertEqual(spool.pending(), [], "answered: not pending any more")
        XCTAssertEqual(try spool.answer(of: id)?.get(), RepairOutcome(seqs: 7...9, snapshots: 2, deletes: 1, refused: ["items {\"id\":4}: regex on email"]))
        spool.remove(id)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spool.directory), [])

        let failed = try spool.submit([key])
        try spool.answer(failed, .failure(.repair("the daemon's config has no migration block (no legacy store to read)")))
        guard case .failure(let e)? = spool.answer(of: failed) else { return XCTFail("expected the error") }
        XCTAssertEqual(e.description, "verify --repair: the daemon's config has no migration block (no legacy store to read)")
        XCTAssertEqual(e.category, .unavailable)
    }

    func testTheRowHashIgnoresColumnOrderButNotWhichColumnHoldsAValue() {
        let a = Row([("id", .int(1)), ("name", .string("x")), ("qty", .int(2))])
        let reordered = Row([("qty", .int(2)), ("id", .int(1)), ("name", .string("x"))])
        XCTAssertEqual(VerifyValues.hash(a), VerifyValues.hash(reordered))
        XCTAssertEqual(VerifyValues.hash(a), VerifyValues.hash(Row([("id", .int(1)), ("name", .string("x")), ("qty", .double(2)), ("gone", .null)])),
                       "an integral REAL is the integer (REAL affinity); a NULL column is a missing one")
        XCTAssertNotEqual(VerifyValues.hash(Row([("a", .int(1)), ("b", .int(2))])), VerifyValues.hash(Row([("a", .int(2)), ("b", .int(1))])))
        XCTAssertNotEqual(VerifyValues.hash(Row([("a", .string("1"))])), VerifyValues.hash(Row([("a", .int(1))])))
        XCTAssertNotEqual(VerifyValues.hash(Row([("a", .string("ab")), ("b", .string("c"))])), VerifyValues.hash(Row([("a", .string("a")), ("b", .string("bc"))])))
    }
}

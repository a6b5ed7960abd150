import TandemCore
import TandemPipeline
import XCTest

/// `SinkLag`, the one definition of a sink's lag in seconds (live and offline): now minus the commit time of the
/// newest applied event; 0 when caught up; from the oldest event held when the sink applied nothing it holds.
final class SinkLagTests: XCTestCase {
    func testTheReferenceIsTheNewestAppliedEventOrTheOldestHeld() {
        XCTAssertEqual(SinkLag.referenceSeq(appliedSeq: 1, firstSeq: 1, headSeq: 3), 1, "the newest applied, not the oldest pending")
        XCTAssertEqual(SinkLag.referenceSeq(appliedSeq: 7, firstSeq: 1, headSeq: 9), 7)
        XCTAssertEqual(SinkLag.referenceSeq(appliedSeq: 0, firstSeq: 1, headSeq: 3), 1, "applied nothing: the oldest pending")
        XCTAssertEqual(SinkLag.referenceSeq(appliedSeq: 2, firstSeq: 5, headSeq: 9), 5, "history truncated past the checkpoint")
        XCTAssertNil(SinkLag.referenceSeq(appliedSeq: 3, firstSeq: 1, headSeq: 3), "caught up")
        XCTAssertNil(SinkLag.referenceSeq(appliedSeq: 0, firstSeq: 0, headSeq: 0), "empty journal")
    }

    func testSecondsAreNowMinusTheReferenceAndZeroWhenCaughtUp() {
        let now = Timestamp(microseconds: 100_000_000), then = Timestamp(microseconds: 90_500_000)
        XCTAssertEqual(SinkLag.seconds(lagEvents: 4, referenceCommittedAt: then, now: now), 9.5)
        XCTAssertEqual(SinkLag.seconds(lagEvents: 0, referenceCommittedAt: then, now: now), 0, "caught up")
        XCTAssertEqual(SinkLag.seconds(lagEvents: 4, referenceCommittedAt: nil, now: now), 0, "unknown commit time")
        XCTAssertEqual(SinkLag.seconds(lagEvents: 4, referenceCommittedAt: now, now: then), 0, "a clock stepped back")
    }
}

import XCTest
@testable import TandemPipeline

final class ComponentStateTests: XCTestCase {
    /// The state names are the contract of `/status`, `/healthz` and the `tandem_sink_state` metric.
    func testStateNamesAreTheOnesOperatorsSee() {
        XCTAssertEqual(ComponentState.allCases.map(\.rawValue), ["starting", "running", "degraded", "stopped"])
    }
}

import Foundation
import XCTest
import TandemPipeline
import TandemSources
import TandemTesting

/// Real signals sent to the test process itself: a watched one reaches the handler and does not end the process.
final class SignalWatcherTests: XCTestCase {
    func testAWatchedSignalReachesTheHandler() {
        let seen = LogLines()
        let watcher = SignalWatcher([SIGHUP, SIGUSR1]) { sig in seen.add(SignalWatcher.name(sig)) }
        defer { watcher.cancel() }
        kill(getpid(), SIGHUP)
        XCTAssertTrue(eventually { seen.all == ["SIGHUP"] }, "\(seen.all)")
        kill(getpid(), SIGUSR1)
        XCTAssertTrue(eventually { seen.all == ["SIGHUP", "SIGUSR1"] }, "\(seen.all)")
    }

    func testStoppingFiresTheStopSignalWithALogLine() {
        let stop = StopSignal()
        let lines = LogLines()
        let watcher = SignalWatcher.stopping(stop, log: { lines.add($0) })
        defer { watcher.cancel() }
        kill(getpid(), SIGINT)
        XCTAssertTrue(eventually { stop.isFired })
        XCTAssertEqual(lines.all, ["received SIGINT; stopping after the batch in hand"])
    }
}

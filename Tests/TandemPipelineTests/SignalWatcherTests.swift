import Foundation
import XCTest
import TandemPipeline
import TandemSources

/// Real signals sent to the test process itself: a watched one reaches the handler and does not end the process.
final class SignalWatcherTests: XCTestCase {
    private final class Seen: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var items: [String] = []
        func add(_ s: String) { lock.withLock { items.append(s) } }
        var all: [String] { lock.withLock { items } }
    }

    /// Polls `condition` until it holds or 5 s pass.
    private func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while !condition() {
            if Date() > deadline { return false }
            usleep(1000)
        }
        return true
    }

    func testAWatchedSignalReachesTheHandler() {
        let seen = Seen()
        let watcher = SignalWatcher([SIGHUP, SIGUSR1]) { sig in seen.add(SignalWatcher.name(sig)) }
        defer { watcher.cancel() }
        kill(getpid(), SIGHUP)
        XCTAssertTrue(eventually { seen.all == ["SIGHUP"] }, "\(seen.all)")
        kill(getpid(), SIGUSR1)
        XCTAssertTrue(eventually { seen.all == ["SIGHUP", "SIGUSR1"] }, "\(seen.all)")
    }

    func testStoppingFiresTheStopSignalWithALogLine() {
        let stop = StopSignal()
        let lines = Seen()
        let watcher = SignalWatcher.stopping(stop, log: { lines.add($0) })
        defer { watcher.cancel() }
        kill(getpid(), SIGINT)
        XCTAssertTrue(eventually { stop.isFired })
        XCTAssertEqual(lines.all, ["received SIGINT; stopping after the batch in hand"])
    }
}

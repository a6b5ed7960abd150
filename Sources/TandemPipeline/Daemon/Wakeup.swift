import Foundation

/// A flag that threads wait on with a deadline: the daemon's stop, and a worker's "restart with new
/// settings" or "look again now". Waiting blocks on a condition variable; `fire` wakes every waiter at once.
// @unchecked Sendable: `fired` is only read and written with `condition` locked.
final class Wakeup: @unchecked Sendable {
    private let condition = NSCondition()
    private var fired = false

    /// Sets the flag and wakes every waiter.
    func fire() {
        condition.lock(); fired = true; condition.broadcast(); condition.unlock()
    }

    /// Whether the flag is set.
    var isFired: Bool { condition.lock(); defer { condition.unlock() }; return fired }

    /// Clears the flag; returns whether it was set.
    @discardableResult
    func reset() -> Bool {
        condition.lock(); defer { condition.unlock() }
        let was = fired
        fired = false
        return was
    }

    /// Waits until the flag is set or `timeout` has passed; returns whether it is set.
    @discardableResult
    func wait(_ timeout: Duration) -> Bool {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock(); defer { condition.unlock() }
        while !fired { if !condition.wait(until: deadline) { break } }
        return fired
    }
}

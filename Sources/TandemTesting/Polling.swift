import Foundation

/// Polls `condition` every 2 ms until it holds or `timeout` passes (tests wait for a state, never sleep for one).
/// Returns the condition's last value.
public func eventually(within timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(2000)
    }
    return try condition()
}

/// `eventually(within:)` with the timeout in seconds.
public func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    try eventually(within: .milliseconds(Int(seconds * 1000)), condition)
}

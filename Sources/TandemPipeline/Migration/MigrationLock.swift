import Foundation

/// The one lock of the migration's phase changes: an exclusive `flock` on the state file's `.lock` sibling,
/// held by every cohort command that records or publishes a phase (and through a whole cut-over moment).
///
/// The kernel drops it when its process ends however it ends (SIGKILL included), so holding it is the proof
/// that a moment recorded in the state file is still in hand; a moment found while holding it was left behind.
///
/// - Important: not `Sendable` (it owns its descriptor); release it on the thread that took it.
final class MigrationLock {
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// The lock file of the state file at `statePath`.
    static func path(state statePath: String) -> String { statePath + ".lock" }

    /// Takes the lock, waiting up to `wait` for another process to let it go; nil when it did not.
    /// - Throws: `MigrationError.state` when the lock file cannot be opened.
    static func acquire(state statePath: String, wait: Duration) throws(MigrationError) -> MigrationLock? {
        let path = path(state: statePath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .state(file: path, reason: "cannot open the migration lock: \(String(cString: strerror(errno)))") }
        let deadline = ContinuousClock.now + wait
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw .state(file: path, reason: "cannot lock: \(String(cString: strerror(code)))")
            }
            guard ContinuousClock.now < deadline else { close(fd); return nil }
            usleep(2_000)
        }
        return MigrationLock(fd: fd)
    }

    /// Lets the lock go (closing the descriptor drops the flock).
    func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { release() }
}

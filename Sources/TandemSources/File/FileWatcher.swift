#if canImport(Glibc)
import Glibc
#endif

/// Waits for a directory to change (inotify on Linux), or, where inotify is unavailable, sleeps with a
/// bounded back-off; never busy-polls.
final class FileWatcher {
    private var fd: Int32 = -1
    private var backoffMs: Int64 = 2
    /// The longest sleep without a notification: a safety net for file systems that do not notify (NFS).
    static let maxWaitMs: Int64 = 1000

    /// A watcher on the directory holding the tailed file (covers writes, creation and renames in it).
    init(directory: String) {
        let f = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard f >= 0 else { return }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | IN_CLOSE_WRITE)
        if inotify_add_watch(f, directory, mask) < 0 { close(f); return }
        fd = f
    }

    deinit { if fd >= 0 { close(fd) } }

    /// True when inotify is in use.
    var usesNotifications: Bool { fd >= 0 }

    /// Called when data was found: the next idle wait starts short again.
    func reset() { backoffMs = 2 }

    /// Waits until something may have changed, `limit` passed, or `stop` fired.
    func wait(limit: Duration, stop: StopSignal?) {
        let (s, a) = limit.components
        let limitMs = s * 1000 + a / 1_000_000_000_000_000
        if fd >= 0 {
            StopSignal.wait(.milliseconds(min(limitMs, FileWatcher.maxWaitMs)), stop: stop, otherFD: fd)
            drain()
        } else {
            StopSignal.wait(.milliseconds(min(limitMs, backoffMs)), stop: stop)
            backoffMs = min(backoffMs * 2, 250)
        }
    }

    private func drain() {
        var buf = [UInt8](repeating: 0, count: 4096)
        while buf.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}

import Foundation

/// Wakes a follower when files in a directory change (inotify), so waiting costs no CPU.
final class DirectoryWatcher {
    private var fd: Int32

    init(directory: String) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd >= 0 {
            let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE)
            if inotify_add_watch(fd, directory, mask) < 0 { close(fd); fd = -1 }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Waits until something in the directory changes or `seconds` pass, then drains the events.
    func wait(seconds: Double) {
        let ms = Int32(Swift.max(0, Swift.min(seconds * 1000, 60_000)))
        guard fd >= 0 else {
            // No inotify: a short bounded back-off.
            usleep(UInt32(Swift.min(ms, 50)) * 1000)
            return
        }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, ms)
        var buf = [UInt8](repeating: 0, count: 4096)
        while read(fd, &buf, buf.count) > 0 {}
    }
}

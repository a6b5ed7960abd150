#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A one-way "stop now" flag that also wakes a source blocked in `poll` (through a pipe).
///
/// Fire it from a signal handler's dispatch source or another thread; the ingest loop finishes the batch
/// in hand, journals it, and returns.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Read end: becomes readable once `fire()` is called.
    public let fd: Int32
    private let writeFD: Int32

    /// A signal not yet fired.
    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        for f in fds where f >= 0 {
            _ = fcntl(f, F_SETFD, FD_CLOEXEC)
            _ = fcntl(f, F_SETFL, O_NONBLOCK)
        }
        fd = fds[0]; writeFD = fds[1]
    }

    deinit {
        if fd >= 0 { close(fd) }
        if writeFD >= 0 { close(writeFD) }
    }

    /// True once fired.
    public var isFired: Bool { flag.load(ordering: .acquiring) }

    /// Fires the signal (idempotent, async-signal-safe apart from the atomic store).
    public func fire() {
        if flag.exchange(true, ordering: .acquiringAndReleasing) { return }
        var b: UInt8 = 1
        _ = write(writeFD, &b, 1)
    }

    /// Sleeps up to `duration`, waking early when fired or when `otherFD` (if ≥ 0) becomes readable.
    /// Returns true when `otherFD` is readable.
    @discardableResult
    public static func wait(_ duration: Duration, stop: StopSignal?, otherFD: Int32 = -1) -> Bool {
        if stop?.isFired == true { return false }
        var fds: [pollfd] = []
        if otherFD >= 0 { fds.append(pollfd(fd: otherFD, events: Int16(POLLIN), revents: 0)) }
        if let s = stop, s.fd >= 0 { fds.append(pollfd(fd: s.fd, events: Int16(POLLIN), revents: 0)) }
        let (sec, atto) = duration.components
        let ms = Int32(clamping: sec * 1000 + atto / 1_000_000_000_000_000)
        let n = poll(&fds, nfds_t(fds.count), max(0, ms))
        return n > 0 && otherFD >= 0 && fds[0].revents != 0
    }
}

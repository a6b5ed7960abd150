import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A unix datagram socket playing systemd's `$NOTIFY_SOCKET`: collects what the daemon sends.
final class NotifySocket {
    let path: String
    private let fd: Int32

    /// Binds a socket at `path`.
    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw NSError(domain: "socket path too long: \(path)", code: 0)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { throw NSError(domain: "bind", code: Int(errno)) }
    }

    deinit { close(fd); unlink(path) }

    /// The next datagram, waiting up to `timeout` seconds (nil when none came).
    func receive(timeout: TimeInterval) -> String? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            let n = poll(&p, 1, left)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let got = recv(fd, &buffer, buffer.count, 0)
            guard got > 0 else { return nil }
            return String(decoding: buffer[..<got], as: UTF8.self)
        }
    }

    /// Receives until a datagram satisfies `match` or `timeout` passes; returns everything received (the match last).
    func receive(until match: (String) -> Bool, timeout: TimeInterval) -> (messages: [String], matched: Bool) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var out: [String] = []
        while deadline.timeIntervalSinceNow > 0 {
            guard let m = receive(timeout: deadline.timeIntervalSinceNow) else { break }
            out.append(m)
            if match(m) { return (out, true) }
        }
        return (out, false)
    }
}

import Foundation

/// Tells systemd how the daemon stands (sd_notify(3)): datagrams to `$NOTIFY_SOCKET`, a socket path or, when
/// it starts with `@`, an abstract socket. Without `$NOTIFY_SOCKET` (not run by systemd, or `Type=simple`)
/// every call does nothing. A failed send is reported by the return value, never thrown: systemd's view of
/// the daemon must not stop the daemon.
public struct SystemdNotifier: Sendable {
    /// The socket address as `$NOTIFY_SOCKET` gives it (nil: notifications off).
    public let socketPath: String?
    /// How often to call `watchdog()`: half of `$WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises; nil when
    /// the watchdog is off or `$WATCHDOG_PID` names another process.
    public let watchdogInterval: Duration?

    /// A notifier from the environment systemd sets (`NOTIFY_SOCKET`, `WATCHDOG_USEC`, `WATCHDOG_PID`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                pid: Int32 = getpid()) {
        let socket = environment["NOTIFY_SOCKET"]
        // Only paths and abstract names: systemd's vsock: addresses are for virtual machines.
        socketPath = socket.flatMap { $0.hasPrefix("/") || ($0.hasPrefix("@") && $0.count > 1) ? $0 : nil }
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 {
            let forUs = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
            if forUs { interval = .microseconds(Int64(clamping: usec / 2)) }
        }
        watchdogInterval = interval
    }

    /// `READY=1`: start-up is done (for `Type=notify`).
    @discardableResult public func ready() -> Bool { send("READY=1") }

    /// `STATUS=…`: one line `systemctl status` shows (newlines become spaces).
    @discardableResult public func status(_ text: String) -> Bool {
        send("STATUS=" + text.map { $0 == "\n" || $0 == "\r" ? " " : String($0) }.joined())
    }

    /// `WATCHDOG=1`: still alive (call every `watchdogInterval`).
    @discardableResult public func watchdog() -> Bool { send("WATCHDOG=1") }

    /// `STOPPING=1`: shutting down.
    @discardableResult public func stopping() -> Bool { send("STOPPING=1") }

    /// Sends one datagram; true when it was sent, or when notifications are off.
    @discardableResult public func send(_ message: String) -> Bool {
        guard let socketPath else { return true }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace: a leading NUL
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            if pathBytes.count < capacity { raw[pathBytes.count] = 0 }
        }
        // An abstract name's length is exact (no terminating NUL); a path's includes it, as systemd does.
        let length = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathBytes.count + (pathBytes[0] == 0 ? 0 : 1)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, socklen_t(length)) }
            }
        }
        return sent == bytes.count
    }
}

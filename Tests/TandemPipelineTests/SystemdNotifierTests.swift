import Foundation
import XCTest
@testable import TandemPipeline

/// A unix datagram socket the test binds, standing in for systemd's notification socket.
private final class NotifySocket {
    let fd: Int32
    /// What `$NOTIFY_SOCKET` would hold: the path, or `@name` for an abstract socket.
    let address: String
    private let path: String?

    init(abstract: Bool) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        let name = "tandem-notify-\(UUID().uuidString.prefix(8))"
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array((abstract ? "\0" + name : "/tmp/" + name).utf8)
        if !abstract { bytes.append(0) }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        address = abstract ? "@" + name : "/tmp/" + name
        path = abstract ? nil : "/tmp/" + name
        guard fd >= 0, rc == 0 else { throw POSIXError(.EADDRINUSE) }
        // A receive waits at most 5 s, so a missing datagram fails the test instead of hanging it.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// The next datagram, or nil after the timeout.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n < 0 ? nil : String(decoding: buffer[..<n], as: UTF8.self)
    }
}

final class SystemdNotifierTests: XCTestCase {
    func testNotificationsReachAPathSocketAsSystemdReadsThem() throws {
        let sock = try NotifySocket(abstract: false)
        let n = SystemdNotifier(environment: ["NOTIFY_SOCKET": sock.address])
        XCTAssertTrue(n.ready())
        XCTAssertTrue(n.status("replaying: 2 sinks\nlag 0"))
        XCTAssertTrue(n.watchdog())
        XCTAssertTrue(n.stopping())
        XCTAssertEqual([sock.receive(), sock.receive(), sock.receive(), sock.receive()],
                       ["READY=1", "STATUS=replaying: 2 sinks lag 0", "WATCHDOG=1", "STOPPING=1"])
    }

    func testNotificationsReachAnAbstractSocket() throws {
        let sock = try NotifySocket(abstract: true)
        let n = SystemdNotifier(environment: ["NOTIFY_SOCKET": sock.address])
        XCTAssertTrue(n.ready())
        XCTAssertTrue(n.watchdog())
        XCTAssertEqual([sock.receive(), sock.receive()], ["READY=1", "WATCHDOG=1"])
    }

    func testWithoutNotifySocketEveryCallIsANoOp() {
        let n = SystemdNotifier(environment: [:])
        XCTAssertNil(n.socketPath)
        XCTAssertNil(n.watchdogInterval)
        XCTAssertTrue(n.ready() && n.status("x") && n.watchdog() && n.stopping())
    }

    func testAFailedSendIsReportedNotThrown() {
        let n = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/tmp/tandem-no-such-socket-\(UUID().uuidString.prefix(8))"])
        XCTAssertFalse(n.ready())
    }

    func testWatchdogIntervalIsHalfOfWatchdogUsecForThisProcessOnly() {
        let pid = getpid()
        XCTAssertEqual(SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000"]).watchdogInterval, .seconds(10))
        XCTAssertEqual(SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "\(pid)"]).watchdogInterval,
                       .seconds(10))
        XCTAssertNil(SystemdNotifier(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "\(pid + 1)"]).watchdogInterval)
        XCTAssertNil(SystemdNotifier(environment: ["WATCHDOG_USEC": "0"]).watchdogInterval)
        XCTAssertNil(SystemdNotifier(environment: ["WATCHDOG_USEC": "soon"]).watchdogInterval)
    }
}

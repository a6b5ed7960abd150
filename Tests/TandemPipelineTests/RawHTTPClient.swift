import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What came back on a raw connection: status code, header fields (names lowercased) and body.
struct RawResponse {
    let status: Int
    let headers: [String: String]
    let body: String
}

/// A TCP client that sends exactly the bytes a test gives it (a real socket, no HTTP library in between).
final class RawHTTPClient {
    let fd: Int32

    /// Connects to 127.0.0.1:`port` (or `[::1]` with `ipv6`); nil when the connection is refused.
    init?(port: UInt16, ipv6: Bool = false) {
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var ok: Int32
        if ipv6 {
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6); sa.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, "::1", &sa.sin6_addr)
            ok = withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET); sa.sin_port = port.bigEndian
            sa.sin_addr.s_addr = inet_addr("127.0.0.1")
            ok = withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        if ok != 0 { close(fd); return nil }
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; false once the server has closed the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// True when bytes (or the end of the stream) are waiting to be read within `milliseconds`.
    func isReadable(within milliseconds: Int32) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, milliseconds) > 0
    }

    /// Reads until the server closes the connection (it always does) or `timeout` passes; nil on timeout.
    func readResponse(timeout: Duration = .seconds(10)) -> RawResponse? {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            if poll(&pfd, 1, ms) <= 0 { continue }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        return Self.parse(bytes)
    }

    static func parse(_ bytes: [UInt8]) -> RawResponse? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return RawResponse(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// One request with `Host` set, its response read to the end.
    static func request(port: UInt16, _ target: String, method: String = "GET", ipv6: Bool = false,
                        file: StaticString = #filePath, line: UInt = #line) -> RawResponse? {
        guard let client = RawHTTPClient(port: port, ipv6: ipv6) else {
            XCTFail("connection to port \(port) refused", file: file, line: line)
            return nil
        }
        client.send("\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test\r\n\r\n")
        return client.readResponse()
    }
}


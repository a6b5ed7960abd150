#if canImport(Glibc)
import Glibc
#endif

/// Why a request to the daemon's HTTP endpoint got no usable answer, with the address asked.
public enum HTTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The connection was refused or failed (nothing listens there, most often).
    case connectFailed(String, errno: Int32)
    /// No whole answer within the deadline (`phase`: connecting, sending, reading).
    case timedOut(String, phase: String, after: Duration)
    /// The answer is not HTTP/1.x, is cut short, or exceeds the size bound.
    case malformed(String, reason: String)

    public var description: String {
        switch self {
        case let .connectFailed(address, code): return "\(address): \(String(cString: strerror(code)))"
        case let .timedOut(address, phase, after): return "\(address): no answer within \(after) (\(phase))"
        case let .malformed(address, reason): return "\(address): not a usable HTTP answer: \(reason)"
        }
    }
}

/// A small HTTP/1.1 client for the daemon's own endpoint (`tandem status` asks `GET /status`): one GET,
/// `Connection: close`, one deadline for connecting, sending and reading the whole answer, and a bound on the
/// answer's size, so that a wedged or foreign listener costs at most the deadline.
public enum HTTPClient {
    /// What came back.
    public struct Response: Sendable, Equatable {
        /// The status code.
        public var status: Int
        /// Header fields in order, names lowercased.
        public var headers: [HTTPHeader]
        /// The body (`Content-Length` bytes when the header is given, else all until the close).
        public var body: [UInt8]

        /// The first value of header `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name == lower }?.value
        }
    }

    /// `GET path` from `address` (an unspecified host such as `0.0.0.0` is asked on loopback).
    /// - Throws: `HTTPClientError`.
    public static func get(_ path: String, from address: HTTPListenAddress, timeout: Duration = .seconds(2),
                           maxBytes: Int = 16 << 20) throws(HTTPClientError) -> Response {
        let target = address.connectable
        let text = target.description
        let deadline = ContinuousClock.now + timeout
        let fd = socket(target.isIPv6 ? AF_INET6 : AF_INET,
                        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw .connectFailed(text, errno: errno) }
        defer { close(fd) }
        if target.withSockaddr({ connect(fd, $0, $1) }) != 0 {
            guard errno == EINPROGRESS else { throw .connectFailed(text, errno: errno) }
            guard wait(fd, for: Int16(POLLOUT), until: deadline) else { throw .timedOut(text, phase: "connecting", after: timeout) }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            guard code == 0 else { throw .connectFailed(text, errno: code) }
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(text)\r\nUser-Agent: tandem\r\nAccept: */*\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            if n < 0 && errno == EINTR { continue }
            guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK else { throw .connectFailed(text, errno: errno) }
            guard wait(fd, for: Int16(POLLOUT), until: deadline) else { throw .timedOut(text, phase: "sending", after: timeout) }
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { break }
            if n > 0 {
                bytes += chunk[..<n]
                if bytes.count > maxBytes { throw .malformed(text, reason: "more than \(maxBytes) bytes") }
                continue
            }
            if errno == EINTR { continue }
            if errno == ECONNRESET, !bytes.isEmpty { break }  // a server that closed with our bytes unread
            guard errno == EAGAIN || errno == EWOULDBLOCK else { throw .connectFailed(text, errno: errno) }
            guard wait(fd, for: Int16(POLLIN), until: deadline) else { throw .timedOut(text, phase: "reading", after: timeout) }
        }
        return try parse(bytes, from: text)
    }

    /// Splits an HTTP/1.x answer into status, headers and body.
    static func parse(_ bytes: [UInt8], from address: String) throws(HTTPClientError) -> Response {
        guard let end = headEnd(bytes) else {
            throw .malformed(address, reason: bytes.isEmpty ? "the connection closed without an answer" : "no end of the header")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), statusParts[1].count == 3,
              let status = Int(statusParts[1]) else {
            throw .malformed(address, reason: "the status line is not HTTP/1.x CODE")
        }
        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed(address, reason: "a header line without a colon") }
            headers.append(HTTPHeader(name: line[..<colon].lowercased(),
                                      value: line[line.index(after: colon)...].trimmed(of: " \t")))
        }
        var body = Array(bytes[(end + 4)...])
        if let lengthText = headers.first(where: { $0.name == "content-length" })?.value {
            guard let length = Int(lengthText), length >= 0 else { throw .malformed(address, reason: "a bad Content-Length") }
            guard body.count >= length else {
                throw .malformed(address, reason: "the body is cut short (\(body.count) of \(length) bytes)")
            }
            body = Array(body.prefix(length))
        }
        return Response(status: status, headers: headers, body: body)
    }

    private static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i }
        return nil
    }

    /// Waits until `fd` is ready for `events` or `deadline` passes; false on the deadline.
    private static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let r = poll(&pfd, 1, ms)
            if r > 0 { return true }
            if r < 0 && errno != EINTR { return true }  // let the next call report the error
        }
    }
}

extension HTTPListenAddress {
    /// The address a client connects to: the same one, or loopback for an unspecified host (`0.0.0.0`, `::`).
    var connectable: HTTPListenAddress {
        guard bytes.allSatisfy({ $0 == 0 }) else { return self }
        return isIPv6 ? HTTPListenAddress(host: "::1", port: port, isIPv6: true, bytes: [UInt8](repeating: 0, count: 15) + [1])
            : HTTPListenAddress(host: "127.0.0.1", port: port, isIPv6: false, bytes: [127, 0, 0, 1])
    }
}

extension Substring {
    /// Without the leading and trailing characters of `set`.
    fileprivate func trimmed(of set: String) -> String {
        var s = self
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}

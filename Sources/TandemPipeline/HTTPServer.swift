import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The bounds an HTTP server keeps whatever a client sends.
public struct HTTPServerLimits: Sendable, Hashable {
    /// Most bytes of a request head (request line and header fields, blank line included): beyond, 431.
    public var maxHeaderBytes: Int
    /// Time a client has from connecting to the end of its request head: beyond, 408 (a slowloris).
    public var readTimeout: Duration
    /// Time a response may take to leave (a client that does not read is dropped).
    public var writeTimeout: Duration
    /// Connections served at once: the next one gets 503 and is closed.
    public var maxConnections: Int

    /// The defaults suit a scrape every few seconds on loopback.
    public init(maxHeaderBytes: Int = 16 * 1024, readTimeout: Duration = .seconds(5),
                writeTimeout: Duration = .seconds(5), maxConnections: Int = 32) {
        self.maxHeaderBytes = maxHeaderBytes; self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout; self.maxConnections = maxConnections
    }
}

/// A small, strict HTTP/1.1 server: GET and HEAD (and POST without a body when `acceptsPost`), one request per connection (`Connection: close`),
/// bounded head size, read deadline and connection count. Every request goes to one handler; every bad one
/// gets a 4xx and the server goes on. One thread accepts; each admitted connection gets its own thread.
/// The handler runs on a connection's thread, several at once; it must not call `stop()` (stop waits for it).
/// A started server runs until `stop()`: its threads keep it alive, dropping the last reference does not.
///
/// Sendable without `@unchecked`: the mutable state sits in a `Mutex`, the rest is immutable.
public final class HTTPServer: Sendable {
    /// The address as configured (port 0 when the kernel picks one: see `boundAddress`).
    public let address: HTTPListenAddress
    /// The bounds it keeps.
    public let limits: HTTPServerLimits
    /// Whether POST requests reach the handler (else 405 before it); their bodies are never read.
    public let acceptsPost: Bool
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let state = Mutex(State())
    /// Entered by the accept thread and by each connection thread; `stop()` waits for all of them.
    private let threads = DispatchGroup()
    /// How long a closing connection reads what the client still sends, so that the client sees the
    /// response before the kernel would answer unread bytes with a reset.
    private static let lingerTime: Duration = .seconds(1)
    private static let lingerBytes = 1 << 20

    private enum Phase { case new, starting, running, stopping, stopped }

    private struct State {
        var phase = Phase.new
        var listenFD: Int32 = -1
        /// A pipe written once by `stop()` and never drained: readable from then on, it wakes every poll.
        var wakeRead: Int32 = -1
        var wakeWrite: Int32 = -1
        var active = 0
        var bound: HTTPListenAddress?
    }

    /// A server for `listen` (`127.0.0.1:9187`, `[::1]:PORT`, `localhost:PORT`; port 0 for a free one).
    /// Throws `HTTPServerError.notLoopback` for a host beyond loopback unless `allowNonLoopback`.
    public convenience init(listen: String = HTTPListenAddress.defaultAddress, allowNonLoopback: Bool = false,
                            limits: HTTPServerLimits = HTTPServerLimits(),
                            handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        try self.init(address: HTTPListenAddress(parsing: listen), allowNonLoopback: allowNonLoopback,
                      limits: limits, handler: handler)
    }

    /// A server for a parsed address (see `init(listen:…)`).
    public init(address: HTTPListenAddress, allowNonLoopback: Bool = false,
                limits: HTTPServerLimits = HTTPServerLimits(), acceptsPost: Bool = false,
                handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        guard address.isLoopback || allowNonLoopback else { throw HTTPServerError.notLoopback(address.description) }
        self.address = address; self.limits = limits; self.acceptsPost = acceptsPost; self.handler = handler
    }

    /// The address actually listened on (with the port the kernel picked for port 0); nil before `start()`.
    public var boundAddress: HTTPListenAddress? { state.withLock { $0.bound } }

    /// Connections being served right now.
    public var activeConnections: Int { state.withLock { $0.active } }

    /// Binds, listens and starts accepting; returns once the socket listens (connections queue from then on).
    public func start() throws {
        let mayStart = state.withLock { s -> Bool in
            guard s.phase == .new else { return false }
            s.phase = .starting
            return true
        }
        guard mayStart else { throw HTTPServerError.alreadyStarted(address.description) }
        let listenFD: Int32, bound: HTTPListenAddress
        var wake: [Int32] = [-1, -1]
        do {
            (listenFD, bound) = try listenSocket()
            // pipe2 and accept4 are GNU extensions Glibc's module does not export: FD_CLOEXEC right after.
            guard pipe(&wake) == 0 else {
                let code = errno
                close(listenFD)
                throw HTTPServerError.socketFailed(address.description, call: "pipe", errno: code)
            }
        } catch {
            state.withLock { $0.phase = .new }
            throw error
        }
        for fd in wake { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        state.withLock { s in
            s.listenFD = listenFD; s.wakeRead = wake[0]; s.wakeWrite = wake[1]; s.bound = bound; s.phase = .running
        }
        threads.enter()
        let wakeRead = wake[0]
        Thread.detachNewThread { [self] in
            acceptLoop(listenFD: listenFD, wake: wakeRead)
            threads.leave()
        }
    }

    /// Stops gracefully: accepts no more connections, lets requests in a handler finish and answer, drops
    /// connections still waiting for a request head, and returns when every socket is closed.
    public func stop() {
        let wakeWrite = state.withLock { s -> Int32? in
            guard s.phase == .running else {
                if s.phase == .new { s.phase = .stopped }
                return nil
            }
            s.phase = .stopping
            return s.wakeWrite
        }
        guard let wakeWrite else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        threads.wait()
        state.withLock { s in
            close(s.wakeRead); close(s.wakeWrite)
            s.wakeRead = -1; s.wakeWrite = -1; s.listenFD = -1; s.phase = .stopped
        }
    }

    // MARK: - Sockets

    private func listenSocket() throws -> (Int32, HTTPListenAddress) {
        let text = address.description
        let fd = socket(address.isIPv6 ? AF_INET6 : AF_INET,
                        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError.socketFailed(text, call: "socket", errno: errno) }
        var one: Int32 = 1
        // A restarted daemon binds again while its old connections sit in TIME_WAIT.
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.isIPv6 {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let bindResult = address.withSockaddr { bind(fd, $0, $1) }
        if bindResult != 0 {
            let code = errno
            close(fd)
            if code == EADDRINUSE { throw HTTPServerError.addressInUse(text, port: address.port) }
            throw HTTPServerError.socketFailed(text, call: "bind", errno: code)
        }
        guard listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError.socketFailed(text, call: "listen", errno: code)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError.socketFailed(text, call: "getsockname", errno: code)
        }
        // sin_port and sin6_port sit at the same offset, right after the family.
        let port = withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
        return (fd, address.with(port: port))
    }

    private func acceptLoop(listenFD: Int32, wake: Int32) {
        defer { close(listenFD) }
        while true {
            var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            let conn = accept(listenFD, nil, nil)
            if conn >= 0 { _ = fcntl(conn, F_SETFD, FD_CLOEXEC) }
            if conn < 0 {
                // Out of descriptors: the pending connection stays readable, so back off instead of spinning.
                if errno == EMFILE || errno == ENFILE { _ = poll(&fds[1], 1, 100) }
                continue
            }
            let admitted = state.withLock { s -> Bool in
                guard s.active < limits.maxConnections else { return false }
                s.active += 1
                return true
            }
            guard admitted else { refuse(conn); continue }
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(conn, wake: wake)
                state.withLock { $0.active -= 1 }
                threads.leave()
            }
        }
    }

    /// Answers 503 on the accept thread without blocking it: the connection is over the limit.
    private func refuse(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var scratch = [UInt8](repeating: 0, count: 4096)
        _ = recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
        let response = HTTPResponse.text("503 Service Unavailable: more than \(limits.maxConnections) connections at once\n",
                                         status: .serviceUnavailable, headers: [HTTPHeader(name: "Retry-After", value: "1")])
        let bytes = response.serialized(includeBody: true)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }

    private enum Readiness { case ready, timedOut, stopping }

    private func serve(_ fd: Int32, wake: Int32) {
        defer { close(fd) }
        let write = limits.writeTimeout.components
        var timeout = timeval(tv_sec: Int(write.seconds), tv_usec: Int(write.attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = ContinuousClock.now + limits.readTimeout
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var scanned = 0
        while true {
            if let end = Self.headEnd(buffer, from: scanned) {
                if end + 4 > limits.maxHeaderBytes { return respond(fd, includeBody: true, with: tooLarge) }
                let response: HTTPResponse
                var request: HTTPRequest?
                switch HTTPRequestParser.parse(head: buffer[..<end], acceptsPost: acceptsPost) {
                case .success(let r): request = r; response = handler(r)
                case .failure(let rejection): response = Self.response(for: rejection)
                }
                let isHead = request?.method == "HEAD" || (request == nil && buffer.starts(with: "HEAD ".utf8))
                return respond(fd, includeBody: !isHead, with: response)
            }
            if buffer.count >= limits.maxHeaderBytes { return respond(fd, includeBody: true, with: tooLarge) }
            scanned = max(0, buffer.count - 3)
            switch Self.waitReadable(fd, wake: wake, until: deadline) {
            case .stopping: return
            case .timedOut:
                return respond(fd, includeBody: true, with: Self.response(for: HTTPRejection(
                    status: .requestTimeout, reason: "no whole request head within \(limits.readTimeout)")))
            case .ready: break
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }  // the client left before a whole request head: nobody to answer
            buffer += chunk[..<n]
        }
    }

    private var tooLarge: HTTPResponse {
        Self.response(for: HTTPRejection(status: .headerFieldsTooLarge,
                                         reason: "the request head exceeds \(limits.maxHeaderBytes) bytes"))
    }

    private static func response(for rejection: HTTPRejection) -> HTTPResponse {
        .text("\(rejection.status): \(rejection.reason)\n", status: rejection.status, headers: rejection.headers)
    }

    /// Sends the response, then closes the sending side and reads what the client still sends (bounded).
    private func respond(_ fd: Int32, includeBody: Bool, with response: HTTPResponse) {
        let bytes = response.serialized(includeBody: includeBody)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            sent += n
        }
        shutdown(fd, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + Self.lingerTime
        var drained = 0
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while drained < Self.lingerBytes {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, Self.milliseconds(until: deadline))
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { return }
            let n = recv(fd, &scratch, scratch.count, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            drained += n
        }
    }

    private static func waitReadable(_ fd: Int32, wake: Int32, until deadline: ContinuousClock.Instant) -> Readiness {
        while true {
            let ms = milliseconds(until: deadline)
            if ms == 0 { return .timedOut }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            let r = poll(&fds, 2, ms)
            if r < 0 {
                if errno == EINTR { continue }
                return .stopping
            }
            if fds[1].revents != 0 { return .stopping }
            if fds[0].revents != 0 { return .ready }  // data, end of stream or an error: recv tells which
        }
    }

    /// Whole milliseconds left until `deadline` (rounded up), 0 when it has passed.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { return 0 }
        let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: ms)
    }

    /// The index of the CR LF CR LF that ends a request head, searching from `start`.
    private static func headEnd(_ buffer: [UInt8], from start: Int) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var i = start
        while i + 3 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }
}

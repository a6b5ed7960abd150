#if canImport(Glibc)
import Glibc
#endif

/// Why the HTTP server could not be set up or started, with the address it was given.
public enum HTTPServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A listen address that is not `HOST:PORT` with a numeric host, `[IPv6]` or `localhost`.
    case invalidAddress(String, reason: String)
    /// A listen address beyond loopback without `allowNonLoopback`.
    case notLoopback(String)
    /// Another socket already listens on the address.
    case addressInUse(String, port: UInt16)
    /// A socket call failed (`call` names it: socket, bind, listen, pipe).
    case socketFailed(String, call: String, errno: Int32)
    /// `start()` on a server that was already started (a stopped server is not restarted: make a new one).
    case alreadyStarted(String)

    public var description: String {
        switch self {
        case let .invalidAddress(text, reason):
            return "http: invalid listen address '\(text)': \(reason) (expected 127.0.0.1:PORT, [::1]:PORT or localhost:PORT)"
        case let .notLoopback(text):
            return "http: listen address \(text) is beyond loopback; refused unless allowNonLoopback is set in the configuration"
        case let .addressInUse(text, port):
            return "http: address in use: \(text) (port \(port) is taken by another process; pick another port or stop it)"
        case let .socketFailed(text, call, code):
            return "http: \(call) failed for \(text): \(String(cString: strerror(code)))"
        case let .alreadyStarted(text):
            return "http: the server for \(text) was already started"
        }
    }
}

/// Where the HTTP server listens: a numeric IPv4 or IPv6 host (or `localhost`) and a port (0: any free port).
public struct HTTPListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host in numeric form (`localhost` becomes `127.0.0.1`).
    public let host: String
    /// The port; 0 asks the kernel for a free one (the server reports the one it got).
    public let port: UInt16
    /// True for an IPv6 host.
    public let isIPv6: Bool
    /// The host's address bytes in network order (4 or 16).
    let bytes: [UInt8]

    /// The default listen address: loopback only.
    public static let defaultAddress = "127.0.0.1:9187"

    /// Parses `127.0.0.1:PORT`, `[::1]:PORT`, `localhost:PORT` or another numeric `HOST:PORT`.
    public init(parsing text: String) throws {
        let hostText: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw HTTPServerError.invalidAddress(text, reason: "an IPv6 host is written [HOST]:PORT")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw HTTPServerError.invalidAddress(text, reason: "no port")
            }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
            if hostText.contains(":") {
                throw HTTPServerError.invalidAddress(text, reason: "an IPv6 host is written [HOST]:PORT")
            }
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = UInt16(portText) else {
            throw HTTPServerError.invalidAddress(text, reason: "the port is not a number from 0 to 65535")
        }
        let numeric = hostText == "localhost" ? "127.0.0.1" : String(hostText)
        if text.hasPrefix("["), let v6 = Self.bytes(of: numeric, family: AF_INET6, count: 16) {
            self.init(host: numeric, port: port, isIPv6: true, bytes: v6)
        } else if !text.hasPrefix("["), let v4 = Self.bytes(of: numeric, family: AF_INET, count: 4) {
            self.init(host: numeric, port: port, isIPv6: false, bytes: v4)
        } else {
            throw HTTPServerError.invalidAddress(text, reason: "the host is neither a numeric address nor localhost")
        }
    }

    init(host: String, port: UInt16, isIPv6: Bool, bytes: [UInt8]) {
        self.host = host; self.port = port; self.isIPv6 = isIPv6; self.bytes = bytes
    }

    /// The same host with another port (the one the kernel picked for port 0).
    func with(port: UInt16) -> HTTPListenAddress {
        HTTPListenAddress(host: host, port: port, isIPv6: isIPv6, bytes: bytes)
    }

    /// True for 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        isIPv6 ? bytes == [UInt8](repeating: 0, count: 15) + [1] : bytes[0] == 127
    }

    /// `127.0.0.1:9187` or `[::1]:9187`.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    private static func bytes(of text: String, family: Int32, count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 16)
        let ok = out.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) }
        return ok == 1 ? Array(out.prefix(count)) : nil
    }

    /// Calls `body` with this address as a `sockaddr` and its length.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        if isIPv6 {
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sa.sin6_addr) { $0.copyBytes(from: bytes) }
            return withUnsafePointer(to: &sa) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port.bigEndian
        withUnsafeMutableBytes(of: &sa.sin_addr) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}

/// Why a request head was refused: the status to answer and a one-line reason for the body.
struct HTTPRejection: Error, Sendable, Equatable {
    let status: HTTPStatus
    let reason: String
    var headers: [HTTPHeader] = []
}

/// Parses a request head strictly (RFC 9112): request line, CRLF-terminated header fields, GET/HEAD only,
/// an origin-form target whose path cannot climb out of `/`.
enum HTTPRequestParser {
    /// The methods the server answers.
    static let allowed = "GET, HEAD"

    /// `head` is everything before the blank line that ends it (without the final CRLF CRLF).
    /// `acceptsPost` lets POST through to the handler (the daemon's control room decides: 403 without an
    /// operator token); a POST's body is never read, and its handler must refuse a request announcing one.
    static func parse(head: ArraySlice<UInt8>, acceptsPost: Bool = false) -> Result<HTTPRequest, HTTPRejection> {
        guard let lines = split(head), lines.allSatisfy({ !$0.contains(13) && !$0.contains(0) }) else {
            return .failure(bad("a bare CR or LF or a NUL in the request head"))
        }
        let requestLine = lines[0]
        let parts = requestLine.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(bad("the request line is not METHOD TARGET VERSION"))
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        if version != "HTTP/1.1" && version != "HTTP/1.0" {
            if version.hasPrefix("HTTP/") && version.count == 8 {
                return .failure(HTTPRejection(status: .versionNotSupported, reason: "only HTTP/1.0 and HTTP/1.1 are served"))
            }
            return .failure(bad("the request line is not METHOD TARGET VERSION"))
        }
        guard parts[0].allSatisfy(isTokenByte) else { return .failure(bad("the method is not a token")) }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard method == "GET" || method == "HEAD" || (acceptsPost && method == "POST") else {
            return .failure(HTTPRejection(status: .methodNotAllowed, reason: "only \(acceptsPost ? "GET, HEAD and POST" : "GET and HEAD") are served",
                                          headers: [HTTPHeader(name: "Allow", value: acceptsPost ? allowed + ", POST" : allowed)]))
        }
        let target: (path: String, query: String?)
        switch normalizedTarget(parts[1]) {
        case .success(let t): target = t
        case .failure(let rejection): return .failure(rejection)
        }
        var headers: [HTTPHeader] = []
        for line in lines.dropFirst() {
            if line.first == 32 || line.first == 9 { return .failure(bad("a folded header line")) }
            guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
                  line[..<colon].allSatisfy(isTokenByte) else {
                return .failure(bad("a header line is not NAME: VALUE"))
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
            headers.append(HTTPHeader(name: name, value: value))
        }
        let hosts = headers.filter { $0.name == "host" }.count
        if hosts > 1 || (hosts == 0 && version == "HTTP/1.1") {
            return .failure(bad("an HTTP/1.1 request needs exactly one Host header"))
        }
        // A POST's body is never read: its handler refuses one (after the 403 every POST gets without a token).
        if method != "POST", headers.contains(where: { $0.name == "transfer-encoding" })
            || headers.contains(where: { $0.name == "content-length" && $0.value != "0" }) {
            return .failure(bad("a GET or HEAD request carries no body"))
        }
        return .success(HTTPRequest(method: method, path: target.path, query: target.query, headers: headers))
    }

    /// The path (percent-decoded, normalized) and query of an origin-form target; refuses any way of
    /// naming a parent directory or a byte a file name could misread (`..`, `%2e`, `%2f`, NUL, backslash).
    static func normalizedTarget(_ raw: ArraySlice<UInt8>) -> Result<(path: String, query: String?), HTTPRejection> {
        guard raw.first == UInt8(ascii: "/") else {
            return .failure(bad("the target is not a path starting with /"))
        }
        guard raw.allSatisfy({ $0 > 32 && $0 < 127 }), !raw.contains(UInt8(ascii: "#")) else {
            return .failure(bad("the target holds a control, space, non-ASCII or # byte"))
        }
        let text = String(decoding: raw, as: UTF8.self)
        let rawPath: Substring, query: String?
        if let q = text.firstIndex(of: "?") {
            rawPath = text[..<q]; query = String(text[text.index(after: q)...])
        } else {
            rawPath = text[...]; query = nil
        }
        let lower = rawPath.lowercased()
        for refused in ["..", "%2e", "%2f", "%5c", "%00", "\\"] where lower.contains(refused) {
            return .failure(bad("the path contains '\(refused)'"))
        }
        var decoded: [UInt8] = []
        var bytes = Array(rawPath.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == UInt8(ascii: "%") else { decoded.append(b); continue }
            guard bytes.count >= 2, let hi = hexValue(bytes.removeFirst()), let lo = hexValue(bytes.removeFirst()) else {
                return .failure(bad("the path holds a malformed %-escape"))
            }
            let byte = hi << 4 | lo
            guard byte > 32 && byte < 127 else { return .failure(bad("the path decodes to a control or non-ASCII byte")) }
            decoded.append(byte)
        }
        let segments = decoded.split(separator: UInt8(ascii: "/")).filter { $0 != [UInt8(ascii: ".")] }
        let path = "/" + segments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        return .success((path, query))
    }

    private static func bad(_ reason: String) -> HTTPRejection { HTTPRejection(status: .badRequest, reason: reason) }

    /// Lines of the head split at CRLF; nil when a line ends in a bare LF (a CR left inside a line is
    /// refused by the caller).
    private static func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex, i = head.startIndex
        while i < head.endIndex {
            if head[i] == 10 {
                guard i > start, head[i - 1] == 13 else { return nil }
                lines.append(head[start..<(i - 1)]); start = i + 1
            }
            i += 1
        }
        lines.append(head[start..<head.endIndex])
        return lines
    }

    /// tchar from RFC 9110 §5.6.2.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (OWS around a header value).
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}

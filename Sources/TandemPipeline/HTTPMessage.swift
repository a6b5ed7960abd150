#if canImport(Glibc)
import Glibc
#endif

/// An HTTP status code with its reason phrase.
public struct HTTPStatus: Sendable, Hashable, CustomStringConvertible {
    /// The three-digit code.
    public let code: Int
    /// The reason phrase sent after it.
    public let reason: String

    /// A status; prefer the named ones below.
    public init(code: Int, reason: String) { self.code = code; self.reason = reason }

    public static let ok = HTTPStatus(code: 200, reason: "OK")
    public static let badRequest = HTTPStatus(code: 400, reason: "Bad Request")
    public static let notFound = HTTPStatus(code: 404, reason: "Not Found")
    public static let methodNotAllowed = HTTPStatus(code: 405, reason: "Method Not Allowed")
    public static let requestTimeout = HTTPStatus(code: 408, reason: "Request Timeout")
    public static let headerFieldsTooLarge = HTTPStatus(code: 431, reason: "Request Header Fields Too Large")
    public static let internalServerError = HTTPStatus(code: 500, reason: "Internal Server Error")
    public static let serviceUnavailable = HTTPStatus(code: 503, reason: "Service Unavailable")
    public static let versionNotSupported = HTTPStatus(code: 505, reason: "HTTP Version Not Supported")

    public var description: String { "\(code) \(reason)" }
}

/// A request the server accepted: GET or HEAD, a normalized path, no body.
public struct HTTPRequest: Sendable, Hashable {
    /// `GET` or `HEAD` (the server answers HEAD with the GET response's head).
    public let method: String
    /// The path, percent-decoded and normalized: starts with `/`, no empty or `.` segments, no `..`.
    public let path: String
    /// The query after `?`, as sent (without the `?`); nil when there is none.
    public let query: String?
    /// Header fields in order, names lowercased, values trimmed.
    public let headers: [HTTPHeader]

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// One header field.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name (lowercased in a request).
    public let name: String
    /// The field value.
    public let value: String

    /// A header field.
    public init(name: String, value: String) { self.name = name; self.value = value }
}

/// What a handler answers. The server adds Content-Length, Cache-Control: no-store,
/// X-Content-Type-Options: nosniff, Date and Connection: close.
public struct HTTPResponse: Sendable, Hashable {
    /// The status line's code and phrase.
    public var status: HTTPStatus
    /// The Content-Type header (`MetricsText.contentType` for `/metrics`).
    public var contentType: String
    /// The body (left out, Content-Length kept, for HEAD).
    public var body: [UInt8]
    /// Further header fields (e.g. `Allow`, `Retry-After`); CR, LF and NUL are removed from them.
    public var headers: [HTTPHeader]

    /// A response; the server adds the framing and safety headers.
    public init(status: HTTPStatus = .ok, contentType: String = "text/plain; charset=utf-8", body: [UInt8],
                headers: [HTTPHeader] = []) {
        self.status = status; self.contentType = contentType; self.body = body; self.headers = headers
    }

    /// A plain-text response.
    public static func text(_ text: String, status: HTTPStatus = .ok, headers: [HTTPHeader] = []) -> HTTPResponse {
        HTTPResponse(status: status, body: Array(text.utf8), headers: headers)
    }

    /// The bytes on the wire; HEAD gets the same head (Content-Length included) without the body.
    func serialized(includeBody: Bool, date: String = HTTPResponse.httpDate()) -> [UInt8] {
        var head = "HTTP/1.1 \(status.code) \(Self.clean(status.reason))\r\n"
        head += "Content-Type: \(Self.clean(contentType))\r\n"
        head += "Content-Length: \(body.count)\r\n"
        head += "Cache-Control: no-store\r\n"
        head += "X-Content-Type-Options: nosniff\r\n"
        head += "Date: \(date)\r\n"
        head += "Connection: close\r\n"
        for h in headers { head += "\(Self.clean(h.name)): \(Self.clean(h.value))\r\n" }
        head += "\r\n"
        var out = Array(head.utf8)
        if includeBody { out += body }
        return out
    }

    /// Strips the characters that would split a header (a handler's text must not inject one).
    private static func clean(_ s: String) -> String {
        String(s.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" })
    }

    /// The current time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    static func httpDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// JSON text that does not parse, or an event line that is not a valid event: where and why.
///
/// `offset` is the 0-based byte offset in the parsed text (for an event line: in the line).
public struct JSONError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Byte offset (0-based) within the parsed text.
    public var offset: Int
    /// What was wrong, in words for an operator.
    public var reason: String
    public init(offset: Int, reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "\(reason) at byte \(offset)" }

    /// The 1-based line and column (in bytes) of `offset` within `text`, for errors in multi-line files.
    public func location(in text: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for k in 0..<min(offset, text.count) where text[k] == 0x0A { line += 1; lineStart = k + 1 }
        return (line, offset - lineStart + 1)
    }
}

/// The error of `EventJSON.decode`: the same shape as any JSON error (offset and reason).
public typealias EventJSONError = JSONError

/// The one JSON tokenizer of Tandem: a cursor over UTF-8 bytes that `JSONValue` and `EventJSON` share.
///
/// It never builds trees; callers pull tokens (strings, numbers, literals, punctuation) in order.
/// The buffer must outlive the scanner.
struct JSONScanner {
    let b: UnsafeBufferPointer<UInt8>
    /// Offset of the next unread byte.
    var i: Int = 0
    /// Current nesting of arrays/objects, bounded by `maxDepth` so hostile input cannot exhaust the stack.
    var depth: Int = 0
    /// What the input is called in "unexpected end of …" errors.
    let inputNoun: String
    /// Reused buffer for strings with escapes.
    var scratch: [UInt8] = []

    static let maxDepth = 512

    init(_ raw: UnsafeRawBufferPointer, inputNoun: String = "input") {
        b = raw.assumingMemoryBound(to: UInt8.self)
        self.inputNoun = inputNoun
    }

    @inline(__always) var atEnd: Bool { i >= b.count }

    func error(_ reason: String, at offset: Int) -> JSONError { JSONError(offset: offset, reason: reason) }

    /// "unexpected end of line" (or of input) at the current offset.
    func endError() -> JSONError { JSONError(offset: i, reason: "unexpected end of \(inputNoun)") }

    /// A byte shown to a human: `'x'` when printable ASCII, else its hex value.
    static func show(_ c: UInt8) -> String {
        (c >= 0x21 && c < 0x7F) ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16, uppercase: true))"
    }

    /// What is at the current offset, for "expected X, found Y" errors.
    func found() -> String { atEnd ? "end of \(inputNoun)" : JSONScanner.show(b[i]) }

    @inline(__always) mutating func skipWhitespace() {
        while i < b.count {
            let c = b[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// Skips whitespace and returns the next byte without consuming it; the end is an error.
    @inline(__always) mutating func peek() throws(JSONError) -> UInt8 {
        skipWhitespace()
        guard i < b.count else { throw endError() }
        return b[i]
    }

    /// Skips whitespace and consumes `c`, or fails with "expected <what>, found …".
    @inline(__always) mutating func expect(_ c: UInt8, _ what: @autoclosure () -> String) throws(JSONError) {
        skipWhitespace()
        guard i < b.count else { throw error("expected \(what()), found end of \(inputNoun)", at: i) }
        guard b[i] == c else { throw error("expected \(what()), found \(found())", at: i) }
        i += 1
    }

    /// After a member or element: consumes ',' (returns true) or `close` (returns false).
    @inline(__always) mutating func commaOr(_ close: UInt8, _ what: String) throws(JSONError) -> Bool {
        skipWhitespace()
        guard i < b.count else { throw endError() }
        let c = b[i]
        i += 1
        if c == UInt8(ascii: ",") { return true }
        if c == close { return false }
        i -= 1
        throw error("expected ',' or '\(Character(Unicode.Scalar(close)))' after \(what), found \(found())", at: i)
    }

    mutating func enter() throws(JSONError) {
        depth += 1
        guard depth <= JSONScanner.maxDepth else {
            throw error("nesting deeper than \(JSONScanner.maxDepth) levels", at: i)
        }
    }

    @inline(__always) mutating func leave() { depth -= 1 }

    /// Consumes `true`, `false` or `null` starting at the current byte (already known to be t, f or n).
    mutating func literal() throws(JSONError) -> JSONValue {
        func matches(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
            return true
        }
        let c = b[i]
        if c == UInt8(ascii: "t"), matches("true") { i += 4; return .bool(true) }
        if c == UInt8(ascii: "f"), matches("false") { i += 5; return .bool(false) }
        if c == UInt8(ascii: "n"), matches("null") { i += 4; return .null }
        throw error("invalid literal (expected true, false or null)", at: i)
    }

    /// Consumes the trailing whitespace and fails if anything else is left.
    mutating func finish(_ what: String) throws(JSONError) {
        skipWhitespace()
        guard atEnd else { throw error("unexpected \(found()) after \(what)", at: i) }
    }

    // MARK: numbers

    /// A number token: its byte range and whether it was written as an integer (no fraction, no exponent).
    struct Number {
        var start: Int
        var end: Int
        var isInteger: Bool
    }

    /// Consumes a number per the JSON grammar (`-? int frac? exp?`), validating it.
    @inline(__always) mutating func number() throws(JSONError) -> Number {
        let start = i
        let n = b.count
        if i < n && b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(b[i]) else { throw error("invalid number: expected a digit", at: i) }
        if b[i] == UInt8(ascii: "0") {
            i += 1
            if i < n && isDigit(b[i]) { throw error("invalid number: leading zero", at: start) }
        } else {
            while i < n && isDigit(b[i]) { i += 1 }
        }
        var isInteger = true
        if i < n && b[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard i < n, isDigit(b[i]) else { throw error("invalid number: expected a digit after '.'", at: i) }
            while i < n && isDigit(b[i]) { i += 1 }
        }
        if i < n && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            isInteger = false
            i += 1
            if i < n && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < n, isDigit(b[i]) else { throw error("invalid number: expected a digit in the exponent", at: i) }
            while i < n && isDigit(b[i]) { i += 1 }
        }
        return Number(start: start, end: i, isInteger: isInteger)
    }

    /// The int64 of an integer token; beyond Int64 is an error (never rounded).
    func int64(_ t: Number) throws(JSONError) -> Int64 {
        guard let v = JSONNumbers.int64(b, t.start, t.end) else {
            throw error("integer \(text(t)) does not fit in int64", at: t.start)
        }
        return v
    }

    /// The double of a number token (correctly rounded).
    func double(_ t: Number) -> Double { JSONNumbers.double(b, t.start, t.end) }

    /// The text of a token range.
    func text(_ t: Number) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[t.start..<t.end]), as: UTF8.self)
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
}

import Foundation
import TandemCore
import TandemJournal

/// A line of JSON-lines input that is not an event the journal takes: its number and why.
public struct BadEventLine: CategorizedError, CustomStringConvertible, Sendable {
    /// The line number, from 1.
    public let line: Int
    /// What is wrong with it.
    public let reason: String
    /// Input data is wrong.
    public var category: ErrorCategory { .badData }
    /// `line 3: …`.
    public var description: String { "line \(line): \(reason)" }
}

/// Reads JSON-lines events (`schemas/event.schema.json`) from a file descriptor and appends them to a journal
/// in groups: each read's whole lines, at most `batch` (`tandem journal append` reads stdin).
///
/// Each line is checked (parse, `Event.fault`, its entity's key) before its group is appended: the first bad
/// line stops the run with `BadEventLine`, and the lines before it are appended and stay.
public struct JSONLinesAppender {
    let writer: JournalWriter
    let batch: Int
    let input: Int32
    let inputName: String
    let onDurable: ((ClosedRange<UInt64>) -> Void)?
    /// Every seq appended so far.
    public private(set) var appended: ClosedRange<UInt64>?
    private var pending: [Event] = []
    /// The journal's entity keys, with those of the pending events: each line is checked as it is read, so
    /// a refused key names its line (the writer checks again, and would refuse the whole batch).
    private var keys: EntityKeyCatalog?

    /// An appender reading `input` (`inputName` in errors); `onDurable` gets each group's seqs once durable.
    public init(writer: JournalWriter, batch: Int, input: Int32 = 0, inputName: String = "stdin",
                onDurable: ((ClosedRange<UInt64>) -> Void)? = nil) {
        self.writer = writer; self.batch = batch; self.input = input; self.inputName = inputName; self.onDurable = onDurable
    }

    /// Reads to the end of the input, appending as it goes.
    /// - Throws: `BadEventLine` for the first bad line (after appending the lines before it), `JournalError`.
    public mutating func run() throws {
        keys = try writer.entityKeyCatalog()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var carry = [UInt8]()     // a line not yet ended by a newline
        var lineNumber = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(operation: "read", path: inputName, errno: errno)
            }
            if n == 0 { break }
            var start = 0
            for i in 0..<n where buffer[i] == 10 {
                lineNumber += 1
                if carry.isEmpty {
                    try take(buffer, start..<i, line: lineNumber)
                } else {
                    carry.append(contentsOf: buffer[start..<i])
                    try take(carry, 0..<carry.count, line: lineNumber)
                    carry.removeAll(keepingCapacity: true)
                }
                start = i + 1
            }
            carry.append(contentsOf: buffer[start..<n])
            try flush()
        }
        if !carry.contains(where: { !isSpace($0) }) { return try flush() }
        try take(carry, 0..<carry.count, line: lineNumber + 1)
        try flush()
    }

    private mutating func take(_ bytes: [UInt8], _ range: Range<Int>, line: Int) throws {
        guard bytes[range].contains(where: { !isSpace($0) }) else { return }
        let event: Event
        do {
            event = try bytes.withUnsafeBytes { raw throws(EventJSONError) in
                try EventJSON.decode(UnsafeRawBufferPointer(rebasing: raw[range]))
            }
        } catch {
            try flush()   // the lines before the bad one are appended and stay
            throw BadEventLine(line: line, reason: String(describing: error))
        }
        if let fault = event.fault {
            try flush()
            throw BadEventLine(line: line, reason: fault.reason)
        }
        do {
            try keys?.admit(event)
        } catch {
            try flush()
            throw BadEventLine(line: line, reason: error.description)
        }
        pending.append(event)
        if pending.count >= batch { try flush() }
    }

    private mutating func flush() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        guard let range = try writer.append(pending) else { return }
        appended = (appended?.lowerBound ?? range.lowerBound)...range.upperBound
        onDurable?(range)
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
}

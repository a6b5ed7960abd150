import Foundation
import TandemCore
import TandemJournal

extension JournalCommands {
    static let appendVerb = Verb(
        name: "append", summary: "append JSON-lines events from stdin; prints the assigned seq range",
        positionals: ["DIR"],
        options: [.value("--batch", "N", "at most N events a group commit (default 8192)"),
                  .flag("--acks", "print 'acked FIRST..LAST' as each group becomes durable")],
        details: """
        Each line is one event (schemas/event.schema.json); its seq is ignored, the journal assigns it.
        Events are acknowledged only after fdatasync. A line that does not parse, lacks entity, key or op,
        or holds what a store cannot take (a reserved or unusable name, a NUL in text, a decimal beyond
        PostgreSQL numeric, more than 1600 columns) stops the append with exit 65 and the line number and
        reason on stderr; the events before it stay appended and are reported. So does an event whose key
        is not its entity's key: the first event of an entity fixes its key columns and the kind of each
        value; a null key value, a non-canonical decimal key, and another spelling of a known entity name
        are refused too. Blank lines are skipped.
        """
    ) { args in
        let dir = try args.positional(0, "DIR")
        let batch = try args.int("--batch", in: 1...1_000_000) ?? 8192
        let writer = try JournalWriter(directory: dir, options: try options(args))
        defer { writer.close() }
        var appender = StdinAppender(writer: writer, batch: batch, acks: args.flag("--acks"))
        let outcome = Result { try appender.run() }
        let summary = appender.appended.map { "appended \(plural($0.count, "event")), seq \($0.lowerBound)..\($0.upperBound)" }
            ?? "appended 0 events"
        Output.out(summary + "\n")
        if case .failure(let error) = outcome, let bad = error as? BadLine {
            Output.flush()
            let kept = appender.appended.map {
                ($0.count == 1 ? "the event before it stays appended" : "the \($0.count) events before it stay appended")
                    + " (seq \($0.lowerBound)..\($0.upperBound))"
            }
                ?? "nothing was appended"
            Output.err("tandem: journal append: line \(bad.line): \(TerminalText.escaped(bad.reason)); \(kept)\n")
            return ExitCode.dataError
        }
        try outcome.get()
        return 0
    }
}

/// A line of `journal append` input that is not an event.
struct BadLine: Error {
    let line: Int
    let reason: String
}

/// Reads JSON lines from stdin and appends them in groups: each read's whole lines, at most `batch`.
struct StdinAppender {
    let writer: JournalWriter
    let batch: Int
    let acks: Bool
    /// Every seq appended so far.
    private(set) var appended: ClosedRange<UInt64>?
    private var pending: [Event] = []
    /// The journal's entity keys, with those of the pending events: each line is checked as it is read, so
    /// a refused key names its line (the writer checks again, and would refuse the whole batch).
    private var keys: EntityKeyCatalog?

    init(writer: JournalWriter, batch: Int, acks: Bool) {
        self.writer = writer; self.batch = batch; self.acks = acks
    }

    mutating func run() throws {
        keys = try writer.entityKeyCatalog()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var carry = [UInt8]()     // a line not yet ended by a newline
        var lineNumber = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(operation: "read", path: "stdin", errno: errno)
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
            throw BadLine(line: line, reason: String(describing: error))
        }
        if let fault = event.fault {
            try flush()
            throw BadLine(line: line, reason: fault.reason)
        }
        do {
            try keys?.admit(event)
        } catch {
            try flush()
            throw BadLine(line: line, reason: error.description)
        }
        pending.append(event)
        if pending.count >= batch { try flush() }
    }

    private mutating func flush() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        guard let range = try writer.append(pending) else { return }
        appended = (appended?.lowerBound ?? range.lowerBound)...range.upperBound
        if acks {
            Output.out("acked \(range.lowerBound)..\(range.upperBound)\n")
            Output.flush()
        }
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
}

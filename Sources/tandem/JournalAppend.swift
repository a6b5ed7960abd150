import Foundation
import TandemCore
import TandemJournal
import TandemPipeline

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
        var appender = JSONLinesAppender(writer: writer, batch: batch, onDurable: !args.flag("--acks") ? nil : { range in
            Output.out("acked \(range.lowerBound)..\(range.upperBound)\n")
            Output.flush()
        })
        let outcome = Result { try appender.run() }
        let summary = appender.appended.map { "appended \(plural($0.count, "event")), seq \($0.lowerBound)..\($0.upperBound)" }
            ?? "appended 0 events"
        Output.out(summary + "\n")
        if case .failure(let error) = outcome, let bad = error as? BadEventLine {
            Output.flush()
            let kept = appender.appended.map {
                ($0.count == 1 ? "the event before it stays appended" : "the \($0.count) events before it stay appended")
                    + " (seq \($0.lowerBound)..\($0.upperBound))"
            }
                ?? "nothing was appended"
            Output.err("tandem: journal append: line \(bad.line): \(TerminalText.escaped(bad.reason)); \(kept)\n")
            return bad.category.exitCode
        }
        try outcome.get()
        return 0
    }
}

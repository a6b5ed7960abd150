import Foundation
import TandemCore
import TandemJournal

extension JournalCommands {
    static let statsVerb = Verb(
        name: "stats", summary: "segments, events, bytes, first/last seq, consumers and their lag",
        positionals: ["DIR"], options: [.flag("--json", "one JSON object instead of text")]
    ) { args in
        let dir = try args.positional(0, "DIR")
        let s = try Journal.stats(at: dir)
        if args.flag("--json") {
            let consumers = s.consumers.map { c -> JSONValue in
                .object([("name", .string(c.name)), ("appliedSeq", .int(Int64(c.appliedSeq))), ("lag", .int(Int64(c.lag)))])
            }
            printJSON(.object([
                ("journal", .string(dir)), ("journalID", .string(s.journalID.uuidString)),
                ("segments", .int(Int64(s.segments))), ("events", .int(Int64(s.events))),
                ("bytes", .int(s.bytes)), ("firstSeq", .int(Int64(s.firstSeq))), ("lastSeq", .int(Int64(s.lastSeq))),
                ("consumers", .array(consumers)),
            ]))
            return 0
        }
        var out = "journal    \(dir) (id \(s.journalID.uuidString))\n"
        out += "segments   \(s.segments)\n"
        out += "events     \(s.events)" + (s.events > 0 ? " (seq \(s.firstSeq)..\(s.lastSeq))" : "") + "\n"
        out += "bytes      \(s.bytes)\n"
        out += "consumers  \(s.consumers.count)\n"
        for c in s.consumers { out += "  \(TerminalText.escaped(c.name))  applied \(c.appliedSeq)  lag \(c.lag)\n" }
        Output.out(out)
        return 0
    }

    static let verifyVerb = Verb(
        name: "verify", summary: "check every record's CRC and the seq chain; exit 1 at the first fault",
        positionals: ["DIR"], options: [.flag("--json", "one JSON object instead of text")],
        details: "Safe beside a running writer. A torn tail is reported but is not a fault:\nthe next writer cuts it back to the last whole record. A fault is recorded in the manifest and\nwriters refuse until it is resolved; a clean check (after restoring a segment) clears the record."
    ) { args in
        let dir = try args.positional(0, "DIR")
        let r = try Journal.verify(at: dir)
        if args.flag("--json") {
            var fields: [(String, JSONValue)] = [
                ("journal", .string(dir)), ("clean", .bool(r.isClean)), ("segments", .int(Int64(r.segments))),
                ("events", .int(Int64(r.events))), ("firstSeq", .int(Int64(r.firstSeq))), ("lastSeq", .int(Int64(r.lastSeq))),
            ]
            if case .corrupt(let file, let offset, let seq, let reason)? = r.fault {
                fields.append(("fault", .object([("file", .string(file)), ("offset", .int(offset)),
                                                 ("seq", .int(Int64(seq))), ("reason", .string(reason))])))
            } else if case .journalEndsEarly(_, let last, let expected, _)? = r.fault {
                fields.append(("fault", .object([("lastSeq", .int(Int64(last))), ("expectedSeq", .int(Int64(expected))),
                                                 ("reason", .string("\(r.fault!)"))])))
            }
            if let t = r.tornTail {
                fields.append(("tornTail", .object([("file", .string(t.file)), ("offset", .int(t.offset)),
                                                    ("bytes", .int(t.bytes))])))
            }
            printJSON(.object(fields))
        } else if let fault = r.fault {
            Output.out("fault: \(TerminalText.escaped("\(fault)"))\n")
        } else {
            var line = "ok: \(plural(Int(r.events), "event")) in \(plural(r.segments, "segment"))"
            if r.events > 0 { line += " (seq \(r.firstSeq)..\(r.lastSeq))" }
            if let t = r.tornTail { line += "; torn tail of \(t.bytes) bytes at \(t.file) byte \(t.offset), cut on next open" }
            Output.out(line + "\n")
        }
        return r.isClean ? 0 : ExitCode.checkFailed
    }

    static let truncateVerb = Verb(
        name: "truncate", summary: "drop history (--before SEQ) or a bad tail (--after SEQ)",
        positionals: ["DIR"],
        options: [.value("--before", "SEQ", "drop every event before SEQ; the journal then starts at SEQ"),
                  .value("--after", "SEQ", "drop every event after SEQ"),
                  .flag("--force", "drop even what a registered consumer still needs or has applied")],
        details: """
        --before refuses, naming the consumer, when a registered consumer has not applied up to SEQ-1;
        --after refuses when a consumer has applied beyond SEQ (rewind its store to SEQ first with
        `tandem rewind`, or unregister it). Both need the writer lock and are crash-safe; each is
        recorded in the manifest's history.
        """
    ) { args in
        let dir = try args.positional(0, "DIR")
        let before = try args.unsigned("--before"), after = try args.unsigned("--after")
        guard (before == nil) != (after == nil) else {
            throw UsageError("journal truncate: give exactly one of --before SEQ and --after SEQ")
        }
        let force = args.flag("--force")
        // Journal.truncate, not a JournalWriter: --after must also open a journal damaged before its
        // tail, to cut the damage away (the corruption error's hint says so).
        let r = try before.map { try Journal.truncate(before: $0, force: force, at: dir) }
            ?? Journal.truncate(after: after!, force: force, at: dir)
        let now = r.lastSeq >= r.firstSeq ? "seq \(r.firstSeq)..\(r.lastSeq)" : "no events"
        if let d = r.dropped {
            Output.out("dropped seq \(d.lowerBound)..\(d.upperBound) (\(d.count) events)\(force ? ", forced" : ""); "
                       + "the journal now holds \(now)\n")
        } else {
            Output.out("nothing to drop; the journal holds \(now)\n")
        }
        return 0
    }

    static let consumersVerb = Verb(
        name: "consumers", summary: "list, register or unregister the consumers truncation protects",
        positionals: ["DIR", "[list|register|unregister]", "[NAME]"],
        options: [.value("--applied", "SEQ", "with register: the seq the consumer has applied (default 0)"),
                  .flag("--json", "with list: JSON lines instead of text")]
    ) { args in
        let dir = try args.positional(0, "DIR")
        let action = args.positionals.count > 1 ? args.positionals[1] : "list"
        switch action {
        case "list":
            let s = try Journal.stats(at: dir)
            for c in s.consumers {
                if args.flag("--json") {
                    printJSON(.object([("name", .string(c.name)), ("appliedSeq", .int(Int64(c.appliedSeq))),
                                       ("lag", .int(Int64(c.lag)))]))
                } else {
                    Output.out("\(TerminalText.escaped(c.name))  applied \(c.appliedSeq)  lag \(c.lag)\n")
                }
            }
        case "register":
            let name = try args.positional(2, "NAME")
            let applied = try args.unsigned("--applied") ?? 0
            // A consumer past the head would make `truncate --after` refuse for events that were never written.
            let last = try Journal.lastSeq(at: dir)
            if applied > last {
                throw JournalError.seqOutOfRange(seq: applied, first: try Journal.manifest(at: dir).firstSeq, last: last)
            }
            try Journal.registerConsumer(name, appliedSeq: applied, at: dir)
            Output.out("registered consumer \(name)\n")
        case "unregister":
            let name = try args.positional(2, "NAME")
            try Journal.unregisterConsumer(name, at: dir)
            Output.out("unregistered consumer \(name)\n")
        default:
            throw UsageError("journal consumers: unknown action '\(action)', one of: list, register, unregister")
        }
        return 0
    }

    /// Prints one JSON value on a line.
    static func printJSON(_ value: JSONValue) {
        var out = [UInt8]()
        value.write(into: &out)
        out.append(10)
        Output.out(bytes: out)
    }
}

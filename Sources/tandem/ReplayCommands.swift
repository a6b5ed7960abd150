import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources
import TandemPipeline

/// `tandem replay` and `tandem rewind`: the journal into a sink, forwards or backwards.
enum ReplayCommands {
    static let sinkHelp = """
    SINK is sqlite:PATH (created by replay when missing; rewind needs a store replay filled), a libpq URI such as
    postgres:///dbname?host=/tmp/pg or postgresql://user@127.0.0.1:5432/db, or a JSON object inline or in
    a .json file: {"kind":"sqlite","path":"new.db","name":"default","synchronous":"full"}; add
    "schema":"evolve" to let Tandem add columns to tables it did not create. A password in a URI is never
    printed.
    """

    static let replayVerb = Verb(
        name: "replay", summary: "apply the journal to a sink, idempotently; --follow keeps going at the tail",
        positionals: [],
        options: [.value("--journal", "DIR", "the journal to read"),
                  .value("--into", "SINK", "the store to write (see below)"),
                  .value("--from", "SEQ", "first seq to consider (default: after the sink's checkpoint)"),
                  .value("--to", "SEQ", "stop after this seq"),
                  .value("--entity", "E", "only this entity (repeatable)", repeatable: true),
                  .value("--tenant", "T", "only this tenant (repeatable)", repeatable: true),
                  .value("--batch", "N", "events a transaction, cut at txn boundaries (default 10000)"),
                  .value("--consumer", "NAME", "the consumer name registered in the journal"),
                  .flag("--follow", "keep applying new events until SIGTERM or SIGINT"),
                  .flag("--skip-gap", "with --from: accept that the seqs between the checkpoint and --from are never applied"),
                  .flag("--json", "print the summary as one JSON object (with conflicts per kind)")],
        details: sinkHelp + """


        The sink records (journal id, seq) in its _tandem_checkpoint table in the same transaction as each
        batch, so a crash leaves it before or after the whole batch and a rerun resumes after it. The sink is
        registered as a journal consumer so `tandem journal truncate` keeps what it has not applied.
        An existing target table must be keyed on the events' key columns (its primary key, or a unique
        index on them). Data the table refuses (NOT NULL, CHECK, UNIQUE, a trigger) stops the replay with
        exit 65 naming the event's seq, entity and key; the source transactions before it are applied.
        A conflict — an insert whose key holds a row (overwritten), an update or a delete of a missing row —
        is applied as an upsert or a no-op, logged (seq, entity, key; the first 10, then a summary a minute)
        and counted per kind in the summary.
        Missing tables are created from the types ingest declared in the journal (the mapping's "type", the
        source's declared types; 'tandem schema plan' prints them), never from a first value; a value that
        does not fit its column is exit 65 naming the column too.
        """
    ) { args in
        let journal = try required(args, "--journal"), spec = try SinkSpec.parse(try required(args, "--into"))
        var options = ReplayOptions(from: try args.unsigned("--from"), to: try args.unsigned("--to"),
                                    filter: filter(args), follow: args.flag("--follow"))
        if let b = try args.int("--batch", in: 1...1_000_000) { options.batchSize = b }
        options.consumerName = args.value("--consumer")
        options.allowGap = args.flag("--skip-gap")
        // Everything is checked before the store is opened: opening creates a SQLite file.
        _ = try Journal.manifest(at: journal)
        let sink = try spec.open()
        defer { sink.close() }
        let stop = StopSignal()
        let signals = SignalWatcher.stopping(stop)
        defer { signals.cancel() }
        var terminal = TerminalProgress()
        let replayer = Replayer(journal: journal, sink: sink, options: options)
        let p = try replayer.run(progress: { p in
            terminal.show("replay → \(spec): \(p.applied) applied, checkpoint seq \(p.checkpoint)")
        }, shouldStop: { stop.isFired })
        terminal.clear()
        if args.flag("--json") {
            let o: JSONValue = .object([
                ("journal", .string(journal)), ("sink", .string("\(spec)")), ("applied", .int(Int64(p.applied))),
                ("alreadyHeld", .int(Int64(p.skipped))), ("filteredOut", .int(Int64(p.filtered))), ("parked", .int(Int64(p.parked))),
                ("checkpoint", .int(Int64(p.checkpoint))), ("conflicts", p.conflicts.json),
            ])
            var out: [UInt8] = []
            o.write(into: &out)
            Output.out(String(decoding: out, as: UTF8.self) + "\n")
            return 0
        }
        let conflicts = p.conflicts.total == 0 ? "" : "; conflicts: \(p.conflicts)"
        // Never silent: parked events passed over are said (`tandem sink parked` lists them).
        let parked = p.parked == 0 ? "" : ", \(p.parked) parked (passed over)"
        Output.out("replayed \(journal) → \(spec): \(plural(p.applied, "event")) applied, \(p.skipped) already held, "
                   + "\(p.filtered) filtered out\(parked); checkpoint seq \(p.checkpoint)\(conflicts)\n")
        return 0
    }

    static let rewindVerb = Verb(
        name: "rewind", summary: "undo a sink's applied events above SEQ by their before-images",
        positionals: [],
        options: [.value("--journal", "DIR", "the journal the sink was filled from"),
                  .value("--into", "SINK", "the store to rewind (the one replay --into filled)", aliases: ["--sink"]),
                  .value("--to", "SEQ", "the seq to rewind to (0: empty)"),
                  .value("--entity", "E", "the filter the sink was replayed with (repeatable)", repeatable: true),
                  .value("--tenant", "T", "the filter the sink was replayed with (repeatable)", repeatable: true),
                  .value("--consumer", "NAME", "the consumer name registered in the journal"),
                  .flag("--rebuild", "empty the sink's tables and replay 1…SEQ instead")],
        details: sinkHelp + """


        Newest first, an insert is undone by a delete (or, when it overwrote a row, by restoring that row), a
        delete by re-inserting its before-image, an update by writing its before-image back; the checkpoint
        moves down in the same transaction, in chunks, so an interrupted rewind resumes. An event without a
        complete before-image (one lacking a column of the row, or holding only the key, as Debezium sends
        with PostgreSQL's default REPLICA IDENTITY) stops the rewind before anything changes, naming the
        first such seq; --rebuild then rebuilds the sink from the journal instead.
        """
    ) { args in
        let journal = try required(args, "--journal"), spec = try SinkSpec.parse(try required(args, "--into"))
        guard let target = try args.unsigned("--to") else { throw UsageError("rewind: missing --to SEQ") }
        // A missing journal or a store that was never filled (a mistyped path) is refused before anything is
        // created, changed or registered as a consumer.
        _ = try Journal.manifest(at: journal)
        let sink = try spec.openFilled()
        defer { sink.close() }
        if args.flag("--rebuild") {
            let p = try Rewinder.rebuild(journal: journal, sink: sink, to: target, filter: filter(args),
                                         consumerName: args.value("--consumer"))
            Output.out("rebuilt \(spec) from \(journal): \(plural(p.applied, "event")) applied; checkpoint seq \(p.checkpoint)\n")
        } else {
            let r = try Rewinder.rewind(journal: journal, sink: sink, to: target, filter: filter(args),
                                        consumerName: args.value("--consumer"))
            Output.out("rewound \(spec): \(plural(r.undone, "event")) undone in \(plural(r.chunks, "transaction")); "
                       + "checkpoint seq \(r.checkpoint.seq)\n")
        }
        return 0
    }

    static func required(_ args: ParsedArguments, _ name: String) throws -> String {
        guard let v = args.value(name) else { throw UsageError("\(args.verbPath): missing \(name)") }
        return v
    }

    static func filter(_ args: ParsedArguments) -> EventFilter {
        EventFilter(entities: args.all("--entity"), tenants: args.all("--tenant"))
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemPipeline
import TandemSinks

/// `tandem sink park|parked|unpark`: a sink's poison events, set aside so the sink goes on, and played back later.
enum SinkCommands {
    static let where_: [OptionSpec] = [
        .value("--config", "FILE", "the daemon's config (schemas/config.schema.json): its journal and sinks"),
        .value("--sink", "NAME", "the sink's name in the config (with --into: its checkpoint row, default 'default')"),
        .value("--journal", "DIR", "instead of --config: the journal"),
        .value("--into", "SINK", "instead of --config: the store, as replay --into takes it"),
    ]

    static let whereHelp = """
    The sink is named by --config FILE --sink NAME (the daemon's config), or by --journal DIR --into SINK as
    for replay. A sink's parked list is JOURNAL/parked/NAME.jsonl: one JSON object a line with seq, entity,
    key, op, reason, parkedAt, sink, target and the event itself; replay and the daemon pass over its seqs
    for that store (counted as parked) and move the checkpoint past them.
    """

    static let park = Verb(
        name: "park", summary: "set one event a sink cannot apply aside, so the sink goes on past it",
        positionals: [],
        options: where_ + [.value("--seq", "N", "the event's journal seq (the one a stopped sink names)"),
                           .value("--reason", "TEXT", "why (default: the store's own refusal of the event)")],
        details: whereHelp + """


        Refused (exit 1) for a seq the sink has applied already, exit 64 for one the journal does not hold.
        Without --reason the event is rehearsed against the store (rolled back) and its refusal is kept as
        the reason. Parking a parked seq again changes nothing.
        """
    ) { args in
        guard let seq = try args.unsigned("--seq") else { throw UsageError("sink park: missing --seq N") }
        let (parking, name) = try open(args)
        defer { parking.sink.close() }
        let e = try parking.park(seq: seq, reason: args.value("--reason"))
        Output.out("parked seq \(e.seq) (\(e.event.op.rawValue) on \(TerminalText.escaped(e.event.entity)), key \(keyText(e.event.key)))"
                   + " for sink '\(TerminalText.escaped(name))': \(TerminalText.escaped(e.reason)); replay passes over it,"
                   + " `tandem sink unpark … --seq \(e.seq)` applies it later\n")
        return 0
    }

    static let parked = Verb(
        name: "parked", summary: "list a sink's parked events: seq, op, entity, key, when, reason",
        positionals: [],
        options: where_ + [.flag("--json", "one JSON object a line, with the event")],
        details: whereHelp + "\n\nThe list is read from the journal directory alone: the store is not opened."
    ) { args in
        let (journal, spec) = try locate(args)
        _ = try Journal.manifest(at: journal)
        let entries = try ParkedList(journal: journal, sink: spec.name).entries()
        if args.flag("--json") {
            for e in entries { Output.out(bytes: e.json + [10]) }
            return 0
        }
        guard !entries.isEmpty else { Output.out("no parked events for sink '\(TerminalText.escaped(spec.name))'\n"); return 0 }
        // Every cell may quote legacy input: escaped, so no control sequence reaches the terminal.
        let rows = entries.map { e in
            ["\(e.seq)", e.event.op.rawValue, e.event.entity, keyText(e.event.key), e.parkedAt, e.reason].map(TerminalText.escaped)
        }
        Output.out(QuarantineCommands.table([["SEQ", "OP", "ENTITY", "KEY", "PARKED AT", "REASON"]] + rows))
        return 0
    }

    static let unpark = Verb(
        name: "unpark", summary: "apply a parked event to its sink now, then take it off the list",
        positionals: [],
        options: where_ + [.value("--seq", "N", "the parked event's seq"),
                           .flag("--force", "apply it even though a later event of its key is applied (it overwrites that)")],
        details: whereHelp + """


        The event is applied in one transaction that leaves the sink's checkpoint where it is; applying it
        twice changes nothing more. When the store still refuses it, the store's reason is printed (exit 1)
        and it stays parked. Refused (exit 1) when a later event of the same key (or a truncate of its
        entity) is applied already: the older event would overwrite it; --force applies it anyway.
        """
    ) { args in
        guard let seq = try args.unsigned("--seq") else { throw UsageError("sink unpark: missing --seq N") }
        let (parking, name) = try open(args)
        defer { parking.sink.close() }
        let e = try parking.unpark(seq: seq, force: args.flag("--force"))
        Output.out("applied parked seq \(e.seq) (\(e.event.op.rawValue) on \(TerminalText.escaped(e.event.entity)), key \(keyText(e.event.key)))"
                   + " to sink '\(TerminalText.escaped(name))' (\(parking.sink.target)) and took it off the parked list\n")
        return 0
    }

    static let group = VerbGroup(name: "sink", summary: "a sink's poison events: park one so the sink goes on, list, unpark",
                                 verbs: [park, parked, unpark])

    /// The journal and the sink's spec (with its name) from --config/--sink or --journal/--into.
    static func locate(_ args: ParsedArguments) throws -> (journal: String, spec: SinkSpec) {
        if let file = args.value("--config") {
            guard args.value("--journal") == nil, args.value("--into") == nil else {
                throw UsageError("\(args.verbPath): give --config FILE --sink NAME, or --journal DIR --into SINK, not both")
            }
            let config = try DaemonConfig.load(path: file)
            let name = try ReplayCommands.required(args, "--sink")
            guard let sink = config.sink(named: name) else {
                throw UsageError("\(args.verbPath): \(file) has no sink named '\(TerminalText.escaped(name))'; it has "
                                 + config.sinks.map { "'\(TerminalText.escaped($0.name))'" }.joined(separator: ", "))
            }
            return (config.journal, sink.spec)
        }
        guard let journal = args.value("--journal"), let into = args.value("--into") else {
            throw UsageError("\(args.verbPath): missing --config FILE --sink NAME (or --journal DIR --into SINK)")
        }
        var spec = try SinkSpec.parse(into)
        if let name = args.value("--sink") { spec.name = name }
        return (journal, spec)
    }

    /// The journal checked and the store opened (a SQLite file that is not there is refused, never created).
    static func open(_ args: ParsedArguments) throws -> (SinkParking, name: String) {
        let (journal, spec) = try locate(args)
        _ = try Journal.manifest(at: journal)
        if case .sqlite(let path, _) = spec.kind, !FileManager.default.fileExists(atPath: path) {
            throw SinkError.notFilled(target: spec.description, sink: spec.name, reason: "there is no file \(path)")
        }
        return (SinkParking(journal: journal, sink: try spec.open()), spec.name)
    }

    /// A key as one JSON object, as `quarantine list` shows the legacy key.
    static func keyText(_ key: Row) -> String {
        var out: [UInt8] = []
        EventJSON.write(key, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemPipeline
import TandemSources

/// `tandem quarantine …`: input that failed parsing or the mapping, kept beside the journal with its reason.
enum QuarantineCommands {
    static let journalOption = OptionSpec.value("--journal", "DIR", "the journal whose quarantine to use")

    static let list = Verb(
        name: "list", summary: "entries still in quarantine (superseded ones too): id, time, rule, legacy key, position, reason",
        positionals: [],
        options: [journalOption, .flag("--all", "also entries being retried, retried and dropped, with a STATE column"),
                  .flag("--json", "one JSON object a line (without the raw input)")],
        details: """
        KEY is the legacy change's entity and key, e.g. customers {"id":250}, or - for input that does not
        parse; POSITION is where the source read it. ID is the entry's number for show, retry and drop.
        """
    ) { args in
        let q = try open(args)
        let all = args.flag("--all")
        let entries = try q.list(states: all ? QuarantineEntry.State.allCases : [.quarantined, .superseded])
        if args.flag("--json") {
            for e in entries { Output.out(e.jsonText(includeRaw: false) + "\n") }
            return 0
        }
        guard !entries.isEmpty else { Output.out("no entries\n"); return 0 }
        // Every cell may quote legacy input: escaped, so no control sequence reaches the terminal.
        Output.out(table([QuarantineEntry.listHeader(withState: all)]
                         + entries.map { $0.listColumns(withState: all).map(TerminalText.escaped) }))
        return 0
    }

    static let show = Verb(
        name: "show", summary: "one entry in full, with its raw input", positionals: ["ID"],
        options: [journalOption, .flag("--json", "one JSON object")]
    ) { args in
        let e = try open(args).entry(try id(args))
        if args.flag("--json") { Output.out(e.jsonText() + "\n"); return 0 }
        // Every field may quote legacy input: escaped, so no control sequence reaches the terminal.
        let t = TerminalText.escaped
        var out = "id          \(e.id)\nstate       \(e.state.rawValue)\nsource      \(t(e.source))\n"
        out += "position    \(t(e.position))\nformat      \(e.format.rawValue)\nrule        \(t(e.rule))\n"
        if let c = e.column { out += "column      \(t(c))\n" }
        out += "reason      \(t(e.reason))\nat          \(e.quarantinedAt.rfc3339)\nretries     \(e.retries)\n"
        if let s = e.journaledSeq { out += "journaled   seq \(s)\n" }
        out += "raw (\(e.rawLength) bytes\(e.rawLength > Int64(e.raw.count) ? ", cut to \(e.raw.count)" : ""))\n"
        out += (e.rawText.map(t) ?? "base64:" + Base64.encode(e.raw)) + "\n"
        Output.out(out)
        return 0
    }

    static let retry = Verb(
        name: "retry", summary: "run entries through the current mapping again; journal those that pass",
        positionals: ["[ID…]"],
        options: [journalOption, .value("--mapping", "FILE", "the (fixed) mapping to apply"),
                  .flag("--all", "retry every entry still in quarantine"),
                  .value("--source", "SOURCE", "sqlite-changelog:PATH: the legacy database to re-read superseded entries from (default: the one they were ingested from)"),
                  .flag("--json", "each retried entry as it is afterwards, one JSON object a line (as list --json)")],
        details: """
        An entry is never journaled after a newer journaled change of its key (the store would go back in time).
        From a sqlite-changelog source, the legacy table's current row of that key is read again instead and
        journaled through the mapping (an update, or a delete when the row is gone); --source names the database
        when its recorded path was relative or it moved. Other sources cannot be read by key: the entry is marked
        superseded for the operator to drop.
        """
    ) { args in
        let journal = try ReplayCommands.required(args, "--journal")
        let ids = try args.positionals.map { text -> Int64 in
            guard let n = Int64(text) else { throw UsageError("quarantine retry: '\(text)' is not an entry id") }
            return n
        }
        guard args.flag("--all") != !ids.isEmpty else {
            throw UsageError("quarantine retry: give entry ids or --all")
        }
        let mapping = try args.value("--mapping").map { path throws(MappingError) in try Mapping.load(path: path) }
            ?? .passThrough
        let legacy = try args.value("--source").map { text throws -> String in
            let spec = try SourceSpec.parse(text)
            guard spec.kind == .sqliteChangelog else {
                throw UsageError("quarantine retry: --source must be sqlite-changelog:PATH (only a database can be read again by key)")
            }
            return spec.path
        }
        let writer = try JournalWriter(directory: journal)
        defer { writer.close() }
        let q = try Quarantine(journal: journal)
        let r = try q.retry(ids.isEmpty ? nil : ids, mapping: mapping, journal: writer, legacyDatabase: legacy)
        if args.flag("--json") {
            let retried = Set(r.journaled.map(\.id) + r.failed.map(\.id) + r.superseded.map(\.0))
            for id in (ids.isEmpty ? retried.sorted() : ids) where retried.contains(id) {
                Output.out(try q.entry(id).jsonText(includeRaw: false) + "\n")
            }
            return r.failed.isEmpty && r.superseded.isEmpty ? 0 : ExitCode.checkFailed
        }
        for (id, seq) in r.journaled {
            if let newer = r.reread[id] {
                Output.out("entry \(id): seq \(newer) changed its key after it; journaled the legacy's current row instead as seq \(seq)\n")
            } else {
                Output.out("entry \(id): journaled as seq \(seq)\n")
            }
        }
        for (id, rejection) in r.failed {
            let reread = r.reread[id].map { " on its key's current legacy row (seq \($0) changed the key after it)" } ?? ""
            Output.out("entry \(id): still rejected\(reread): \(TerminalText.escaped("\(rejection)"))\n")
        }
        for (id, seq) in r.superseded {
            Output.out("entry \(id): superseded: seq \(seq) changed its key after it; not journaled (hint: tandem quarantine drop \(id))\n")
        }
        let tried = r.journaled.count + r.failed.count + r.superseded.count
        Output.out("retried \(tried): \(r.journaled.count) journaled, \(r.failed.count) still in quarantine"
                   + (r.superseded.isEmpty ? "" : ", \(r.superseded.count) superseded") + "\n")
        return r.failed.isEmpty && r.superseded.isEmpty ? 0 : ExitCode.checkFailed
    }

    static let drop = Verb(
        name: "drop", summary: "give up on an entry (kept, marked dropped, never journaled)", positionals: ["ID"],
        options: [journalOption, .flag("--json", "the entry as it is afterwards, one JSON object (as list --json)")]
    ) { args in
        let id = try id(args)
        let q = try open(args)
        try q.drop(id)
        if args.flag("--json") { Output.out(try q.entry(id).jsonText(includeRaw: false) + "\n"); return 0 }
        Output.out("dropped quarantine entry \(id)\n")
        return 0
    }

    static let group = VerbGroup(name: "quarantine", summary: "inspect, retry or drop input that was not journaled",
                                 verbs: [list, show, retry, drop])

    /// Rows as aligned columns, two spaces apart; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell.padding(toLength: widths[c] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }

    private static func open(_ args: ParsedArguments) throws -> Quarantine {
        let journal = try ReplayCommands.required(args, "--journal")
        try Journal.checkExists(at: journal)
        return try Quarantine(journal: journal)
    }

    private static func id(_ args: ParsedArguments) throws -> Int64 {
        let text = try args.positional(0, "ID")
        guard let n = Int64(text) else { throw UsageError("\(args.verbPath): '\(text)' is not an entry id") }
        return n
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemPipeline
import TandemSources

/// `tandem snapshot`: catch-up, the rows a legacy SQLite database held before its triggers, into the journal.
enum SnapshotCommands {
    static let snapshotVerb = Verb(
        name: "snapshot", summary: "journal the rows legacy tables already hold (catch-up), with no gap to the stream",
        positionals: [],
        options: [.value("--source", "SOURCE", "sqlite-changelog:PATH (a database with Tandem triggers)"),
                  .value("--journal", "DIR", "the journal to append to (created when missing)"),
                  .value("--mapping", "FILE", "legacy → new schema rules, as for ingest"),
                  .value("--entities", "T1,T2", "the legacy tables to copy (default: every table with triggers)"),
                  .flag("--again", "copy tables again that the journal already holds complete"),
                  .value("--chunk", "N", "the most rows one chunk reads (default 16384)"),
                  .value("--batch", "N", "rows gathered into one durable journal append (default 8192)"),
                  .flag("--json", "progress as JSON lines on stdout (for the daemon)")],
        details: """
        Reads each table in chunks by primary key; each chunk is read in one read transaction together with
        the change table's newest id M, so it is the table as of change M. Every change up to M is journaled
        before the chunk's rows (op "snapshot") and every later change after them, so a change always wins
        over the copy and the journal holds each table as of some point plus every change after it. The
        legacy application waits at most one chunk's read (rollback-journal mode; never in WAL mode); chunks
        shrink when a read takes longer than 10 ms (in WAL mode they stay at --chunk rows). Rows take the mapping like ingest's changes; bad rows go
        to the quarantine. Killed, a rerun continues after the last journaled row (no row twice); after a
        killed --again run, resume without --again. A table the journal already holds complete is skipped
        (it says so) unless --again. Then run 'tandem ingest' on the same source and journal: it continues
        the stream after the snapshot's last change (the journal has one writer: stop ingest while a
        snapshot runs). SIGTERM or SIGINT stop it after the batch in hand with exit 75: run it again to
        continue. A table without a primary key, or without triggers, is refused (exit 64).
        """
    ) { args in
        let journal = try ReplayCommands.required(args, "--journal")
        let spec = try SourceSpec.parse(try ReplayCommands.required(args, "--source"))
        guard spec.kind == .sqliteChangelog else {
            throw UsageError("snapshot: --source must be sqlite-changelog:PATH (a jsonl change log holds no table to copy)")
        }
        try spec.checkExists()
        let mapping = try args.value("--mapping").map { path throws(MappingError) in try Mapping.load(path: path) }
            ?? .passThrough
        var settings = SQLiteSnapshotSource.Settings(path: spec.path, journal: journal)
        settings.tables = (args.value("--entities") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if args.value("--entities") != nil, settings.tables.isEmpty { throw UsageError("snapshot: --entities names no table") }
        settings.again = args.flag("--again")
        if let n = try args.int("--chunk", in: 1...1_000_000) { settings.maxChunkRows = n }
        if let n = try args.int("--batch", in: 1...1_000_000) { settings.batchRows = n }
        if try Journal.createIfMissing(at: journal) { OperatorLog.stderr("created journal \(journal)") }
        let writer = try JournalWriter(directory: journal)
        defer { writer.close() }
        let session = try SnapshotSession(settings: settings, writer: writer, mapping: mapping)
        defer { session.close() }
        let source = session.source
        let stop = StopSignal()
        let signals = SignalWatcher.stopping(stop)
        defer { signals.cancel() }
        var display = SnapshotProgressDisplay(json: args.flag("--json"))
        let summary = try session.run(stop: stop) { s in display.show(source.progress, s) }
        display.finish(source.progress, summary)
        let p = source.progress
        Output.out("snapshot \(source.description): \(plural(p.rows, "row")) of \(p.tablesTotal) table\(p.tablesTotal == 1 ? "" : "s") "
                   + "(\(p.tablesDone) complete), \(summary.line), longest chunk read \(Int(p.longestChunkRead * 1000)) ms\n")
        return stop.isFired && p.tablesDone < p.tablesTotal ? ExitCode.tempFail : 0
    }
}

/// Snapshot progress: an updating line on a terminal, a plain line every few seconds otherwise, and with
/// `--json` one JSON object a second on stdout (`{"progress":"snapshot","table":…,"rows":…,"rate":…,"eta":…}`).
struct SnapshotProgressDisplay {
    let json: Bool
    private var terminal = TerminalProgress()
    private let started = Date()
    private var lastPlain = Date()
    private var lastJSON = Date.distantPast
    private let isTerminal = isatty(2) == 1

    init(json: Bool) { self.json = json }

    /// Shows the figures after a batch (rate limited).
    mutating func show(_ p: SQLiteSnapshotSource.Progress, _ s: Ingestor.Summary) {
        let now = Date()
        if isTerminal {
            let text = line(p, s)
            terminal.show(text)
        } else if now.timeIntervalSince(lastPlain) >= 5 {
            lastPlain = now
            Output.err(line(p, s) + "\n")
        }
        if json, now.timeIntervalSince(lastJSON) >= 1 {
            lastJSON = now
            emit(p, s, done: false)
        }
    }

    /// Clears the terminal line and writes the last JSON line.
    mutating func finish(_ p: SQLiteSnapshotSource.Progress, _ s: Ingestor.Summary) {
        terminal.clear()
        if json { emit(p, s, done: true) }
    }

    private var elapsed: Double { max(Date().timeIntervalSince(started), 1e-6) }

    /// Seconds left for the table in hand at the rate so far, nil before there is a rate.
    private func eta(_ p: SQLiteSnapshotSource.Progress) -> Double? {
        guard p.rows > 0, p.table != nil else { return nil }
        return Double(max(p.tableEstimate - p.tableRows, 0)) / (Double(p.rows) / elapsed)
    }

    private func line(_ p: SQLiteSnapshotSource.Progress, _ s: Ingestor.Summary) -> String {
        var out = "snapshot: "
        if let t = p.table {
            let pct = p.tableEstimate > 0 ? min(100, p.tableRows * 100 / p.tableEstimate) : 100
            out += "\(t) \(p.tableRows)/\(p.tableEstimate) rows (\(pct)%), "
        }
        out += "\(p.rows) rows, \(Int(Double(p.rows) / elapsed)) rows/s"
        if let e = eta(p) { out += ", table ETA \(Int(e.rounded(.up))) s" }
        return out + "; \(p.tablesDone)/\(p.tablesTotal) tables; quarantined \(s.quarantined)"
    }

    private func emit(_ p: SQLiteSnapshotSource.Progress, _ s: Ingestor.Summary, done: Bool) {
        var o: [(key: String, value: JSONValue)] = [("progress", .string("snapshot")), ("done", .bool(done))]
        o.append(("table", p.table.map(JSONValue.string) ?? .null))
        o.append(("tableRows", .int(Int64(p.tableRows))))
        o.append(("tableEstimate", .int(Int64(p.tableEstimate))))
        o.append(("rows", .int(Int64(p.rows))))
        o.append(("events", .int(Int64(s.journaled))))
        o.append(("quarantined", .int(Int64(s.quarantined))))
        o.append(("tablesDone", .int(Int64(p.tablesDone))))
        o.append(("tablesTotal", .int(Int64(p.tablesTotal))))
        o.append(("rate", .double((Double(p.rows) / elapsed).rounded())))
        o.append(("eta", eta(p).map { .double(($0 * 10).rounded() / 10) } ?? .null))
        o.append(("longestChunkReadMs", .double((p.longestChunkRead * 1e4).rounded() / 10)))
        var out: [UInt8] = []
        JSONValue.object(o).write(into: &out)
        out.append(10)
        Output.out(bytes: out)
        Output.flush()
    }
}

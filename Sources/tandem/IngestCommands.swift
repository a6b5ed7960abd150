import Foundation
import TandemCore
import TandemJournal
import TandemPipeline
import TandemSQLite
import TandemSources

/// `tandem ingest`, `tandem source …` and `tandem quarantine …`: from the legacy change log into the journal.
enum IngestCommands {
    static let sourceHelp = """
    SOURCE is jsonl:PATH[?format=F&entity=E&rotated=GLOB&maxLineBytes=N] (a JSON-lines change log, tailed
    like tail -F; F is tandem, debezium, debezium-flat, maxwell or wal2json; E, how a change-log format names
    entities, is schema.table (default; db.table for MySQL), db.schema.table or table),
    sqlite-changelog:PATH[?prune=true&lockWait=SECONDS] (a change table filled by triggers, see 'tandem help
    source install-triggers'; --once waits lockWait seconds, default 30, for a lock the legacy application
    holds, then exits 75), or a JSON config file (schemas/source.schema.json).
    """

    static let ingestVerb = Verb(
        name: "ingest", summary: "tail a source into a journal through the mapping; bad input to quarantine",
        positionals: [],
        options: [.value("--source", "SOURCE", "what to tail (see below)"),
                  .value("--journal", "DIR", "the journal to append to (created when missing)"),
                  .value("--mapping", "FILE", "legacy → new schema rules (schemas/mapping.schema.json)"),
                  .value("--batch", "N", "records a batch (default 4096)"),
                  .flag("--prune", "sqlite-changelog: delete change rows once the journal holds them durably"),
                  .flag("--once", "read what is there now and exit, instead of following until SIGTERM")],
        details: sourceHelp + """


        The source resumes strictly after the newest journaled sourcePosition of its own (events appended
        by hand are passed over), so the journal holds every change once across restarts. Input that does not parse or fails the mapping goes to the
        quarantine beside the journal with its reason ('tandem quarantine list'). Without --once, ingest
        follows the source until SIGTERM or SIGINT, then stops after the last acknowledged append.
        """
    ) { args in
        let journal = try ReplayCommands.required(args, "--journal")
        var spec = try SourceSpec.parse(try ReplayCommands.required(args, "--source"))
        if args.flag("--prune") {
            guard spec.kind != .jsonl else { throw UsageError("ingest: --prune is for sqlite-changelog and postgres-changelog sources") }
            spec.prune = true
        }
        let mapping = try args.value("--mapping").map { path throws(MappingError) in try Mapping.load(path: path) }
            ?? .passThrough
        var settings = Ingestor.Settings()
        if let b = try args.int("--batch", in: 1...1_000_000) { settings.batchSize = b }
        // A follower runs unattended: each quarantined input gets a log line as it happens (--once prints a summary).
        if !args.flag("--once") {
            settings.quarantineLog = { OperatorLog.stderr($0 + " (`tandem quarantine list --journal \(journal)`)") }
        }
        // Everything is checked before the journal is created: a source that fails leaves nothing behind.
        try IngestSession.prepare(spec: spec, journal: journal, follow: !args.flag("--once"), log: OperatorLog.stderr)
        let writer = try JournalWriter(directory: journal)
        defer { writer.close() }
        let session = try IngestSession(spec: spec, writer: writer, mapping: mapping, settings: settings)
        defer { session.close() }
        let stop = StopSignal()
        let signals = SignalWatcher.stopping(stop)
        defer { signals.cancel() }
        var terminal = TerminalProgress()
        let summary: Ingestor.Summary
        do {
            summary = try session.run(once: args.flag("--once"), stop: stop) { s in terminal.show("ingest: " + s.line) }
        } catch let e as JournalError where e.isDiskFull {
            // Also a manifest or recovery write (`.io` ENOSPC): one line, exit 74, the same words as an append's.
            throw e.classifyingDiskFull()
        }
        terminal.clear()
        Output.out("ingest \(session.sourceDescription): \(summary.line)\n")
        return 0
    }

    static let installTriggersVerb = Verb(
        name: "install-triggers", summary: "add change-capture triggers to a SQLite database or a PostgreSQL store",
        positionals: [],
        options: [.value("--db", "FILE", "the legacy SQLite database"),
                  .value("--tables", "T1,T2", "the tables to capture (comma-separated)"),
                  .flag("--uninstall", "remove the triggers instead, of --tables or of every table (the change table stays)"),
                  .flag("--print", "only print the SQL, change nothing")],
        details: """
        Creates the change table _tandem_changes and AFTER INSERT/UPDATE/DELETE triggers that record the
        table, op, key, before and after images (JSON; a REAL with every bit), the time and an increasing id;
        an update that changes the key is recorded as a delete of the old key and an insert of the new row.
        Existing Tandem triggers on the tables are replaced. A write in a transaction that holds a row in
        _tandem_applying (created too; Tandem's own applying transaction) is not recorded, so a change Tandem
        applies to this database is never captured back. The application's own writes keep working
        unchanged. Tandem's own tables (_tandem_*) and SQLite's (sqlite_*) are refused (exit 64); so is a
        table without a PRIMARY KEY or a UNIQUE index on NOT NULL columns (exit 65: VACUUM renumbers its
        rowids). Then: tandem ingest --source sqlite-changelog:FILE --journal DIR.
        """
    ) { args in
        let path = try ReplayCommands.required(args, "--db")
        let uninstall = args.flag("--uninstall")
        // --uninstall without --tables removes every table's triggers: the database knows which it has.
        let listed = uninstall && args.value("--tables") == nil ? nil
            : try ReplayCommands.required(args, "--tables").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let listed, listed.isEmpty { throw UsageError("source install-triggers: --tables names no table") }
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") || path.contains("dbname=") {
            return try installPostgres(args, conninfo: path, listed: listed, uninstall: uninstall)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("source install-triggers: no database at \(path)")
        }
        let db = try Database(path: path, mode: .readWrite)
        defer { db.close() }
        let tables = try listed ?? ChangeTableTriggers.installedTables(db: db)
        if uninstall, tables.isEmpty {
            Output.out("no change-capture triggers in \(path)\n")
            return 0
        }
        if uninstall {
            if args.flag("--print") { Output.out(ChangeTableTriggers.uninstallSQL(tables: tables)); return 0 }
            try ChangeTableTriggers.uninstall(db: db, tables: tables)
            Output.out("removed the change-capture triggers of \(tables.joined(separator: ", ")) in \(path)\n")
        } else {
            if args.flag("--print") { Output.out(try ChangeTableTriggers.installSQL(db: db, tables: tables)); return 0 }
            try ChangeTableTriggers.install(db: db, tables: tables)
            Output.out("installed change-capture triggers on \(tables.joined(separator: ", ")) in \(path); "
                       + "changes go to \(ChangeTableTriggers.table)\n")
        }
        return 0
    }

    /// `source install-triggers` on a PostgreSQL store (`PostgresChangeTableTriggers`).
    static func installPostgres(_ args: ParsedArguments, conninfo: String, listed: [String]?, uninstall: Bool) throws -> Int32 {
        try PostgresChangeTableTriggers.withConnection(conninfo) { c, target in
            let tables = try listed ?? PostgresChangeTableTriggers.installedTables(c)
            if uninstall, tables.isEmpty {
                Output.out("no change-capture triggers in \(target)\n")
                return 0
            }
            if uninstall {
                if args.flag("--print") { Output.out(PostgresChangeTableTriggers.uninstallSQL(tables: tables)); return 0 }
                try PostgresChangeTableTriggers.uninstall(c, tables: tables)
                Output.out("removed the change-capture triggers of \(tables.joined(separator: ", ")) in \(target)\n")
            } else {
                if args.flag("--print") { Output.out(try PostgresChangeTableTriggers.installSQL(c, tables: tables)); return 0 }
                try PostgresChangeTableTriggers.install(c, tables: tables)
                Output.out("installed change-capture triggers on \(tables.joined(separator: ", ")) in \(target); "
                           + "changes go to \(ChangeTableTriggers.table)\n")
            }
            return 0
        }
    }

    static let sourceGroup = VerbGroup(name: "source", summary: "prepare a legacy store for change capture",
                                       verbs: [installTriggersVerb])
}

import Foundation
import TandemAudit
import TandemCore
import TandemSources

/// `tandem audit`: profile a legacy store, list its trash as findings, rank tenants by migration risk.
enum AuditCommand {
    static let verb = Verb(
        name: "audit", summary: "profile a legacy store: findings with suggested mapping rules, tenants by risk",
        positionals: [],
        options: [.value("--source", "SPEC", "sqlite:PATH, postgres://USER@HOST/DB (libpq URI) or jsonl:PATH[?format=tandem|debezium|…]"),
                  .value("--out", "DIR", "where report.json and report.html go (created when missing)"),
                  .value("--entities", "A,B", "the tables to audit (default: all)"),
                  .value("--tenant-column", "COL", "the column naming each row's customer: per-tenant risk"),
                  .value("--sample", "N", "read about N rows per table, spread over it (no key checks)"),
                  .flag("--tenants", "print the tenants by risk, lowest first"),
                  .flag("--draft-mapping", "also write DIR/mapping.json: a mapping drafted from the findings"),
                  .value("--mapping", "FILE", "the mapping --dry-run tries"),
                  .flag("--dry-run", "run --mapping over every row, write nothing but DIR/dry-run.json: what would be quarantined")],
        details: """
        One profiling pass per table (memory bounded per column, not by rows: see report.json
        "memoryBound"), then, for tables with findings, one evidence pass over the columns with findings
        that counts each finding exactly and keeps five example keys (never values of other columns).
        Duplicate keys under normalisation and orphans are found with queries on the store itself.
        Writes DIR/report.json (schemas/audit-report.schema.json, "tenants" sorted by risk, lowest
        first) and DIR/report.html (one self-contained page), and prints the findings worst first.
        --draft-mapping writes DIR/mapping.json (a rule and a "why" per column with findings; read it
        before use). --dry-run --mapping FILE maps every row as a snapshot would and counts what would
        be quarantined, by rule and by tenant, in DIR/dry-run.json. Exit 0 also when there are findings;
        64 for bad options, 66 when the store is missing, 69 when a PostgreSQL server cannot be reached.
        """
    ) { args in
        guard let text = args.value("--source") else { throw UsageError("audit: missing --source SPEC (sqlite:PATH or postgres://…)") }
        guard let out = args.value("--out") else { throw UsageError("audit: missing --out DIR") }
        let store = try openStore(text, tenantColumn: args.value("--tenant-column"))
        var options = AuditOptions()
        if let e = args.value("--entities") {
            options.entities = e.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if options.entities!.isEmpty { throw UsageError("audit: --entities names no table") }
        }
        options.tenantColumn = args.value("--tenant-column")
        options.sample = try args.int("--sample", in: 1...1_000_000_000)
        if args.flag("--dry-run") {
            guard let path = args.value("--mapping") else { throw UsageError("audit: --dry-run needs --mapping FILE") }
            let mapping = try Mapping.load(path: path)
            let outcomes = try DryRun.run(store: store, mapping: mapping, options: options)
            try write([("dry-run.json", bytes(DryRun.json(outcomes, source: store.description, mappingPath: path)))], to: out)
            Output.out(DryRun.summary(outcomes))
            Output.out("wrote \(out)/dry-run.json\n")
            return 0
        }
        if args.value("--mapping") != nil { throw UsageError("audit: --mapping is for --dry-run") }
        let auditor = Auditor(store: store, options: options)
        var terminal = TerminalProgress()
        auditor.progress = { p in
            let rate = p.seconds > 0 ? Int(Double(p.rows) / p.seconds) : 0
            var line = "audit: \(p.entity) \(p.pass) \(p.rows)"
            if p.estimate > 0 { line += "/\(p.estimate)" }
            line += " rows, \(rate) rows/s"
            if rate > 0, p.estimate > p.rows { line += ", ETA \(Int((Double(p.estimate - p.rows) / Double(rate)).rounded(.up))) s" }
            terminal.show(line)
        }
        let result = try auditor.run()
        terminal.clear()
        var files = [("report.json", bytes(AuditReport.json(result))), ("report.html", Array(AuditHTML.page(result).utf8))]
        if args.flag("--draft-mapping") { files.append(("mapping.json", bytes(MappingDraft.json(result), pretty: true))) }
        try write(files, to: out)
        Output.out(AuditReport.summary(result))
        if args.flag("--tenants") { Output.out(AuditReport.tenantLines(result)) }
        Output.out("wrote \(files.map { "\(out)/\($0.0)" }.joined(separator: ", "))\n")
        return 0
    }

    /// The store a --source names.
    static func openStore(_ text: String, tenantColumn: String?) throws -> any AuditStore {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw UsageError("audit: --source sqlite: needs a PATH") }
            return try SQLiteAuditStore(path: path)
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return try PostgresAuditStore(conninfo: text) }
        if text.hasPrefix("jsonl:") { return try ChangeLogAuditStore(spec: text, tenantColumn: tenantColumn) }
        throw UsageError("audit: unknown --source (expected sqlite:PATH, a postgres:// URI or jsonl:PATH[?format=…])")
    }

    static func bytes(_ json: JSONValue, pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        if pretty { out = Array(JSONPretty.text(json).utf8) } else { json.write(into: &out) }
        out.append(10)
        return out
    }

    /// Writes each file whole (a temporary file renamed into place).
    static func write(_ files: [(String, [UInt8])], to dir: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw AuditError.output(path: dir, message: "cannot create the directory")
        }
        for (name, bytes) in files {
            let path = dir + "/" + name
            guard FileManager.default.createFile(atPath: path + ".tmp", contents: Data(bytes)),
                  rename(path + ".tmp", path) == 0 else {
                throw AuditError.output(path: path, message: String(cString: strerror(errno)))
            }
        }
    }
}


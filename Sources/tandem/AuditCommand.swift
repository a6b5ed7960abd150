import Foundation
import TandemAudit
import TandemCore

/// `tandem audit`: profile a legacy store, list its trash as findings, rank tenants by migration risk.
enum AuditCommand {
    static let verb = Verb(
        name: "audit", summary: "profile a legacy store: findings with suggested mapping rules, tenants by risk",
        positionals: [],
        options: [.value("--source", "SPEC", "the legacy store: sqlite:PATH"),
                  .value("--out", "DIR", "where report.json and report.html go (created when missing)"),
                  .value("--entities", "A,B", "the tables to audit (default: all)"),
                  .value("--tenant-column", "COL", "the column naming each row's customer: per-tenant risk"),
                  .value("--sample", "N", "read about N rows per table, spread over it (no key checks)"),
                  .flag("--tenants", "print the tenants by risk, lowest first")],
        details: """
        One profiling pass per table (memory bounded per column, not by rows: see report.json
        "memoryBound"), then, for tables with findings, one evidence pass that counts each finding exactly and
        keeps five example keys (never values of other columns). Duplicate keys under normalisation and orphans
        are found with queries on the store itself. Writes DIR/report.json (schemas/audit-report.schema.json,
        "tenants" sorted by risk, lowest first) and DIR/report.html (one self-contained page), and prints the
        findings worst first. Exit 0 also when there are findings; 66 when the store is missing.
        """
    ) { args in
        guard let text = args.value("--source") else { throw UsageError("audit: missing --source SPEC (sqlite:PATH)") }
        guard let out = args.value("--out") else { throw UsageError("audit: missing --out DIR") }
        let store = try openStore(text)
        var options = AuditOptions()
        if let e = args.value("--entities") {
            options.entities = e.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if options.entities!.isEmpty { throw UsageError("audit: --entities names no table") }
        }
        options.tenantColumn = args.value("--tenant-column")
        options.sample = try args.int("--sample", in: 1...1_000_000_000)
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
        try write(result, to: out)
        Output.out(AuditReport.summary(result))
        if args.flag("--tenants") { Output.out(AuditReport.tenantLines(result)) }
        Output.out("wrote \(out)/report.json and \(out)/report.html\n")
        return 0
    }

    /// The store a --source names.
    static func openStore(_ text: String) throws -> any AuditStore {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw UsageError("audit: --source sqlite: needs a PATH") }
            return try SQLiteAuditStore(path: path)
        }
        throw UsageError("audit: unknown --source \"\(TerminalText.escaped(text))\"; expected sqlite:PATH")
    }

    static func write(_ r: AuditResult, to dir: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw AuditError.output(path: dir, message: "cannot create the directory")
        }
        var json: [UInt8] = []
        AuditReport.json(r).write(into: &json)
        json.append(10)
        for (name, bytes) in [("report.json", json), ("report.html", Array(AuditHTML.page(r).utf8))] {
            let path = dir + "/" + name
            guard FileManager.default.createFile(atPath: path + ".tmp", contents: Data(bytes)),
                  rename(path + ".tmp", path) == 0 else {
                throw AuditError.output(path: path, message: String(cString: strerror(errno)))
            }
        }
    }
}

extension AuditError: HasExitCode {}

import Foundation
import TandemCore
import TandemPipeline

/// `tandem drill`: the cohort's cut-over and rollback rehearsed on copies of both stores (issue 14).
enum DrillCommand {
    static let verb = Verb(
        name: "drill", summary: "rehearse a cohort's cut-over and rollback on copies of both stores; records pass or fail",
        positionals: [],
        options: [
            MigrationCLI.configOption,
            .value("--cohort", "NAME", "the cohort to rehearse"),
            .value("--tenants-sample", "N", "at most N of its tenants write in the rehearsal (default 20)"),
            .flag("--json", "the result as one JSON object"),
        ],
        details: """
        Copies both stores and the migration state file: a SQLite store by its online backup API into a
        directory beside the state file, a PostgreSQL store into a scratch database on the same server
        (<db>_tandem_drill_<8 hex>, filled from one snapshot; its role needs CREATEDB), and on the copies:
        checks the write fences as the live stores have them; writes for the cohort's tenants as an application
        honouring the routing would (to legacy, refused by the new store); runs the cut-over moment (the forward
        catch-up done in-process from the live journal, read only); writes to the new store (refused by legacy)
        and deletes a row written before; rolls back (fence, drain reverse replication into the legacy copy,
        flip, lift); and verifies the copies for the cohort's tenants: every write made in the new store must be
        in legacy. The result (pass or fail with its reason, the cut-over's write pause, the rollback's time,
        the mapping version) is recorded in the live state file: a cohort enters cut-over only after a passing
        drill with the mapping as it is. The copies are deleted (scratch databases dropped, also those an
        interrupted drill left); nothing live is written but the result.
        Exit 0 passed, 1 failed or refused, 64 usage, 66 no such cohort, 69 a PostgreSQL store unreachable
        or its role without CREATEDB.
        """
    ) { args in
        guard let name = args.value("--cohort") else { throw UsageError("drill: --cohort NAME is required") }
        var sample = 20
        if let s = args.value("--tenants-sample") {
            guard let n = Int(s), n > 0 else { throw UsageError("drill: --tenants-sample takes a positive number, not '\(s)'") }
            sample = n
        }
        switch try MigrationCLI.config(args) {
        case .failure(let box): return box.code
        case .success(let config):
            setenv("PGCONNECT_TIMEOUT", "5", 0)
            let drill = Drill(config: config)
            drill.sampleTenants = sample
            let o = try drill.run(cohort: name, now: try TandemClock.now())
            let r = o.record
            for problem in o.cleanupProblems { Output.err("tandem: \(TerminalText.escaped(problem))\n") }
            if args.flag("--json") {
                let parts = JSONValue.object(o.rollbackParts.map { ($0.name, JSONValue.double($0.ms)) })
                Output.out(JSONValue.object([
                    ("cohort", .string(r.cohort)), ("passed", .bool(r.passed)), ("reason", .string(r.reason)), ("at", .string(r.at.rfc3339)),
                    ("cutOverPauseMs", r.cutOverPauseMs.map(JSONValue.double) ?? .null), ("rollbackMs", r.rollbackMs.map(JSONValue.double) ?? .null),
                    ("rollbackParts", parts), ("legacyWrites", .int(Int64(o.legacyWrites))), ("newWrites", .int(Int64(o.newWrites))),
                    ("drained", .int(Int64(o.drained))), ("mappingVersion", .string(r.mappingVersion)),
                ]).description + "\n")
            } else {
                var line = "drill cohort \(r.cohort): \(r.passed ? "passed" : "FAILED"): \(r.reason)"
                if let p = r.cutOverPauseMs { line += String(format: "; cut-over pause %.0f ms", p) }
                if let t = r.rollbackMs {
                    line += String(format: "; rollback %.0f ms (", t) + o.rollbackParts.map { "\($0.name) " + String(format: "%.0f ms", $0.ms) }.joined(separator: ", ") + ")"
                }
                Output.out(TerminalText.escaped(line + "; mapping \(r.mappingVersion)") + "\n")
            }
            return r.passed ? 0 : ExitCode.checkFailed
        }
    }
}

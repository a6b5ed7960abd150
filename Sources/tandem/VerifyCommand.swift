import Foundation
import TandemCore
import TandemPipeline

/// `tandem verify`: the legacy store seen through the mapping against the new store (issue 14).
enum VerifyCommand {
    static let verb = Verb(
        name: "verify", summary: "compare the legacy store (through the mapping) with the new store while both run",
        positionals: [],
        options: [
            MigrationCLI.configOption,
            .value("--cohort", "NAME", "the cohort's tenants (the result is what the cohort's verify gate reads)"),
            .value("--tenants", "A,B", "these tenants (default: every row)"),
            .value("--entity", "E", "only this entity (legacy or new name; repeatable)", repeatable: true),
            .flag("--json", "the result as one JSON object"),
            .flag("--show-values", "print the differing values (hidden by default: they are customer data)"),
            .value("--chunk", "N", "legacy rows per chunk (default 4000)"),
            .value("--settle", "SECONDS", "how long a difference must stay the same to be reported (default 2)"),
            .flag("--repair", "journal the differing keys again from legacy (snapshot events; a delete for an extra row), then verify them again"),
            .value("--wait", "SECONDS", "with --repair: how long to wait for the daemon and the new sink (default 60)"),
        ],
        details: """
        Reads each legacy table in primary-key chunks through the mapping and the same key range of the new
        store, compares the chunks' checksums and, where they differ, the rows. A row that differs is read again
        on both sides after the new sink has applied what the journal holds; only a difference that stays the
        same for --settle seconds is reported (missing, extra, different with its columns). Legacy rows the
        mapping refuses are reported as held in quarantine, not as missing. The result is recorded in the
        migration state file (a cohort leaves shadow only after a clean verify of it); a verify interrupted
        goes on from its last chunk when run again with the same scope. Either store may be SQLite or
        PostgreSQL.
        --repair re-reads each differing key from legacy through the mapping and journals it as a snapshot event
        (a key legacy does not have: a delete event), so the journal stays the single history of the new store;
        it then waits for the new sink to apply them and verifies those keys again. While `tandem run` holds the
        journal, the request goes to the daemon (a file in the journal's repair/ directory), which journals it
        between two appends; otherwise verify appends and replays into the new sink itself.
        Exit 0 clean, 1 not clean, 64 usage, 69 a store cannot be read.
        """
    ) { args in
        if args.value("--cohort") != nil, args.value("--tenants") != nil {
            throw UsageError("verify: give --cohort or --tenants, not both")
        }
        var options = Verifier.Options()
        if let c = args.value("--chunk") {
            guard let n = Int(c), n > 0 else { throw UsageError("verify: --chunk takes a positive number of rows, not '\(c)'") }
            options.chunkRows = n
        }
        if let s = args.value("--settle") {
            guard let d = Double(s), d >= 0, d.isFinite else { throw UsageError("verify: --settle takes seconds (0 or more), not '\(s)'") }
            options.settleSeconds = d
        }
        var wait = 60.0
        if let w = args.value("--wait") {
            guard let d = Double(w), d > 0, d.isFinite else { throw UsageError("verify: --wait takes seconds (more than 0), not '\(w)'") }
            wait = d
        }
        let entities = args.all("--entity").flatMap { $0.split(separator: ",").map(String.init) }
        return try MigrationCLI.withControl(args) { control in
            var scope = VerifyScope(entities: entities.isEmpty ? nil : Set(entities))
            if let name = args.value("--cohort") {
                let c = try control.cohort(name)
                scope.cohort = name
                scope.tenants = Set(c.tenants)
            } else if let list = args.value("--tenants") {
                let tenants = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard !tenants.isEmpty else { throw UsageError("verify: --tenants needs at least one tenant") }
                scope.tenants = Set(tenants)
            }
            let verifier = try Verifier(config: control.config, scope: scope, options: options)
            defer { verifier.close() }
            verifier.progressStore = control.state.verifyProgress(scope: scope.text, version: try Verifier.mappingVersion(control.config.mapping))
            var result = try verifier.run()
            let show = args.flag("--show-values")
            var repair: RepairReport?
            if args.flag("--repair"), !result.differences.isEmpty {
                if !args.flag("--json") { Output.out(MigrationCLI.escapedLines(VerifyOutput.text(result, showValues: show))) }
                let r = try verifier.repair(result, config: control.config, wait: wait)
                repair = r
                result = r.result
            }
            try control.state.save(result)
            if args.flag("--json") {
                var json = VerifyOutput.json(result, showValues: show)
                if let repair, case .object(var members) = json { members.append(("repair", VerifyOutput.json(repair))); json = .object(members) }
                Output.out(json.description + "\n")
            } else if let repair {
                Output.out(MigrationCLI.escapedLines(VerifyOutput.text(repair, showValues: show)))
            } else {
                Output.out(MigrationCLI.escapedLines(VerifyOutput.text(result, showValues: show)))
            }
            return result.clean ? 0 : ExitCode.checkFailed
        }
    }
}

import Foundation
import TandemCore
import TandemPipeline
import TandemSinks
import TandemSources

/// `tandem cohort create|list|show|advance|pause|resume|rollback`: tenants moving to the new store in groups.
enum CohortCommands {
    static let recordOptions: [OptionSpec] = [
        MigrationCLI.configOption,
        .value("--by", "NAME", "who is recorded in the timeline (default: the OS user)"),
        .value("--why", "TEXT", "why, recorded in the timeline"),
    ]

    static let create = Verb(
        name: "create", summary: "define a cohort in phase planned: a list, a stable-hash percentage, or the lowest audit risk",
        positionals: ["NAME"],
        options: recordOptions + [
            .value("--tenants", "A,B", "these tenants"),
            .value("--percent", "P", "the tenants whose stable hash falls in the first P % (ops/ROUTING.md gives the hash)"),
            .value("--seed", "S", "the hash's seed with --percent (default empty)"),
            .value("--lowest-risk", "P", "the P % lowest-risk tenants of an audit report"),
            .value("--audit", "DIR", "the audit report's directory (tandem audit --out DIR) for --lowest-risk"),
            .value("--window", "START..END", "when its customers move (two RFC 3339 times; or later: tandem cohort schedule)"),
        ],
        details: """
        Tenants are the distinct values of the mapping's tenant column in the legacy store (or of the journal's
        events' tenant). A tenant belongs to at most one cohort: --percent and --lowest-risk skip tenants already
        in one, --tenants refuses them. Exit 0 created, 1 refused, 64 usage, 65 bad config, 66 no audit report.
        """
    ) { args in
        let name = try args.positional(0, "NAME")
        let selection = try selection(args)
        let window = try args.value("--window").map { text throws(NotifyError) in try CohortWindow(parsing: text) }
        return try MigrationCLI.withControl(args) { control in
            let c = try control.create(name: name, selection: selection, who: MigrationCLI.who(args), why: args.value("--why"),
                                       now: try TandemClock.now())
            if let window { try control.state.setWindow(window, cohort: name) }
            Output.out("cohort \(c.name): \(plural(c.tenants.count, "tenant")), phase \(c.phase.rawValue)\n")
            return 0
        }
    }

    static func selection(_ args: ParsedArguments) throws -> CohortSelection {
        let given = ["--tenants", "--percent", "--lowest-risk"].filter { args.value($0) != nil }
        guard given.count == 1 else {
            throw UsageError("\(args.verbPath): give one of --tenants, --percent, --lowest-risk" + (given.isEmpty ? "" : ", not \(given.joined(separator: " and "))"))
        }
        func percent(_ option: String) throws -> Double {
            guard let text = args.value(option), let p = Double(text), p > 0, p <= 100 else {
                throw UsageError("\(args.verbPath): \(option) takes a percentage above 0 and at most 100, not '\(args.value(option) ?? "")'")
            }
            return p
        }
        if args.value("--seed") != nil, given[0] != "--percent" { throw UsageError("\(args.verbPath): --seed goes with --percent") }
        switch given[0] {
        case "--tenants":
            let list = args.value("--tenants")!.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !list.isEmpty else { throw UsageError("\(args.verbPath): --tenants needs at least one tenant") }
            return .tenants(list)
        case "--percent": return .percent(try percent("--percent"), seed: args.value("--seed") ?? "")
        default:
            guard let audit = args.value("--audit") else { throw UsageError("\(args.verbPath): --lowest-risk needs --audit DIR") }
            return .lowestRisk(try percent("--lowest-risk"), audit: audit)
        }
    }

    static let list = Verb(
        name: "list", summary: "every cohort: phase, tenants, since when",
        positionals: [], options: [MigrationCLI.configOption, .flag("--json", "one JSON object: {\"cohorts\": [...]}")]
    ) { args in
        try MigrationCLI.withControl(args) { control in
            let cohorts = try control.state.cohorts()
            if args.flag("--json") {
                Output.out(JSONValue.object([("cohorts", .array(cohorts.map { summary($0) }))]).description + "\n")
                return 0
            }
            if cohorts.isEmpty { Output.out("no cohort yet (tandem cohort create)\n"); return 0 }
            Output.out(column("COHORT", 16) + column("PHASE", 13) + column("TENANTS", 9) + "SINCE\n")
            for c in cohorts {
                Output.out(column(c.name, 16) + column(c.phase.rawValue + (c.paused ? "*" : ""), 13) + column(String(c.tenants.count), 9)
                           + c.since.rfc3339 + "\n")
            }
            if cohorts.contains(where: \.paused) { Output.out("* paused\n") }
            return 0
        }
    }

    static func summary(_ c: Cohort) -> JSONValue {
        .object([("name", .string(c.name)), ("phase", .string(c.phase.rawValue)), ("paused", .bool(c.paused)),
                 ("tenants", .int(Int64(c.tenants.count))), ("since", .string(c.since.rfc3339)), ("version", .int(c.version)),
                 ("definition", .string(c.definition))])
    }

    static let show = Verb(
        name: "show", summary: "one cohort: phase, reads and writes, tenants, gates (last result and age), timeline",
        positionals: ["NAME"], options: [MigrationCLI.configOption, .flag("--json", "one JSON object")]
    ) { args in
        let name = try args.positional(0, "NAME")
        return try MigrationCLI.withControl(args) { control in
            let c = try control.cohort(name)
            let now = try TandemClock.now()
            let gates = try control.state.gateResults(of: name)
            let timeline = try control.state.timeline(of: name)
            let steps = try control.state.timelineSteps(of: name)
            let moment = try control.state.moments().first { $0.cohort == name }
            // Measured now, on demand (it reads the journal after the new sink's checkpoint): not in /status.
            let lag = control.config.sink(named: control.migration.new).flatMap {
                try? ForwardLag.measure(journal: control.config.journal, sink: $0, tenants: Set(c.tenants), now: now)
            }
            let lagSeconds = lag?.oldestPending.map { age($0, now) } ?? 0
            let verified = try control.state.lastVerify(cohort: name)
            let drilled = try control.state.lastDrill(cohort: name)
            // Read from each store now (a PostgreSQL store's counter; a SQLite store cannot count).
            let refused = CohortStatus.refusals(config: control.config, cohorts: [name])[name] ?? []
            if args.flag("--json") {
                let g = gates.map { r -> JSONValue in
                    .object([("gate", .string(r.gate)), ("passed", .bool(r.passed)), ("detail", .string(r.detail)),
                             ("checkedAt", .string(r.checkedAt.rfc3339)), ("ageSeconds", .double(age(r.checkedAt, now)))])
                }
                let t = timeline.enumerated().map { (i, e) -> JSONValue in
                    .object([("at", .string(e.at.rfc3339)), ("action", .string(e.action)), ("from", e.from.map { .string($0.rawValue) } ?? .null),
                             ("to", .string(e.to.rawValue)), ("who", .string(e.who)), ("why", e.why.map(JSONValue.string) ?? .null),
                             ("pauseMs", e.pauseMs.map(JSONValue.double) ?? .null), ("steps", steps[i]?.json ?? .null)])
                }
                guard case .object(var members) = summary(c) else { return 0 }
                members[3] = ("tenants", .array(c.tenants.map(JSONValue.string)))
                members += [("reads", .string(c.phase.reads.rawValue)), ("writes", .string(c.phase.writes.rawValue)),
                            ("forwardLag", lag.map { .object([("appliedSeq", .number(String($0.appliedSeq))), ("pendingEvents", .int(Int64($0.pendingEvents))),
                                                              ("seconds", .double(lagSeconds))]) } ?? .null),
                            ("lastVerify", verified.map { v in .object([("at", .string(v.at.rfc3339)), ("ageSeconds", .double(age(v.at, now))),
                                                                      ("clean", .bool(v.clean)), ("summary", .string(v.summary))]) } ?? .null),
                            ("lastDrill", drilled.map(drillJSON(now)) ?? .null),
                            ("moving", moment.map { m in .object([("action", .string(m.action)), ("to", .string(m.to.rawValue)),
                                                                  ("step", .string(m.step)), ("since", .string(m.startedAt.rfc3339)),
                                                                  ("pid", .int(Int64(m.pid)))]) } ?? .null),
                            ("fencedWritesRefused", CohortStatus.json(refused)), ("gates", .array(g)), ("timeline", .array(t))]
                Output.out(JSONValue.object(members).description + "\n")
                return 0
            }
            var out = "cohort \(c.name): \(c.phase.rawValue)\(c.paused ? " (paused)" : "") since \(c.since.rfc3339), routing version \(c.version)\n"
            out += "  reads \(c.phase.reads.rawValue), writes \(c.phase.writes.rawValue); Tandem: \(c.phase.tandemDoes)\n"
            out += "  defined by \(c.definition)\n"
            if let m = moment {
                out += "  moving: \(m.action) to \(m.to.rawValue) since \(m.startedAt.rfc3339) by \(m.who) (process \(m.pid), step \(m.step));"
                    + " both stores refuse its writes until it ends (or the next cohort command recovers it)\n"
            }
            out += "  \(plural(c.tenants.count, "tenant")): \(c.tenants.prefix(20).joined(separator: ", "))\(c.tenants.count > 20 ? ", …" : "")\n"
            if let lag {
                out += "  forward lag: \(plural(lag.pendingEvents, "event")) of its tenants not yet in the new store"
                    + (lag.pendingEvents > 0 ? String(format: ", the oldest %.1f s old", lagSeconds) : "") + " (sink at seq \(lag.appliedSeq))\n"
            }
            if !refused.isEmpty { out += "  fenced writes refused: \(CohortStatus.text(refused))\n" }
            if let v = verified { out += "  last verify \(ageText(age(v.at, now))) ago: \(v.summary)\n" }
            if let d = drilled { out += "  last drill \(ageText(age(d.at, now))) ago: \(d.passed ? "passed" : "FAILED"): \(d.reason)\n" }
            out += "gates:\n"
            for gate in CohortGates.all {
                if let r = gates.first(where: { $0.gate == gate.name }) {
                    out += "  \(column(gate.name, 14))\(r.passed ? "passed" : "FAILED") \(ageText(age(r.checkedAt, now))) ago: \(r.detail)\n"
                } else {
                    out += "  \(column(gate.name, 14))not checked yet\n"
                }
            }
            out += "timeline:\n"
            for (i, e) in timeline.enumerated() {
                out += "  \(e.at.rfc3339)  \(column(e.action, 9))\(e.from.map { $0.rawValue + " → " } ?? "")\(e.to.rawValue)  by \(e.who)"
                if let p = e.pauseMs { out += String(format: ", write pause %.0f ms", p) }
                if let why = e.why { out += ": \(why)" }
                out += "\n"
                if let st = steps[i] { out += "      steps: \(st.text)\n" }
            }
            Output.out(MigrationCLI.escapedLines(out))
            return 0
        }
    }

    /// A drill record as `cohort show --json` gives it.
    static func drillJSON(_ now: Timestamp) -> (DrillRecord) -> JSONValue {
        { d in .object([("at", .string(d.at.rfc3339)), ("ageSeconds", .double(age(d.at, now))), ("passed", .bool(d.passed)), ("reason", .string(d.reason)),
                        ("cutOverPauseMs", d.cutOverPauseMs.map(JSONValue.double) ?? .null), ("rollbackMs", d.rollbackMs.map(JSONValue.double) ?? .null),
                        ("mappingVersion", .string(d.mappingVersion))]) }
    }

    static func age(_ t: Timestamp, _ now: Timestamp) -> Double { max(0, Double(now.microseconds - t.microseconds) / 1_000_000) }
    static func ageText(_ s: Double) -> String {
        s < 120 ? "\(Int(s)) s" : s < 7200 ? "\(Int(s / 60)) min" : s < 172_800 ? "\(Int(s / 3600)) h" : "\(Int(s / 86_400)) d"
    }

    static let advance = Verb(
        name: "advance", summary: "move a cohort to its next phase (or step by step to --to), if its gates hold",
        positionals: ["NAME"], options: recordOptions + [.value("--to", "PHASE", "a later phase: shadow, reads-new, cut-over, done"),
                                                         .flag("--force", "move past a failing notice gate (needs --why; recorded in the timeline)")],
        details: """
        planned → shadow → reads-new → cut-over → done; rolled-back → shadow. Each step checks the gates guarding
        it (reads-new → cut-over: forward-lag, notice) and is refused, naming the gate and what it found, unless they hold.
        cut-over → done first carries every new-store write of the cohort back to legacy (behind a short write fence);
        from then on its new-store writes stay there.
        Exit 0 moved, 1 refused, 64 usage, 69 a store could not be given the new routing (the phase is recorded).
        """
    ) { args in
        let name = try args.positional(0, "NAME")
        var target: MigrationPhase?
        if let t = args.value("--to") {
            guard let p = MigrationPhase(rawValue: t) else {
                throw UsageError("advance: --to takes one of \(MigrationPhase.forward.dropFirst().map(\.rawValue).joined(separator: ", ")), not '\(t)'")
            }
            target = p
        }
        if args.flag("--force"), args.value("--why") == nil { throw UsageError("advance: --force needs --why (it is recorded in the timeline)") }
        return try MigrationCLI.withControl(args) { control in
            let from = try control.cohort(name).phase
            let steps = try control.advance(name: name, to: target, who: MigrationCLI.who(args), why: args.value("--why"), now: try TandemClock.now(),
                                            force: args.flag("--force"))
            Output.out("cohort \(name): \(([from] + steps.map(\.phase)).map(\.rawValue).joined(separator: " → "))\n")
            return 0
        }
    }

    static let pause = holdVerb("pause", "hold a cohort in its phase: advance refuses until resume", paused: true)
    static let resume = holdVerb("resume", "let a paused cohort advance again", paused: false)

    /// `pause` and `resume`: the same record, the flag set or cleared.
    static func holdVerb(_ name: String, _ summary: String, paused: Bool) -> Verb {
        Verb(name: name, summary: summary, positionals: ["NAME"], options: recordOptions) { args in
            let cohort = try args.positional(0, "NAME")
            return try MigrationCLI.withControl(args) { control in
                let c = try control.pause(name: cohort, paused: paused, who: MigrationCLI.who(args), why: args.value("--why"), now: try TandemClock.now())
                Output.out("cohort \(cohort): \(paused ? "paused" : "resumed") in \(c.phase.rawValue)\n")
                return 0
            }
        }
    }

    static let rollback = Verb(
        name: "rollback", summary: "send a cohort back to legacy (from shadow, reads-new or cut-over), timing each step",
        positionals: ["NAME"], options: recordOptions + [.flag("--dry-run", "print the plan (fences, reverse events to drain, routing flip); change nothing")],
        details: """
        From cut-over: fence (both stores refuse the tenants' writes: moving), drain (the new store's changes back in
        legacy), flip (rolled-back recorded), lift (legacy takes the writes); each step's time is printed and kept in
        the timeline. From shadow or reads-new: a routing flip. Exit 0 rolled back, 1 refused, 69 a store could not be
        written, 75 another cohort command is moving a cohort.
        """
    ) { args in
        let name = try args.positional(0, "NAME")
        return try MigrationCLI.withControl(args, create: !args.flag("--dry-run")) { control in
            if args.flag("--dry-run") {
                Output.out(MigrationCLI.escapedLines(planText(try control.rollbackPlan(name: name))))
                return 0
            }
            let from = try control.cohort(name).phase
            let change = try control.rollbackTimed(name: name, who: MigrationCLI.who(args), why: args.value("--why"), now: try TandemClock.now())
            Output.out("cohort \(name): \(from.rawValue) → \(change.cohort.phase.rawValue)\n"
                       + "  steps: \(change.steps.text); write pause \(String(format: "%.1f", change.steps.pauseMs)) ms\n")
            NotifyCommands.afterRollback(control, cohort: name)
            return 0
        }
    }

    /// The dry run's plan, one step a line.
    static func planText(_ p: RollbackPlan) -> String {
        let c = p.cohort
        var out = "cohort \(c.name): rollback plan from \(c.phase.rawValue) (dry run: nothing done)\n"
        if p.fences.isEmpty {
            out += "  fence: none (its writes stayed on legacy)\n  drain: none\n"
        } else {
            for f in p.fences { out += "  fence: \(f.role.rawValue) store \(f.store) refuses \(f.refuses)\n" }
            out += "  drain: \(plural(p.reverseEvents, "reverse event")) of its tenants to apply to legacy\n"
        }
        out += "  flip: \(p.flip)\n"
        out += "  lift: " + (p.fences.isEmpty ? "none\n" : "the legacy store takes their writes again\n")
        return out
    }

    static let group = VerbGroup(name: "cohort", summary: "tenants moving to the new store in groups, phase by phase (issue 13)",
                                 verbs: [create, list, show, advance, pause, resume, rollback, NotifyCommands.schedule])
}

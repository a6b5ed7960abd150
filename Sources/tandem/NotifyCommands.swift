import Foundation
import TandemCore
import TandemPipeline

/// `tandem notify plan|render|export|mark-sent|status`: telling a cohort's customers, in plain words and in time
/// (issue 15); and `tandem cohort schedule` (a cohort's window).
enum NotifyCommands {
    static let cohortOption = OptionSpec.value("--cohort", "NAME", "the cohort")
    static let messageOption = OptionSpec.value("--message", "KIND", "moving, action-needed, done or moved-back (default: the one the cohort's phase calls for)")

    /// Runs `body` with the notifier of `--config` and the plan of `--cohort`.
    static func withPlan(_ args: ParsedArguments, _ body: (Notifier, NotifyPlan) throws -> Int32) throws -> Int32 {
        let name = try ReplayCommands.required(args, "--cohort")
        return try MigrationCLI.withControl(args, create: false) { control in
            let notifier = try Notifier(control: control)
            return try body(notifier, try notifier.plan(name))
        }
    }

    static func kind(_ args: ParsedArguments, _ plan: NotifyPlan) throws -> MessageKind {
        guard let text = args.value("--message") else { return Notifier.defaultKind(plan) }
        guard let k = MessageKind(rawValue: text) else {
            throw UsageError("\(args.verbPath): --message takes one of \(MessageKind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
        }
        return k
    }

    static let plan = Verb(
        name: "plan", summary: "a cohort's customers, window, actions, lead time, and what is missing",
        positionals: [], options: [MigrationCLI.configOption, cohortOption, .flag("--json", "one JSON object")],
        details: "Exit 0 (also when something is missing: it is listed), 64 usage, 65 bad config, 66 no such cohort, 69 legacy store unreadable."
    ) { args in
        try withPlan(args) { _, p in
            if args.flag("--json") { Output.out(json(p).description + "\n"); return 0 }
            var out = "cohort \(p.cohort.name): \(p.cohort.tenants.count) tenant(s), phase \(p.cohort.phase.rawValue)\n"
            if let w = p.window, let by = p.sendBy {
                out += "  window \(w); notice to be sent by \(by.rfc3339Short) (lead time \(p.leadTime))\n"
            } else { out += "  no window yet (tandem cohort schedule \(p.cohort.name) --window START..END); lead time \(p.leadTime)\n" }
            out += "actions:\n" + (p.actions.isEmpty ? "  none\n" : p.actions.map { "  \($0.id) (\($0.when.rawValue), \($0.source)): \($0.why)\n" }.joined())
            out += "customers:\n"
            for c in p.contacts {
                out += "  \(c.tenant): \(c.email ?? "NO EMAIL")\(c.name.map { " " + $0 } ?? "") (\(c.locale ?? "default locale"))\n"
            }
            out += "missing:\n" + (p.missing.isEmpty ? "  nothing\n" : p.missing.map { "  \($0)\n" }.joined())
            Output.out(MigrationCLI.escapedLines(out))
            return 0
        }
    }

    static func json(_ p: NotifyPlan) -> JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            ("cohort", .string(p.cohort.name)), ("phase", .string(p.cohort.phase.rawValue)),
            ("tenants", .array(p.cohort.tenants.map(JSONValue.string))),
            ("window", p.window.map { .object([("start", .string($0.start.rfc3339Short)), ("end", .string($0.end.rfc3339Short))]) } ?? .null),
            ("leadTime", .string(p.leadTime.text)), ("sendBy", opt(p.sendBy?.rfc3339Short)),
            ("actions", .array(p.actions.map { .object([("id", .string($0.id)), ("when", .string($0.when.rawValue)), ("why", .string($0.why)),
                                                         ("source", .string($0.source))]) })),
            ("contacts", .array(p.contacts.map { .object([("tenant", .string($0.tenant)), ("email", opt($0.email)), ("name", opt($0.name)),
                                                          ("locale", opt($0.locale))]) })),
            ("missing", .array(p.missing.map(JSONValue.string))),
        ])
    }

    static let render = Verb(
        name: "render", summary: "the messages, one per recipient, in the recipient's language (fallback: defaultLocale)",
        positionals: [], options: [MigrationCLI.configOption, cohortOption, messageOption, .flag("--json", "one JSON object a message")],
        details: "An unknown placeholder or a missing value is an error (exit 65) and nothing is printed: a message never has a hole."
    ) { args in
        try withPlan(args) { notifier, p in
            let messages = try notifier.render(p, kind: kind(args, p))
            var out = ""
            for m in messages {
                if args.flag("--json") { out += messageJSON(m).description + "\n"; continue }
                out += "To: \(m.email) (tenant \(m.tenant), \(m.locale))\nSubject: \(m.subject)\n\n\(m.body)\n-----\n"
            }
            Output.out(args.flag("--json") ? out : MigrationCLI.escapedLines(out))  // names and addresses come from legacy data
            return 0
        }
    }

    static func messageJSON(_ m: NotifyMessage) -> JSONValue { Notifier.json(m) }

    /// After a rollback: the "moved back" message rendered for the cohort (a line on stdout), or why not (a line
    /// on stderr; the rollback stands either way). Nothing without a notify block.
    static func afterRollback(_ control: CohortControl, cohort: String) {
        guard control.config.notify != nil else { return }
        do {
            let (file, count) = try Notifier(control: control).renderMovedBack(cohort: cohort)
            Output.out("moved-back message rendered for \(count) recipient(s): \(TerminalText.escaped(file))\n")
        } catch {
            Output.err("tandem: the moved-back message was not rendered: \(describe(error)) (tandem notify render --message moved-back)\n")
        }
    }

    static let export = Verb(
        name: "export", summary: "the messages for a mailing system: CSV or JSON lines, one row per recipient",
        positionals: [], options: [MigrationCLI.configOption, cohortOption, messageOption,
                                   .value("--format", "csv|jsonl", "default csv (header tenant,email,name,locale,message,subject,body)"),
                                   .value("--out", "FILE", "write here instead of standard output")]
    ) { args in
        let format = args.value("--format") ?? "csv"
        guard ["csv", "jsonl"].contains(format) else { throw UsageError("\(args.verbPath): --format takes csv or jsonl, not '\(format)'") }
        return try withPlan(args) { notifier, p in
            let messages = try notifier.render(p, kind: kind(args, p))
            var out = format == "csv" ? CSVText.line(["tenant", "email", "name", "locale", "message", "subject", "body"]) : ""
            for m in messages {
                out += format == "csv" ? CSVText.line([m.tenant, m.email, m.name ?? "", m.locale, m.kind.rawValue, m.subject, m.body])
                    : messageJSON(m).description + "\n"
            }
            guard let file = args.value("--out") else { Output.out(out); return 0 }
            do { try out.write(toFile: file, atomically: true, encoding: .utf8) } catch {
                Output.err("tandem: cannot write \(TerminalText.escaped(file)): \(error.localizedDescription)\n")
                return ExitCode.cannotCreate
            }
            Output.err("tandem: \(messages.count) message(s) written to \(TerminalText.escaped(file))\n")
            return 0
        }
    }

    static let markSent = Verb(
        name: "mark-sent", summary: "record that a cohort's notice went out (by hand, or from a mailer's delivery report CSV)",
        positionals: [], options: [MigrationCLI.configOption, cohortOption, messageOption,
                                   .value("--at", "TIME", "when it went out, RFC 3339 (default: now, i.e. TANDEM_NOW or the clock)"),
                                   .value("--report", "FILE", "a delivery report: CSV with header email,status[,at]; status delivered, bounced or sent"),
                                   .value("--by", "NAME", "who is recorded (default: the OS user)")],
        details: "Without --report every recipient with an email is recorded as sent. Exit 0 recorded, 64 usage, 65 bad report."
    ) { args in
        var at: Timestamp
        if let text = args.value("--at") {
            do { at = try Timestamp(rfc3339: text) } catch { throw UsageError("\(args.verbPath): --at takes an RFC 3339 time, not '\(text)'") }
        } else { at = try TandemClock.now() }
        return try withPlan(args) { notifier, p in
            let k = try kind(args, p), who = MigrationCLI.who(args)
            let records = try args.value("--report").map { file throws(NotifyError) in
                try DeliveryReport.read(path: file, plan: p, kind: k, defaultAt: at, who: who)
            } ?? p.recipients.map { NoticeRecord(tenant: $0.tenant, email: $0.email!, kind: k.rawValue, status: "sent", at: at, who: who) }
            try notifier.control.state.record(records, cohort: p.cohort.name)
            let bounced = records.filter { $0.status == "bounced" }.count
            Output.out("cohort \(p.cohort.name): \(k.rawValue) notice recorded for \(records.count) address(es)"
                       + (bounced > 0 ? ", \(bounced) bounced" : "") + (args.value("--report") == nil ? " at \(at.rfc3339Short)" : "") + "\n")
            return 0
        }
    }

    static let status = Verb(
        name: "status", summary: "who of a cohort was told in time, who was not (bounces included), and whether cut-over may start",
        positionals: [], options: [MigrationCLI.configOption, cohortOption, .flag("--json", "one JSON object")],
        details: "Exit 0 when every customer was told in time and the window has started (the notice gate holds), else 1."
    ) { args in
        let now = try TandemClock.now()
        return try withPlan(args) { notifier, p in
            let notices = try notifier.control.state.latestNotices(of: p.cohort.name, kinds: NoticeCheck.announcing)
            let check = NoticeCheck.check(p, notices: notices, now: now)
            let bounced = notices.values.filter { $0.status == "bounced" }.sorted { $0.email < $1.email }
            let holds = check.missing.isEmpty && check.problem == nil
            if args.flag("--json") {
                Output.out(JSONValue.object([
                    ("cohort", .string(p.cohort.name)), ("now", .string(now.rfc3339Short)), ("sendBy", p.sendBy.map { .string($0.rfc3339Short) } ?? .null),
                    ("told", .int(Int64(check.told))), ("gateHolds", .bool(holds)), ("problem", check.problem.map(JSONValue.string) ?? .null),
                    ("notTold", .array(check.missing.map { .object([("tenant", .string($0.tenant)), ("why", .string($0.why))]) })),
                    ("bounced", .array(bounced.map { .object([("tenant", .string($0.tenant)), ("email", .string($0.email))]) })),
                ]).description + "\n")
                return holds ? 0 : 1
            }
            var out = "cohort \(p.cohort.name): \(check.detail)\n"
            for b in bounced { out += "  bounced: \(b.email) (tenant \(b.tenant))\n" }
            out += holds ? "  the notice gate holds\n" : "  the notice gate does not hold\n"
            Output.out(MigrationCLI.escapedLines(out))
            return holds ? 0 : 1
        }
    }

    static let group = VerbGroup(name: "notify", summary: "telling a cohort's customers in plain words, in time (issue 15)",
                                 verbs: [plan, render, export, markSent, status])

    static let schedule = Verb(
        name: "schedule", summary: "set a cohort's window: when its customers move (cut-over waits for it)",
        positionals: ["NAME"], options: [MigrationCLI.configOption, .value("--window", "START..END", "two RFC 3339 times")]
    ) { args in
        let name = try args.positional(0, "NAME")
        let window = try CohortWindow(parsing: try ReplayCommands.required(args, "--window"))
        return try MigrationCLI.withControl(args, create: false) { control in
            _ = try control.cohort(name)
            try control.state.setWindow(window, cohort: name)
            Output.out("cohort \(name): window \(window)\n")
            return 0
        }
    }
}

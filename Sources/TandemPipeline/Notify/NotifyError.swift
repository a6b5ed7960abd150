import TandemCore

/// Why a `tandem notify` command (or the notice gate) could not do what was asked.
public enum NotifyError: CategorizedError, CustomStringConvertible, Sendable {
    /// The config has no `notify` block.
    case notConfigured(config: String)
    /// `TANDEM_NOW` is not an RFC 3339 time.
    case badClock(text: String, reason: String)
    /// The contacts cannot be read from the legacy store.
    case contacts(store: String, reason: String)
    /// A template file is missing or malformed.
    case template(file: String, reason: String)
    /// A message would be sent with a hole in it: an unknown placeholder or a missing value.
    case render(file: String, recipient: String, reason: String)
    /// A mailer's delivery report cannot be read.
    case report(file: String, line: Int, reason: String)
    /// A window or time given on the command line is malformed.
    case badTime(String)
    /// The cohort has no window yet.
    case noWindow(cohort: String)

    public var description: String {
        switch self {
        case .notConfigured(let c):
            return "\(c) has no \"notify\" block; add {\"contacts\": {\"entity\": …, \"tenant\": …, \"email\": …}, \"leadTime\": \"P14D\"} (schemas/config.schema.json)"
        case .badClock(let t, let r): return "TANDEM_NOW=\(TerminalText.escaped(t)) is not an RFC 3339 time (\(r)); write e.g. 2026-11-30T09:00:00Z"
        case .contacts(let s, let r): return "contacts in \(s): \(r)"
        case .template(let f, let r): return "template \(f): \(r)"
        case .render(let f, let who, let r): return "template \(f) for \(who): \(r); nothing was rendered (a message is never sent with a hole)"
        case .report(let f, let l, let r): return "delivery report \(f) line \(l): \(r); expected CSV columns email,status (delivered or bounced)[,at]"
        case .badTime(let r): return r
        case .noWindow(let c): return "cohort \(c) has no window yet (tandem cohort schedule \(c) --window START..END)"
        }
    }

    /// The kind of failure (the CLI's exit code).
    public var category: ErrorCategory {
        switch self {
        case .notConfigured, .badClock, .template, .render, .report: return .badData
        case .contacts: return .unavailable
        case .badTime: return .usage
        case .noWindow: return .refused
        }
    }
}

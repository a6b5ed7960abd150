import Foundation
import TandemCore
import TandemSinks
import TandemSources
import TandemSQLite

/// What telling one cohort's customers takes: who, when, what they must do, and what is still missing.
public struct NotifyPlan: Sendable {
    /// The cohort.
    public var cohort: Cohort
    /// Its window, if scheduled.
    public var window: CohortWindow?
    /// The actions its customers must take (declared, then suggested by the mapping).
    public var actions: [NotifyAction]
    /// The lead time.
    public var leadTime: ISODuration
    /// The contacts of its tenants (those with and without email).
    public var contacts: [Contact]
    /// What is missing, one line each (tenants without a contact, contacts without email, missing templates).
    public var missing: [String]
    /// When the cohort was last rolled back, if ever: notices before it announced the earlier attempt.
    public var lastRollback: Timestamp? = nil

    /// The latest time the notice may go out: the window's start minus the lead time.
    public var sendBy: Timestamp? { window.map { Timestamp(microseconds: $0.start.microseconds - leadTime.seconds * 1_000_000) } }
    /// The actions to be done before the cut-over.
    public var requiredActions: [NotifyAction] { actions.filter { $0.when == .beforeCutOver } }
    /// The contacts that can be written to.
    public var recipients: [Contact] { contacts.filter { $0.email != nil } }
}

/// One rendered message for one recipient.
public struct NotifyMessage: Sendable, Hashable {
    /// The tenant.
    public var tenant: String
    /// The address.
    public var email: String
    /// The recipient's name, if known.
    public var name: String?
    /// The locale the message is in (after fallback).
    public var locale: String
    /// Which message.
    public var kind: MessageKind
    /// Its subject.
    public var subject: String
    /// Its body.
    public var body: String
}

/// Plans and renders a cohort's notices from the config, the mapping, the legacy contacts and the state file.
///
/// - Important: not `Sendable` (it uses the cohort control's state file).
public final class Notifier {
    /// The cohort control (config, mapping, state file).
    public let control: CohortControl
    /// The notify block.
    public let notify: DaemonConfig.Notify

    /// A notifier for the control's config.
    /// - Throws: `NotifyError.notConfigured` without a `notify` block.
    public init(control: CohortControl) throws(NotifyError) {
        guard let n = control.config.notify else { throw .notConfigured(config: control.config.file) }
        self.control = control; notify = n
    }

    /// The cohort's plan.
    public func plan(_ name: String) throws -> NotifyPlan {
        let cohort = try control.cohort(name)
        let contacts = try Contacts.read(notify: notify, legacy: control.migration.legacy, mapping: control.mapping, tenants: Set(cohort.tenants))
        let actions = NotifyActions.all(declared: notify.actions, mapping: control.mapping, legacyColumns: legacyColumns())
        var missing: [String] = []
        let withContact = Set(contacts.map(\.tenant))
        for t in cohort.tenants where !withContact.contains(t) { missing.append("tenant \(t): no contact in \(notify.contacts.entity)") }
        for c in contacts where c.email == nil {
            missing.append("tenant \(c.tenant): contact \(c.name ?? "(no name)") has no email" + (c.problem.map { " (\($0))" } ?? ""))
        }
        let locales = Set(contacts.compactMap(\.locale)).union([notify.defaultLocale]).sorted()
        for kind in MessageKind.allCases {
            for locale in locales {
                let found: MessageTemplate?
                do { found = try MessageTemplate.load(directory: notify.templates, kind: kind.rawValue, locale: locale) } catch {
                    missing.append("\(error)"); continue
                }
                guard found == nil else { continue }
                missing.append("no \(kind.rawValue) template for locale \(locale)"
                               + (locale == notify.defaultLocale ? " (the default locale: nothing to fall back to)" : " (falls back to \(notify.defaultLocale))"))
            }
        }
        let rollback = try control.state.timeline(of: name).last { $0.action == "rollback" }?.at
        return NotifyPlan(cohort: cohort, window: try control.state.window(of: name), actions: actions,
                          leadTime: notify.leadTime, contacts: contacts, missing: missing, lastRollback: rollback)
    }

    /// The message a cohort's customers get now: moved back after a rollback, done from cut-over on, else the
    /// move (with actions to take when there are any).
    public static func defaultKind(_ plan: NotifyPlan) -> MessageKind {
        switch plan.cohort.phase {
        case .rolledBack: return .movedBack
        case .cutOver, .done: return .done
        default: return plan.requiredActions.isEmpty ? .moving : .actionNeeded
        }
    }

    /// One message per recipient, in the recipient's locale (its language, then the default locale).
    /// - Throws: `NotifyError` for a missing template or a placeholder without a value (nothing is rendered).
    public func render(_ plan: NotifyPlan, kind: MessageKind) throws(NotifyError) -> [NotifyMessage] {
        var templates: [String: MessageTemplate] = [:]
        func template(_ locale: String) throws(NotifyError) -> MessageTemplate? {
            if let t = templates[locale] { return t }
            let t = try MessageTemplate.load(directory: notify.templates, kind: kind.rawValue, locale: locale)
            templates[locale] = t
            return t
        }
        var out: [NotifyMessage] = []
        for c in plan.recipients {
            let candidates = [c.locale, c.locale.flatMap { $0.split(separator: "-").first.map(String.init) }, notify.defaultLocale].compactMap { $0 }
            var chosen: (String, MessageTemplate)?
            for l in candidates { if let t = try template(l) { chosen = (l, t); break } }
            guard let (locale, t) = chosen else {
                throw .template(file: "\(notify.templates)/\(kind.rawValue).\(notify.defaultLocale).txt", reason: "no such file (nor one for \(candidates.joined(separator: ", ")))")
            }
            let (subject, body) = try t.render(values(plan, contact: c, locale: locale, kind: kind), recipient: "\(c.email!) (tenant \(c.tenant))")
            out.append(NotifyMessage(tenant: c.tenant, email: c.email!, name: c.name, locale: locale, kind: kind, subject: subject, body: body))
        }
        return out
    }

    /// The placeholders' values for one recipient (absent when unknown: rendering refuses a template using them).
    func values(_ plan: NotifyPlan, contact c: Contact, locale: String, kind: MessageKind) throws(NotifyError) -> [String: String] {
        var v: [String: String] = ["tenant": c.tenant, "statusPage": notify.statusPage + (c.tenant.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? c.tenant)]
        if let n = c.name { v["name"] = n }
        if let w = plan.window {
            v["windowStart"] = PlainTime.text(w.start, locale: locale)
            v["windowEnd"] = PlainTime.text(w.end, locale: locale)
            v["window"] = v["windowStart"]! + " – " + v["windowEnd"]!
            v["deadline"] = v["windowStart"]
        }
        let actions = kind == .done ? plan.actions.filter { $0.when == .afterCutOver } : plan.requiredActions
        if !actions.isEmpty {
            var lines: [String] = []
            for a in actions {
                lines.append("- " + (actionText(a.id, locale: locale) ?? a.why))
            }
            v["actions"] = lines.joined(separator: "\n")
        }
        return v
    }

    /// The action's words in `locale` (`action-ID.LOCALE.txt`, trimmed), nil when there is no such file.
    public func actionText(_ id: String, locale: String) -> String? { Self.actionText(templates: notify.templates, id, locale: locale) }

    /// The action's words in `locale` from the templates directory, nil when there is no such file.
    public static func actionText(templates: String, _ id: String, locale: String) -> String? {
        FileManager.default.contents(atPath: "\(templates)/action-\(id).\(locale).txt")
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Each legacy entity's columns, to see columns a mapping drops by not listing them.
    func legacyColumns() -> [String: [String]] { Self.legacyColumns(legacy: control.migration.legacy, mapping: control.mapping) }

    /// Each mapped legacy entity's columns in the legacy store, SQLite or PostgreSQL (empty on error).
    static func legacyColumns(legacy: SinkSpec, mapping: Mapping) -> [String: [String]] {
        if case .postgres(let conninfo) = legacy.kind {
            guard let reader = try? PostgresRowReader(conninfo: conninfo) else { return [:] }
            defer { reader.close() }
            var out: [String: [String]] = [:]
            for entity in mapping.entities.keys { if let l = try? reader.layout(of: entity) { out[entity] = l.columns } }
            return out
        }
        guard case .sqlite(let path, _) = legacy.kind, let db = try? Database(path: path, mode: .readOnly) else { return [:] }
        defer { db.close() }
        var out: [String: [String]] = [:]
        for entity in mapping.entities.keys {
            guard let s = try? db.prepare("SELECT name FROM pragma_table_info(?)") else { continue }
            try? s.bind(entity, at: 1)
            while (try? s.step()) == true { out[entity, default: []].append(s.text(0)) }
        }
        return out
    }
}

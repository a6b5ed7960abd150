import Foundation
import TandemCore
import TandemSources

/// `GET /v1/customers/TENANT/status` (JSON) and `GET /customers/TENANT` (a small HTML page in the customer's
/// language) on the daemon: when the account moves, what the customer must do, and the status (scheduled /
/// moving / done / moved back). Read from the state file, the mapping and the legacy contacts on each request.
/// It shows one tenant and nothing internal (no phase names, stores, columns or other tenants).
public enum CustomerStatusPage {
    /// The JSON path prefix.
    public static let jsonPrefix = "/v1/customers/"
    /// The HTML path prefix.
    public static let htmlPrefix = "/customers/"

    /// What one customer is shown.
    public struct View: Sendable, Hashable {
        /// The tenant.
        public var tenant: String
        /// `scheduled`, `moving`, `done` or `moved-back`.
        public var status: String
        /// The window, if scheduled.
        public var window: CohortWindow?
        /// The actions, each with its words in `locale`.
        public var actions: [(id: String, text: String)] { zip(actionIDs, actionTexts).map { ($0, $1) } }
        var actionIDs: [String]
        var actionTexts: [String]
        /// The page's language.
        public var locale: String
        /// The contact's name, if known.
        public var name: String?
    }

    /// The answer for `path`, or nil for a path that is not a customer page.
    public static func respond(path: String, config: DaemonConfig) -> HTTPResponse? {
        let html: Bool, rest: Substring
        if path.hasPrefix(jsonPrefix), path.hasSuffix("/status") {
            html = false; rest = path.dropFirst(jsonPrefix.count).dropLast("/status".count)
        } else if path.hasPrefix(htmlPrefix), !path.dropFirst(htmlPrefix.count).contains("/") {
            html = true; rest = path.dropFirst(htmlPrefix.count)
        } else { return nil }
        guard let tenant = String(rest).removingPercentEncoding, !tenant.isEmpty, !tenant.contains("/") else {
            return .text("400 Bad Request: the account in the address is not valid\n", status: .badRequest)
        }
        let found: View?
        do { found = try view(tenant: tenant, config: config) } catch {
            return .text("503 Service Unavailable: the status cannot be read now; try again shortly\n", status: .serviceUnavailable)
        }
        // The same answer for an unknown account and one without a planned move: nothing to learn about others.
        guard let v = found else { return .text("404 Not Found: no move is planned for this account\n", status: .notFound) }
        if html { return HTTPResponse(contentType: "text/html; charset=utf-8", body: Array(page(v).utf8)) }
        let j = JSONValue.object([
            ("tenant", .string(v.tenant)), ("status", .string(v.status)), ("locale", .string(v.locale)),
            ("window", v.window.map { .object([("start", .string($0.start.rfc3339Short)), ("end", .string($0.end.rfc3339Short))]) } ?? .null),
            ("actions", .array(v.actions.map { .object([("id", .string($0.id)), ("text", .string($0.text))]) })),
        ])
        return HTTPResponse(contentType: "application/json", body: Array((j.description + "\n").utf8))
    }

    /// The customer's view; nil when the config tracks no customers or the tenant is in no cohort.
    public static func view(tenant: String, config: DaemonConfig) throws -> View? {
        guard let notify = config.notify, let migration = config.migration,
              FileManager.default.fileExists(atPath: migration.state) else { return nil }
        let state = try MigrationStateFile(path: migration.state, readOnly: true)
        defer { state.close() }
        guard let name = try state.tenantOwners()[tenant], let cohort = try state.cohort(named: name) else { return nil }
        let mapping = try config.mapping.map { try Mapping.load(path: $0) } ?? .passThrough
        let contact = try Contacts.read(notify: notify, legacy: migration.legacy, mapping: mapping, tenants: [tenant]).first
        let locale = [contact?.locale, contact?.locale.flatMap { $0.split(separator: "-").first.map(String.init) }]
            .compactMap { $0 }.first { words[$0] != nil } ?? (words[notify.defaultLocale] != nil ? notify.defaultLocale : "en")
        let status: String
        switch cohort.phase {
        case .planned, .shadow, .readsNew: status = "scheduled"
        case .cutOver: status = "moving"
        case .done: status = "done"
        case .rolledBack: status = "moved-back"
        }
        let actions = NotifyActions.all(declared: notify.actions, mapping: mapping,
                                        legacyColumns: Notifier.legacyColumns(legacy: migration.legacy, mapping: mapping))
            .filter { status == "done" ? $0.when == .afterCutOver : true }
        // A suggested action's reason names columns: internal, so it is never shown; its id stands in.
        let texts = actions.map { Notifier.actionText(templates: notify.templates, $0.id, locale: locale) ?? ($0.source == "declared" ? $0.why : $0.id) }
        return View(tenant: tenant, status: status, window: try state.window(of: name), actionIDs: actions.map(\.id), actionTexts: texts,
                    locale: locale, name: contact?.name)
    }

    /// The page's words per language.
    static let words: [String: [String: String]] = [
        "en": ["title": "Your account", "hello": "Hello", "moves": "Your account moves on %@.", "notYet": "The date of your move is not set yet.",
               "need": "You need to:", "nothing": "You do not need to do anything.", "status": "Status:",
               "scheduled": "scheduled", "moving": "moving", "done": "done", "moved-back": "moved back (nothing is lost)"],
        "es": ["title": "Su cuenta", "hello": "Hola", "moves": "Su cuenta se traslada el %@.", "notYet": "La fecha del traslado aún no está fijada.",
               "need": "Usted tiene que:", "nothing": "No tiene que hacer nada.", "status": "Estado:",
               "scheduled": "programado", "moving": "en traslado", "done": "hecho", "moved-back": "devuelta a su lugar (no se ha perdido nada)"],
    ]

    /// The HTML page (no script, no external asset).
    static func page(_ v: View) -> String {
        let w = words[v.locale] ?? words["en"]!
        func e(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let when = v.window.map { w["moves"]!.replacingOccurrences(of: "%@", with: PlainTime.text($0.start, locale: v.locale)) } ?? w["notYet"]!
        let actions = v.actions.isEmpty ? "<p id=\"no-action\">\(e(w["nothing"]!))</p>"
            : "<h2>\(e(w["need"]!))</h2>\n<ul id=\"actions\">" + v.actions.map { "<li data-action=\"\(e($0.id))\">\(e($0.text))</li>" }.joined() + "</ul>"
        return """
            <!doctype html>
            <html lang="\(e(v.locale))"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(e(w["title"]!))</title>
            <style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;color:#222}
            #status strong{padding:.1em .5em;border-radius:.3em;background:#e6f0ff}</style></head>
            <body><main id="customer-status" data-status="\(e(v.status))">
            <h1>\(e(w["hello"]!))\(v.name.map { " " + e($0) } ?? "")</h1>
            <p id="window">\(e(when))</p>
            \(actions)
            <p id="status">\(e(w["status"]!)) <strong>\(e(w[v.status] ?? v.status))</strong></p>
            </main></body></html>

            """
    }
}

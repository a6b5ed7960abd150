import TandemCore

extension DaemonConfig {
    /// The `notify` block (issue 15): where a tenant's contacts live in the legacy data, the actions its
    /// customers must take, how long before a cohort's window they must be told, and the message templates.
    public struct Notify: Sendable, Hashable {
        /// Legacy column names of the contacts entity (read through the mapping).
        public struct Contacts: Sendable, Hashable {
            /// The legacy entity (table) holding contacts.
            public var entity: String
            /// Its tenant column.
            public var tenant: String
            /// Its email column.
            public var email: String
            /// Its name column, if any.
            public var name: String?
            /// Its locale column, if any.
            public var locale: String?
        }

        /// The contacts' entity and columns.
        public var contacts: Contacts
        /// How long before a window's start the customers must have been told.
        public var leadTime: ISODuration
        /// The templates directory (absolute).
        public var templates: String
        /// The locale used when a contact has none, or none of its templates exist.
        public var defaultLocale: String
        /// The actions the operator declares (suggestions from the mapping are added by `NotifyActions`).
        public var actions: [NotifyAction]
        /// The customer status page link's prefix; the tenant is appended (default: the daemon's `/customers/`).
        public var statusPage: String
    }

    static let notifyKeys = ["contacts", "leadTime", "templates", "defaultLocale", "actions", "statusPage"]
    static let contactKeys = ["entity", "tenant", "email", "name", "locale"]
    static let actionKeys = ["id", "when", "why"]
}

extension ConfigReader {
    /// The `notify` block at `path`, relative paths resolved with `resolve` (nil, with faults, when wrong).
    mutating func notify(_ v: JSONValue, at path: String, http: DaemonConfig.HTTP?, resolve: (String) -> String) -> DaemonConfig.Notify? {
        guard let o = object(v, at: path, known: DaemonConfig.notifyKeys) else { return nil }
        let before = faults.count
        var contacts: DaemonConfig.Notify.Contacts?
        if let c = o["contacts"] {
            if let co = object(c, at: o.path("contacts"), known: DaemonConfig.contactKeys) {
                let entity = string(co, "entity", required: true), tenant = string(co, "tenant", required: true)
                let email = string(co, "email", required: true)
                let name = string(co, "name"), locale = string(co, "locale")
                if let entity, let tenant, let email {
                    contacts = .init(entity: entity, tenant: tenant, email: email, name: name, locale: locale)
                }
            }
        } else { fault(path, "missing required key \"contacts\"") }
        var lead = ISODuration("P14D")!
        if let text = string(o, "leadTime") {
            if let d = ISODuration(text) { lead = d } else {
                fault(o.path("leadTime"), "expected an ISO 8601 duration of weeks, days, hours, minutes, seconds such as \"P14D\" or \"PT36H\"")
            }
        }
        var templates = resolve(string(o, "templates") ?? "templates/")
        while templates.count > 1, templates.hasSuffix("/") { templates.removeLast() }
        let locale = string(o, "defaultLocale") ?? "en"
        var actions: [NotifyAction] = []
        if let a = o["actions"] {
            if let list = a.array {
                for (i, item) in list.enumerated() {
                    let p = "\(o.path("actions"))[\(i)]"
                    guard let ao = object(item, at: p, known: DaemonConfig.actionKeys) else { continue }
                    let id = string(ao, "id", required: true), why = string(ao, "why", required: true)
                    let whenText = string(ao, "when") ?? NotifyAction.When.beforeCutOver.rawValue
                    guard let when = NotifyAction.When(rawValue: whenText) else {
                        fault(ao.path("when"), "expected one of \(NotifyAction.When.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
                        continue
                    }
                    if let id, actions.contains(where: { $0.id == id }) { fault(ao.path("id"), "action \"\(id)\" is declared twice"); continue }
                    if let id, let why { actions.append(NotifyAction(id: id, when: when, why: why, source: "declared")) }
                }
            } else { fault(o.path("actions"), "expected a list of {\"id\", \"when\", \"why\"}, not \(kind(a))") }
        }
        let listen = http.map { "\($0.listen)" } ?? "127.0.0.1:9187"
        let statusPage = string(o, "statusPage") ?? "http://\(listen)/customers/"
        guard faults.count == before, let contacts else { return nil }
        return DaemonConfig.Notify(contacts: contacts, leadTime: lead, templates: templates, defaultLocale: locale,
                                   actions: actions, statusPage: statusPage)
    }
}

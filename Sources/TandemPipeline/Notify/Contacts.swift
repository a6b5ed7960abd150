import Foundation
import TandemCore
import TandemSinks
import TandemSources
import TandemSQLite

/// One person to tell about a tenant's move, as the mapping normalises the legacy row (a trimmed, lower-cased
/// email is the email used).
public struct Contact: Sendable, Hashable {
    /// The tenant (the legacy tenant column's value, as cohorts hold it).
    public var tenant: String
    /// The email, nil when the row has none.
    public var email: String?
    /// The name, if any.
    public var name: String?
    /// The locale, if any (lower-cased).
    public var locale: String?
    /// Why the row could not be read through the mapping, if it could not.
    public var problem: String?
}

/// Reads contacts from the legacy store (SQLite read-only, or PostgreSQL): each row of the contacts entity is run through the
/// mapping as a snapshot change, and the mapped values of the configured columns are used.
public enum Contacts {
    /// The contacts of `tenants` (all tenants when nil), sorted by tenant then email.
    /// - Throws: `NotifyError.contacts` when the legacy store cannot be read or lacks a configured column.
    public static func read(notify: DaemonConfig.Notify, legacy: SinkSpec, mapping: Mapping,
                            tenants: Set<String>? = nil) throws(NotifyError) -> [Contact] {
        var out: [Contact] = []
        var store = "postgres"
        do {
            switch legacy.kind {
            case .sqlite(let path, _):
                store = "sqlite:\(path)"
                guard FileManager.default.fileExists(atPath: path) else { throw NotifyError.contacts(store: store, reason: "no such file") }
                try readSQLite(path, store: store, notify: notify) { raw in try take(raw, into: &out, notify: notify, mapping: mapping, tenants: tenants) }
            case .postgres(let conninfo):
                let reader = try PostgresRowReader(conninfo: conninfo)
                defer { reader.close() }
                let entity = notify.contacts.entity
                guard let layout = try reader.layout(of: entity) else {
                    throw NotifyError.contacts(store: reader.target, reason: "no table \(entity) (config notify.contacts)")
                }
                try check(columns: layout.columns, notify: notify, store: reader.target)
                for raw in try reader.allRows(entity) { try take(raw, into: &out, notify: notify, mapping: mapping, tenants: tenants) }
            }
        } catch let e as NotifyError { throw e } catch {
            // Connection errors come redacted (PostgresRowReader): no password reaches the message.
            throw .contacts(store: store, reason: "\(error)")
        }
        return out.sorted { ($0.tenant, $0.email ?? "") < ($1.tenant, $1.email ?? "") }
    }

    /// Streams the contacts table of a SQLite legacy store (read-only) row by row.
    private static func readSQLite(_ path: String, store: String, notify: DaemonConfig.Notify, _ body: (Row) throws -> Void) throws {
        let db = try Database(path: path, mode: .readOnly)
        defer { db.close() }
        let s = try db.prepare("SELECT * FROM \(SQL.quote(notify.contacts.entity))")
        let names = (0..<s.columnCount).map { s.columnName($0) }
        try check(columns: names, notify: notify, store: store)
        while try s.step() { try body(Row(uncheckedNames: names, values: (0..<s.columnCount).map { s.value(at: $0) })) }
    }

    /// Fails when the contacts table lacks a configured column.
    private static func check(columns names: [String], notify: DaemonConfig.Notify, store: String) throws {
        let c = notify.contacts
        for needed in [c.tenant, c.email] + [c.name, c.locale].compactMap({ $0 }) where !names.contains(needed) {
            throw NotifyError.contacts(store: store, reason: "table \(c.entity) has no column \(needed) (config notify.contacts)")
        }
    }

    /// Adds the contact of one legacy row when its tenant is wanted.
    private static func take(_ raw: Row, into out: inout [Contact], notify: DaemonConfig.Notify, mapping: Mapping,
                             tenants: Set<String>?) throws {
        guard let tenant = text(raw[notify.contacts.tenant]), tenants?.contains(tenant) ?? true else { return }
        out.append(contact(raw, tenant: tenant, notify: notify, mapping: mapping))
    }

    /// One row through the mapping: the mapped value of each configured column.
    static func contact(_ raw: Row, tenant: String, notify: DaemonConfig.Notify, mapping: Mapping) -> Contact {
        let c = notify.contacts
        let entity = mapping.entities[c.entity]
        // A legacy column's name after the mapping (nil: the mapping drops it, so its raw value is used).
        func mapped(_ column: String?, in row: Row) -> String? {
            guard let column else { return nil }
            guard let e = entity else { return text(row[column]) }
            if let rule = e.columns[column] { return rule.target.flatMap { text(row[$0]) } }
            return e.keepUnlisted ? text(row[column]) : nil
        }
        // A contacts table without `id` and a mapping without a primaryKey: keyed by tenant and email (the
        // key only identifies the row for the mapping; nothing is written).
        let key = raw["id"] != nil ? Row() : Row([(c.tenant, raw[c.tenant] ?? .null), (c.email, raw[c.email] ?? .null)])
        switch mapping.apply(Event(entity: c.entity, key: key, op: .snapshot, after: raw)) {
        case .event(let e):
            let row = e.after ?? Row()
            return Contact(tenant: tenant, email: mapped(c.email, in: row), name: mapped(c.name, in: row),
                           locale: mapped(c.locale, in: row)?.lowercased(), problem: nil)
        case .rejected(let r):
            return Contact(tenant: tenant, email: nil, name: text(raw[c.name ?? ""]), locale: nil,
                           problem: "the mapping rejects its contact row: \(r)")
        }
    }

    /// A value as text; nil for null, empty or blank text.
    static func text(_ v: Value?) -> String? {
        let s: String
        switch v {
        case nil, .null?: return nil
        case .string(let t)?: s = t
        case .int(let i)?: s = String(i)
        case .decimal(let d)?: s = d
        case .double(let d)?: s = String(d)
        case .bool(let b)?: s = b ? "true" : "false"
        case .timestamp(let t)?: s = t.rfc3339
        case .bytes?: return nil
        }
        return s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : s
    }
}

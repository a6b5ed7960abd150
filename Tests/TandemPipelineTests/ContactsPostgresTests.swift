import Foundation
import TandemCore
import TandemPostgres
import TandemSinks
import TandemSources
import XCTest
@testable import TandemPipeline

/// Contacts in a PostgreSQL legacy store (issue 15): read through the mapping, as from SQLite.
final class ContactsPostgresTests: XCTestCase {
    func testContactsAreReadFromAPostgresLegacyStoreThroughTheMapping() throws {
        guard let base = ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (scripts/postgres start)")
        }
        let admin = try PostgresConnection(conninfo: base, redactor: PostgresRedactor(conninfo: base))
        let name = "contacts_" + UUID().uuidString.prefix(8).lowercased()
        try admin.query("CREATE DATABASE \(name)")
        addTeardownBlock { _ = try? admin.query("DROP DATABASE \(name) WITH (FORCE)"); admin.close() }
        var url = try XCTUnwrap(URLComponents(string: base))
        url.path = "/" + name
        let legacyURI = try XCTUnwrap(url.string)
        let legacy = try PostgresConnection(conninfo: legacyURI, redactor: PostgresRedactor(conninfo: legacyURI))
        defer { legacy.close() }
        // No primary key: a contacts table need not have one (nothing is written, rows are only read).
        try legacy.query("CREATE TABLE customers (company text, email text, name text, lang text, password_hash text)")
        try legacy.query("""
            INSERT INTO customers VALUES ('acme', '  Boss@ACME.Test ', 'Ana', 'ES', 'h'), ('acme', NULL, 'Bob', 'en', 'h'),
                                         ('globex', 'ceo@globex.test', 'Gus', NULL, 'h')
            """)
        let mapping = try Mapping.parse(Data((#"{"entities": {"customers": {"tenant": "company", "primaryKey": ["tenant", "name"], "columns": {"company": {"rename": "tenant"}, "#
            + #""email": {"transforms": ["trim", "lower"]}, "password_hash": {"drop": true}}}}}"#).utf8))
        let notify = DaemonConfig.Notify(contacts: .init(entity: "customers", tenant: "company", email: "email", name: "name", locale: "lang"),
                                         leadTime: ISODuration("P14D")!, templates: "/nonexistent", defaultLocale: "en", actions: [],
                                         statusPage: "https://status.example/")
        let spec = try SinkSpec.parse(legacyURI)

        let acme = try Contacts.read(notify: notify, legacy: spec, mapping: mapping, tenants: ["acme"])
        XCTAssertEqual(acme, [Contact(tenant: "acme", email: nil, name: "Bob", locale: "en", problem: nil),
                              Contact(tenant: "acme", email: "boss@acme.test", name: "Ana", locale: "es", problem: nil)])
        let all = try Contacts.read(notify: notify, legacy: spec, mapping: mapping)
        XCTAssertEqual(all.map(\.tenant), ["acme", "acme", "globex"])
        XCTAssertEqual(all.last, Contact(tenant: "globex", email: "ceo@globex.test", name: "Gus", locale: nil, problem: nil))
        // The legacy columns a plan looks at to suggest actions (the dropped password hash) come from PostgreSQL too.
        XCTAssertEqual(Notifier.legacyColumns(legacy: spec, mapping: mapping)["customers"]?.sorted(),
                       ["company", "email", "lang", "name", "password_hash"])

        // A configured column the table lacks is one line naming it, the store without its password.
        var wrong = notify
        wrong.contacts.locale = "locale"
        XCTAssertThrowsError(try Contacts.read(notify: wrong, legacy: spec, mapping: mapping)) {
            XCTAssertTrue("\($0)".hasSuffix("table customers has no column locale (config notify.contacts)"), "\($0)")
        }
    }
}

import Foundation
import TandemAudit
import TandemCore
import TandemSQLite
import XCTest

/// The audit of a generated legacy database finds every planted problem with its exact count, and nothing in
/// the clean control table.
final class PlantedAuditTests: XCTestCase {
    var dir = ""
    var path = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "audit-planted-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        path = dir + "/legacy.db"
        try PlantedLegacy.create(at: path)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func audit(tenant: String? = "tenant") throws -> AuditResult {
        var options = AuditOptions()
        options.tenantColumn = tenant
        return try Auditor(store: try SQLiteAuditStore(path: path), options: options).run()
    }

    func testEveryPlantedProblemIsFoundWithItsExactCount() throws {
        let r = try audit()
        let found = Set(r.findings.map { "\($0.kind.rawValue) \($0.entity).\($0.column ?? "") \($0.count)" })
        let expected: Set<String> = [
            "invalid values customers.email \(PlantedLegacy.invalidEmails.count)",
            "whitespace/case drift customers.name \(PlantedLegacy.strayWhitespace.count)",
            "whitespace/case drift customers.country \(PlantedLegacy.lowerCountry.count)",
            "mixed formats customers.signup 80",
            "zombie column customers.fax 0",
            "type drift customers.credit \(PlantedLegacy.textCredit.count)",
            "custom setting customers.loyalty_code \(PlantedLegacy.loyaltyRows)",
            "custom setting customers.newsletter \(PlantedLegacy.newsletterRows)",
            "invalid values customers.note \(PlantedLegacy.badUTF8.count)",
            "duplicates under normalisation customers.code \(PlantedLegacy.duplicateCodes.count)",
            "whitespace/case drift customers.code \(PlantedLegacy.duplicateCodes.count)",
            "orphans orders.customer_id \(PlantedLegacy.orphanOrders.count)",
        ]
        XCTAssertEqual(found.subtracting(expected).sorted(), [], "unexpected findings")
        XCTAssertEqual(expected.subtracting(found).sorted(), [], "missed findings")
        XCTAssertFalse(r.findings.contains { $0.entity == "products" }, "the clean control table has no finding")

        // Examples are keys of affected rows, at most five, never values.
        let email = try XCTUnwrap(r.findings.first { $0.kind == .invalidValues && $0.column == "email" })
        XCTAssertEqual(email.examples, ["5", "34", "63", "92", "121"])
        let orphans = try XCTUnwrap(r.findings.first { $0.kind == .orphans })
        XCTAssertEqual(orphans.examples, ["3", "50", "99", "150", "201"])
        let dup = try XCTUnwrap(r.findings.first { $0.kind == .duplicates })
        XCTAssertEqual(dup.examples, ["150", "160"])
        let signup = try XCTUnwrap(r.findings.first { $0.kind == .mixedFormats })
        XCTAssertEqual(signup.detail, "signup is written in 3 date formats: %Y-%m-%d ×120, %d.%m.%Y ×60, %m/%d/%Y ×20")
        let custom = try XCTUnwrap(r.findings.first { $0.kind == .customSetting && $0.column == "loyalty_code" })
        XCTAssertEqual(custom.byTenant.keys.sorted(), ["t03", "t07"])
        let newsletter = try XCTUnwrap(r.findings.first { $0.kind == .customSetting && $0.column == "newsletter" })
        XCTAssertEqual(newsletter.byTenant.keys.sorted(), ["t05", "t09"])
        XCTAssertEqual(newsletter.detail, "newsletter is set away from its default 0 by 2 of 20 tenants (tenants: t05, t09)")
        // Worst first.
        XCTAssertEqual(r.findings.first?.severity, .high)
        XCTAssertEqual(r.findings.last?.severity, .low)
    }

    func testProfileNumbers() throws {
        let r = try audit(tenant: nil)
        let customers = try XCTUnwrap(r.entities.first { $0.info.name == "customers" })
        XCTAssertEqual(customers.rows, PlantedLegacy.customers)
        let byName = Dictionary(uniqueKeysWithValues: customers.columns.map { ($0.name, $0) })
        let email = try XCTUnwrap(byName["email"])
        XCTAssertEqual(email.patterns[.email], PlantedLegacy.customers - PlantedLegacy.invalidEmails.count)
        XCTAssertEqual(email.distinct, PlantedLegacy.customers)
        XCTAssertEqual(byName["fax"]?.nulls, PlantedLegacy.customers)
        XCTAssertEqual(byName["note"]?.invalidUTF8, PlantedLegacy.badUTF8.count)
        XCTAssertEqual(byName["country"]?.distinct, 6)
        XCTAssertEqual(byName["country"]?.topValues(1).first?.count, 66)
        XCTAssertEqual(byName["credit"]?.inferred.type, .int)
        XCTAssertEqual(byName["signup"]?.inferred.type, .timestamp)
        XCTAssertEqual(byName["name"]?.outerWhitespace, PlantedLegacy.strayWhitespace.count)
        let orders = try XCTUnwrap(r.entities.first { $0.info.name == "orders" })
        XCTAssertEqual(orders.info.references, [.init(column: "customer_id", table: "customers", referencedColumn: "id", declared: false)])
        // Without a tenant column there is no ranking and no custom setting.
        XCTAssertTrue(r.tenants.isEmpty)
        XCTAssertFalse(r.findings.contains { $0.kind == .customSetting })
    }

    func testTenantsAreRankedLowestRiskFirstWithTheirParts() throws {
        let r = try audit()
        XCTAssertEqual(r.tenants.count, 20)
        XCTAssertEqual(r.tenants.map(\.risk), r.tenants.map(\.risk).sorted())
        let t03 = try XCTUnwrap(r.tenants.first { $0.tenant == "t03" })
        XCTAssertEqual(t03.customSettings, ["customers.loyalty_code"])
        XCTAssertEqual(r.tenants.first { $0.tenant == "t05" }?.customSettings, ["customers.newsletter"])
        for t in r.tenants {
            XCTAssertEqual(t.risk, (t.parts.reduce(0) { $0 + $1.points } * 10).rounded() / 10, accuracy: 0.05)
        }
        // A tenant with a custom setting ranks after every tenant with the same rows and no findings.
        let clean = r.tenants.filter { $0.rowsWithFindings == 0 && $0.customSettings.isEmpty }
        if let worstClean = clean.map(\.risk).max() { XCTAssertGreaterThan(t03.risk, worstClean) }
    }

    func testSampleReadsAboutNRowsSpreadOverTheTableAndSkipsKeyChecks() throws {
        var options = AuditOptions()
        options.sample = 50
        options.entities = ["customers", "orders"]
        let r = try Auditor(store: try SQLiteAuditStore(path: path), options: options).run()
        XCTAssertEqual(r.entities.map(\.info.name), ["customers", "orders"])
        XCTAssertEqual(r.entities.map(\.rows), [50, 50])
        let ids = try XCTUnwrap(r.entities[0].columns.first { $0.name == "id" })
        XCTAssertEqual(ids.min?.display, "4", "every 4th row of 200, not the first 50")
        XCTAssertEqual(ids.max?.display, "200")
        XCTAssertFalse(r.findings.contains { $0.kind == .orphans || $0.kind == .duplicates }, "a sample cannot say which keys are missing")
        var json: [UInt8] = []
        AuditReport.json(r).write(into: &json)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"sample\":50"))
    }

    func testATableWithoutAKeyNamesRowsByRowid() throws {
        let db = try Database(path: dir + "/nokey.db")
        try db.execute("""
            CREATE TABLE log (at TEXT, message TEXT, legacy TEXT);
            INSERT INTO log VALUES ('2020-01-01', 'start', NULL), ('2020-01-02', ' stop', NULL), ('2020-01-03', 'start', NULL);
            """)
        db.close()
        let r = try Auditor(store: try SQLiteAuditStore(path: dir + "/nokey.db"), options: AuditOptions()).run()
        XCTAssertEqual(r.findings.map { "\($0.kind.rawValue) \($0.column ?? "") \($0.count) \($0.examples)" },
                       ["whitespace/case drift message 1 [\"rowid=2\"]", "zombie column legacy 0 []"])
    }
}

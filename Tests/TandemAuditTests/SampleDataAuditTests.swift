import Foundation
import TandemAudit
import TandemSQLite
import XCTest

/// Audits of real sample data (extracts of Chinook and Northwind, Tests/TandemAuditTests/Fixtures): the trash
/// they really hold is found with exact counts and keys, and nothing else is reported.
final class SampleDataAuditTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "audit-sample-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func load(_ fixture: String) throws -> String {
        let path = dir + "/\(fixture).db"
        let db = try Database(path: path)
        try db.execute(try String(contentsOf: Self.fixtures.appendingPathComponent("\(fixture).sql"), encoding: .utf8))
        db.close()
        return path
    }

    func audit(_ path: String, tenant: String) throws -> AuditResult {
        var options = AuditOptions()
        options.tenantColumn = tenant
        return try Auditor(store: try SQLiteAuditStore(path: path), options: options).run()
    }

    func lines(_ r: AuditResult) -> [String] {
        r.findings.map { "\($0.kind.rawValue) \($0.entity).\($0.column ?? "") \($0.count) \($0.examples.joined(separator: ","))" }
    }

    func testChinook() throws {
        let r = try audit(try load("chinook-extract"), tenant: "CustomerId")
        XCTAssertEqual(lines(r), [
            "whitespace/case drift Invoice.BillingCity 2 20,141",  // "Edinburgh " as billed
            "whitespace/case drift Customer.City 1 54",            // "Edinburgh "
        ])
        XCTAssertEqual(r.entities.map(\.rows), [59, 8, 150])
        let invoice = try XCTUnwrap(r.entities.first { $0.info.name == "Invoice" })
        XCTAssertEqual(invoice.info.references.map(\.table), ["Customer"])
        let customer = try XCTUnwrap(r.entities.first { $0.info.name == "Customer" })
        let email = try XCTUnwrap(customer.columns.first { $0.name == "Email" })
        XCTAssertEqual(email.patterns[.email], 59)
        XCTAssertEqual(r.tenants.last?.tenant, "54", "the customer in Edinburgh has findings in every row")
        XCTAssertEqual(r.tenants.count, 59)
    }

    func testNorthwind() throws {
        let r = try audit(try load("northwind-extract"), tenant: "CustomerID")
        XCTAssertEqual(lines(r), [
            "orphans Orders.EmployeeID 120 10248,10249,10250,10251,10252",  // its table is not in the extract
            "whitespace/case drift Customers.CustomerID 1 Val2 ",
            "whitespace/case drift Suppliers.ContactName 1 5",
            "whitespace/case drift Suppliers.Country 1 9",
        ])
        XCTAssertTrue(r.findings[0].detail.hasSuffix("(the table Employees does not exist)"))
        let suppliers = try XCTUnwrap(r.entities.first { $0.info.name == "Suppliers" })
        let phone = try XCTUnwrap(suppliers.columns.first { $0.name == "Phone" })
        XCTAssertEqual(phone.dominantPattern, .phone, "8-digit numbers without separators count as phones in a phone column")
    }
}

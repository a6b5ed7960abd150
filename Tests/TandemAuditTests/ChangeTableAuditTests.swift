import Foundation
import TandemAudit
import TandemCore
import TandemSQLite
import XCTest

/// A SQLite source with Tandem's change table: the audit says when columns were last written, by which
/// tenants, and ranks busy tenants as riskier.
final class ChangeTableAuditTests: XCTestCase {
    func testChangeTableTellsWhenColumnsWereWrittenAndByWhom() throws {
        let dir = NSTemporaryDirectory() + "audit-changes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/legacy.db"
        try PlantedLegacy.create(at: path)
        let install = try Tool.run(Tool.tandem, ["source", "install-triggers", "--db", path, "--tables", "customers"])
        XCTAssertEqual(install.status, 0, install.stderr)
        let db = try Database(path: path)
        // Tenant t01 renames its customers (ids 20, 40, … : i % 20 == 0); nobody touches email.
        try db.execute("UPDATE customers SET name = 'Renamed ' || id WHERE tenant = 't01'")
        try db.execute("UPDATE customers SET country = country WHERE id = 1")  // writes nothing new
        db.close()

        var options = AuditOptions()
        options.tenantColumn = "tenant"
        let r = try Auditor(store: try SQLiteAuditStore(path: path), options: options).run()
        XCTAssertEqual(r.changeLog?.changes, PlantedLegacy.customers / 20 + 1)
        let customers = try XCTUnwrap(r.entities.first { $0.info.name == "customers" })
        let writes = try XCTUnwrap(customers.writes)
        XCTAssertEqual(writes["name"]?.writes, PlantedLegacy.customers / 20)
        XCTAssertEqual(writes["name"]?.tenants, ["t01"])
        XCTAssertNil(writes["email"], "never written since the triggers were installed")
        XCTAssertNil(writes["country"], "an update to the same value writes nothing")
        let t01 = try XCTUnwrap(r.tenants.first { $0.tenant == "t01" })
        XCTAssertEqual(t01.parts.first { $0.name == "writeRate" }?.points, 10, "the busiest tenant")
        XCTAssertEqual(r.tenants.first { $0.tenant == "t05" }?.parts.first { $0.name == "writeRate" }?.points, 0)
        XCTAssertFalse(r.entities.contains { $0.info.name == "_tandem_changes" }, "Tandem's own table is not audited")
        XCTAssertFalse(r.findings.contains { $0.kind == .zombieColumn && $0.column != "fax" },
                       "columns unwritten since the triggers went in minutes ago are not zombies")
    }
}

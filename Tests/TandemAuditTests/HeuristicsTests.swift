import Foundation
import TandemAudit
import TandemCore
import TandemSQLite
import XCTest

/// Planted problems in other shapes than PlantedLegacy's: a badly broken email column, a text setting with
/// a default, a natural key without a constraint, two-digit years.
final class HeuristicsTests: XCTestCase {
    func testOtherShapesOfPlantedProblems() throws {
        let dir = NSTemporaryDirectory() + "audit-heur-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try Database(path: dir + "/legacy.db")
        try db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, tenant TEXT, login TEXT NOT NULL, contact_email TEXT, plan TEXT, opened TEXT)")
        let st = try db.prepare("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)")
        try db.transaction {
            for i in 1...100 {
                let tenant = String(format: "t%02d", i % 20 + 1)
                try st.bind(Int64(i), at: 1)
                try st.bind(tenant, at: 2)
                try st.bind(i == 77 ? "User7" : "user\(i)", at: 3)                       // "User7" repeats "user7" but for case
                try st.bind(i % 10 < 4 ? "call me" : "u\(i)@example.org", at: 4)        // 40 % not emails
                try st.bind(tenant == "t04" || tenant == "t11" ? "premium" : "standard", at: 5)
                try st.bind(i % 2 == 0 ? String(format: "%02d.%02d.19", 1 + i % 28, 1 + i % 12) : String(format: "2019-%02d-%02d", 1 + i % 12, 1 + i % 28), at: 6)
                try st.execute()
            }
        }
        // 99.75 % null: a zombie, though the one stray value comes from one tenant of 20.
        try db.execute("""
            CREATE TABLE devices (id INTEGER PRIMARY KEY, tenant TEXT, pager TEXT, weight INTEGER);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
            INSERT INTO devices SELECT i, printf('t%02d', i % 20 + 1), CASE WHEN i = 123 THEN '555-0199' END,
              CASE WHEN i % 3 = 0 THEN 'heavy' ELSE i END FROM n;
            """)  // weight: a third of it text in an INTEGER column
        db.close()
        var options = AuditOptions()
        options.tenantColumn = "tenant"
        let r = try Auditor(store: try SQLiteAuditStore(path: dir + "/legacy.db"), options: options).run()
        XCTAssertEqual(Set(r.findings.map { "\($0.kind.rawValue) \($0.column ?? "") \($0.count)" }), [
            "invalid values contact_email 40",
            "custom setting plan 10",
            "duplicates under normalisation login 1",
            "whitespace/case drift login 1",
            "mixed formats opened 50",
            "zombie column pager 1",
            "type drift weight 133",
        ])
        XCTAssertEqual(r.findings.first { $0.kind == .zombieColumn }?.detail, "pager is null or empty in 99.8 % of 400 rows (the rest from 1 tenant)")
        let plan = try XCTUnwrap(r.findings.first { $0.kind == .customSetting })
        XCTAssertEqual(plan.detail, "plan is set away from its default standard by 2 of 20 tenants (tenants: t04, t11)")
        let opened = try XCTUnwrap(r.findings.first { $0.kind == .mixedFormats })
        XCTAssertTrue(opened.detail.hasSuffix("%Y-%m-%d ×50, %d.%m.%y ×50"), opened.detail)
        XCTAssertEqual(r.findings.first { $0.kind == .duplicates }?.examples, ["77"])
    }
}

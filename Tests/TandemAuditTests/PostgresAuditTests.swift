import Foundation
import TandemAudit
import TandemCore
import TandemPostgres
import TandemSQLite
import XCTest

/// The same planted data audited in SQLite and in PostgreSQL gives the same profile and the same findings.
final class PostgresAuditTests: XCTestCase {
    /// A fresh database in the test cluster (TANDEM_TEST_POSTGRES, started by scripts/postgres), as a URI.
    func freshDatabase() throws -> String {
        let env = ProcessInfo.processInfo.environment
        guard let base = env["TANDEM_TEST_POSTGRES"], !base.isEmpty else {
            if env["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true: run scripts/test") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set (run `eval \"$(scripts/postgres start)\"` or scripts/test)")
        }
        let admin = try PostgresConnection(conninfo: base, redactor: try PostgresRedactor(conninfo: base))
        defer { admin.close() }
        let name = "audit_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try admin.query("CREATE DATABASE \(name)")
        addTeardownBlock { _ = try? admin.query("DROP DATABASE IF EXISTS \(name)") }
        // The base is a URI: postgres:///tandem_test?host=…; swap the database name.
        guard let slash = base.range(of: "///") ?? base.range(of: "/", options: .backwards) else { return base }
        let rest = base[slash.upperBound...]
        let query = rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(base[..<slash.upperBound]) + name + query
    }

    func summary(_ r: AuditResult) -> [String] {
        var out: [String] = []
        for e in r.entities {
            for c in e.columns {
                let top = c.topValues(3).map { "\($0.value)×\($0.count)" }.joined(separator: ",")
                out.append("\(e.info.name).\(c.name) rows \(c.rows) nulls \(c.nulls) empties \(c.empties) distinct \(c.distinct) type \(c.inferred.type) notFitting \(c.inferred.notFitting) patterns \(c.patterns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }) dates \(c.dateFormats.map { "\($0.format)=\($0.count)" }) ws \(c.outerWhitespace) longest \(c.longest) min \(c.min?.display ?? "-") max \(c.max?.display ?? "-") top \(top)")
            }
        }
        out += r.findings.map { "\($0.kind.rawValue) \($0.entity).\($0.column ?? "") \($0.count) \($0.examples)" }
        out += r.tenants.map { "\($0.tenant) \($0.risk)" }
        return out
    }

    func testSameDataInSQLiteAndPostgresGivesTheSameProfile() throws {
        let uri = try freshDatabase()
        let sql = PlantedLegacy.portableSQL()
        let pg = try PostgresConnection(conninfo: uri, redactor: try PostgresRedactor(conninfo: uri))
        try pg.query(sql)
        pg.close()
        let dir = NSTemporaryDirectory() + "audit-pg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try Database(path: dir + "/legacy.db")
        try db.execute(sql)
        db.close()

        var options = AuditOptions()
        options.tenantColumn = "tenant"
        let fromSQLite = try Auditor(store: try SQLiteAuditStore(path: dir + "/legacy.db"), options: options).run()
        let fromPostgres = try Auditor(store: try PostgresAuditStore(conninfo: uri), options: options).run()
        XCTAssertEqual(fromPostgres.entities.map(\.rows), [PlantedLegacy.customers, PlantedLegacy.orders, 50])
        let a = summary(fromSQLite), b = summary(fromPostgres)
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y) }
        XCTAssertEqual(fromPostgres.findings.count, 10, "the planted findings but invalid UTF-8")
        XCTAssertFalse(fromPostgres.source.contains("password"))
    }

    func testUnreachableServerIsExit69WithoutThePassword() throws {
        let r = try Tool.run(Tool.tandem, ["audit", "--source", "postgres://bob:s3cret@127.0.0.1:1/legacy?connect_timeout=2", "--out", NSTemporaryDirectory() + "audit-pg-none"])
        XCTAssertEqual(r.status, 69)
        XCTAssertTrue(r.stderr.hasPrefix("tandem: audit: cannot reach postgres://bob@127.0.0.1:1/legacy: "), r.stderr)
        XCTAssertFalse(r.stderr.contains("s3cret"))
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
    }
}

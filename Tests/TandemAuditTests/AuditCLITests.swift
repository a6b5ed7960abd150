import Foundation
import XCTest

/// `tandem audit` as an operator runs it: exit codes, the terminal summary, report.json, and report.html
/// rendered by a real headless chromium.
final class AuditCLITests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "audit-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try PlantedLegacy.create(at: dir + "/legacy.db")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func report() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/report.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testAuditWritesTheReportAndPrintsWorstFindingsFirst() throws {
        let r = try Tool.run(Tool.tandem, ["audit", "--source", "sqlite:\(dir)/legacy.db", "--out", dir + "/out",
                                           "--tenant-column", "tenant", "--tenants"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("audit sqlite:\(dir)/legacy.db: 3 entities, 550 rows, 12 finding(s)"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("  high"), lines[1])
        XCTAssertTrue(r.stdout.contains("  low    zombie column: customers.fax: 0 row(s)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("1. t"), "the tenant ranking is printed")

        let json = try report()
        XCTAssertEqual(json["version"] as? Int, 1)
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.count, 12)
        let email = try XCTUnwrap(findings.first { $0["column"] as? String == "email" })
        XCTAssertEqual(email["count"] as? Int, 7)
        XCTAssertEqual(email["examples"] as? [String], ["5", "34", "63", "92", "121"])
        let tenants = try XCTUnwrap(json["tenants"] as? [[String: Any]])
        XCTAssertEqual(tenants.count, 20)
        let risks = tenants.compactMap { $0["risk"] as? Double }
        XCTAssertEqual(risks, risks.sorted(), "tenants lowest risk first")
        XCTAssertNotNil(tenants[0]["parts"] as? [String: Double])
    }

    func testReportPageRendersInHeadlessChromium() throws {
        let audit = try Tool.run(Tool.tandem, ["audit", "--source", "sqlite:\(dir)/legacy.db", "--out", dir + "/out", "--tenant-column", "tenant"])
        XCTAssertEqual(audit.status, 0, audit.stderr)
        guard let chromium = Tool.chromium else {
            return XCTFail("chromium is not installed: scripts/setup installs it (apt-get install chromium)")
        }
        let page = "file://\(dir)/out/report.html"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(dir)/profile",
                      "--enable-logging=stderr", "--v=0"]
        let dom = try Tool.run(chromium, common + ["--dump-dom", page])
        XCTAssertEqual(dom.status, 0, dom.stderr)
        let findings = try XCTUnwrap(try report()["findings"] as? [[String: Any]])
        XCTAssertEqual(dom.stdout.components(separatedBy: "<tr class=\"finding ").count - 1, findings.count, "one row per finding")
        XCTAssertTrue(dom.stdout.contains("data-findings=\"\(findings.count)\""))
        XCTAssertEqual(dom.stdout.components(separatedBy: "<tr class=\"tenant\"").count - 1, 20)
        XCTAssertTrue(dom.stdout.contains("<svg id=\"tenant-risk-chart\""))
        XCTAssertFalse(dom.stdout.contains("http://") && dom.stdout.range(of: #"(src|href)="https?://"#, options: .regularExpression) != nil,
                       "no external asset")
        XCTAssertFalse(dom.stderr.contains(":CONSOLE"), "no console message: \(dom.stderr)")

        let shot = dir + "/shot.png"
        let s = try Tool.run(chromium, common + ["--screenshot=\(shot)", "--window-size=1280,1600", page])
        XCTAssertEqual(s.status, 0, s.stderr)
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        XCTAssertGreaterThan(png.count, 10_000)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertFalse(s.stderr.contains(":CONSOLE"), "no console message: \(s.stderr)")
    }

    func testBadInputIsOneLineAndASysexitsCode() throws {
        let missing = try Tool.run(Tool.tandem, ["audit", "--source", "sqlite:\(dir)/nope.db", "--out", dir + "/out"])
        XCTAssertEqual(missing.status, 66)
        XCTAssertEqual(missing.stderr, "tandem: audit: \(dir)/nope.db: no such database; hint: check the PATH of sqlite:PATH\n")
        let entity = try Tool.run(Tool.tandem, ["audit", "--source", "sqlite:\(dir)/legacy.db", "--out", dir + "/out", "--entities", "clients"])
        XCTAssertEqual(entity.status, 64)
        XCTAssertEqual(entity.stderr, "tandem: audit: no entity \"clients\" in sqlite:\(dir)/legacy.db; it has customers, orders, products\n")
        let spec = try Tool.run(Tool.tandem, ["audit", "--source", "oracle:x", "--out", dir + "/out"])
        XCTAssertEqual(spec.status, 64)
        XCTAssertEqual(spec.stderr.split(separator: "\n").count, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/out"), "nothing written on a refusal")
    }

    /// Every field report.json has is described in schemas/audit-report.schema.json, and every required one is there.
    func testReportFieldsAreTheSchemasFields() throws {
        let r = try Tool.run(Tool.tandem, ["audit", "--source", "sqlite:\(dir)/legacy.db", "--out", dir + "/out", "--tenant-column", "tenant"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("schemas/audit-report.schema.json"))) as? [String: Any])
        let defs = try XCTUnwrap(schema["$defs"] as? [String: [String: Any]])
        func check(_ object: [String: Any], _ def: [String: Any], _ what: String) {
            let properties = (def["properties"] as? [String: Any]) ?? [:]
            for key in object.keys { XCTAssertNotNil(properties[key], "\(what).\(key) is not in the schema") }
            for key in (def["required"] as? [String]) ?? [] { XCTAssertNotNil(object[key], "\(what).\(key) is required") }
        }
        let json = try report()
        check(json, schema, "report")
        for e in json["entities"] as? [[String: Any]] ?? [] {
            check(e, defs["entity"]!, "entity")
            for c in e["columns"] as? [[String: Any]] ?? [] { check(c, defs["column"]!, "column") }
        }
        for f in json["findings"] as? [[String: Any]] ?? [] { check(f, defs["finding"]!, "finding") }
        let tenants = json["tenants"] as? [[String: Any]] ?? []
        XCTAssertFalse(tenants.isEmpty)
        for t in tenants { check(t, defs["tenant"]!, "tenant") }
    }
}

import Foundation
import TandemAudit
import TandemCore
import TandemSources
import TandemSQLite
import XCTest

/// The drafted mapping loads, and a dry run of it quarantines exactly the planted rows a mapping can catch.
final class MappingDraftTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "audit-draft-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try PlantedLegacy.create(at: dir + "/legacy.db")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func testDraftedMappingDryRunQuarantinesExactlyThePlantedBadRows() throws {
        let r = try Tool.run(Tool.tandem, ["audit", "--source", "sqlite:\(dir)/legacy.db", "--out", dir + "/out",
                                           "--tenant-column", "tenant", "--draft-mapping"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let mapping = try Mapping.load(path: dir + "/out/mapping.json")
        let customers = try XCTUnwrap(mapping.entities["customers"])
        XCTAssertNil(customers.columns["fax"]?.target, "the zombie column is dropped")
        XCTAssertEqual(customers.tenantColumn, "tenant")

        let d = try Tool.run(Tool.tandem, ["audit", "--source", "sqlite:\(dir)/legacy.db", "--out", dir + "/out",
                                           "--mapping", dir + "/out/mapping.json", "--dry-run"])
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertTrue(d.stdout.hasPrefix("dry run: 550 rows, 540 would migrate, 10 would be quarantined\n"), d.stdout)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/dry-run.json"))) as? [String: Any])
        let entities = try XCTUnwrap(json["entities"] as? [[String: Any]])
        let c = try XCTUnwrap(entities.first { $0["entity"] as? String == "customers" })
        XCTAssertEqual(c["byRule"] as? [String: Int], ["regex on email": PlantedLegacy.invalidEmails.count, "type on credit": PlantedLegacy.textCredit.count])
        let examples = try XCTUnwrap(c["examples"] as? [String: [String]])
        XCTAssertEqual(Set(examples["regex on email"] ?? []), Set(["5", "34", "63", "92", "121"]))
        XCTAssertEqual(Set(examples["type on credit"] ?? []), Set(PlantedLegacy.textCredit.map(String.init)))
        let byTenant = try XCTUnwrap(c["byTenant"] as? [String: Int])
        let expected = Dictionary((PlantedLegacy.invalidEmails.union(PlantedLegacy.textCredit)).map { (PlantedLegacy.tenant($0), 1) }, uniquingKeysWith: +)
        XCTAssertEqual(byTenant, expected)
        for e in entities where e["entity"] as? String != "customers" { XCTAssertEqual(e["quarantined"] as? Int, 0) }
    }

    func testParseTimestampTriesSeveralPatternsAndWhyIsAccepted() throws {
        let m = try Mapping.parse(Data("""
            {"entities": {"c": {"columns": {"signup": {"transforms": [{"parseTimestamp": ["%Y-%m-%d", "%d.%m.%Y"]}], "why": "mixed formats"},
                                            "fax": {"drop": true, "why": "zombie"}}}}}
            """.utf8))
        func signup(_ s: String) -> MappingOutcome {
            m.apply(Event(entity: "c", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "signup": .string(s)]))
        }
        guard case .event(let a) = signup("2019-03-05"), case .event(let b) = signup("05.03.2019") else { return XCTFail("both formats parse") }
        XCTAssertEqual(a.after?["signup"], b.after?["signup"])
        guard case .rejected(let r) = signup("03/05/2019") else { return XCTFail("a third format is rejected") }
        XCTAssertEqual(r.reason, "\"03/05/2019\" does not match the time format %Y-%m-%d or %d.%m.%Y")
        XCTAssertThrowsError(try Mapping.parse(Data(#"{"entities": {"c": {"columns": {"x": {"transforms": [{"parseTimestamp": []}]}}}}}"#.utf8)))
    }

    func testDraftedMappingRunForRealKeepsExactlyTheCleanRows() throws {
        let db = dir + "/legacy.db"
        func tandem(_ args: [String]) throws -> ToolResult {
            let r = try Tool.run(Tool.tandem, args)
            XCTAssertEqual(r.status, 0, "tandem \(args.joined(separator: " ")): \(r.stderr)")
            return r
        }
        _ = try tandem(["audit", "--source", "sqlite:\(db)", "--out", dir + "/out", "--tenant-column", "tenant", "--draft-mapping"])
        _ = try tandem(["source", "install-triggers", "--db", db, "--tables", "customers,orders,products"])
        _ = try tandem(["snapshot", "--source", "sqlite-changelog:\(db)", "--journal", dir + "/journal", "--mapping", dir + "/out/mapping.json"])
        _ = try tandem(["replay", "--journal", dir + "/journal", "--into", "sqlite:\(dir)/new.db"])
        let store = try Database(path: dir + "/new.db", mode: .readOnly)
        defer { store.close() }
        func ids(_ table: String) throws -> Set<Int64> {
            let st = try store.prepare("SELECT id FROM \(table)")
            var out = Set<Int64>()
            while try st.step() { out.insert(st.int64(0)) }
            return out
        }
        let bad = PlantedLegacy.invalidEmails.union(PlantedLegacy.textCredit).map(Int64.init)
        XCTAssertEqual(try ids("customers"), Set((1...Int64(PlantedLegacy.customers)).filter { !bad.contains($0) }))
        XCTAssertEqual(try ids("orders").count, PlantedLegacy.orders)
        XCTAssertEqual(try ids("products").count, 50)
        // The rules were applied on the way: trimmed, lower-cased, parsed.
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM customers WHERE name <> trim(name) OR country <> lower(country)"), .int(0))
        XCTAssertEqual(try store.scalar("SELECT count(*) FROM pragma_table_info('customers') WHERE name = 'fax'"), .int(0), "the zombie is dropped")
        let q = try tandem(["quarantine", "list", "--journal", dir + "/journal", "--json"])
        XCTAssertEqual(q.stdout.split(separator: "\n").count, bad.count)
    }
}

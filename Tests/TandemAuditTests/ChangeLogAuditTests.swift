import Foundation
import TandemAudit
import TandemCore
import TandemSQLite
import XCTest

/// A change log (jsonl, Tandem events) is audited as the state it leads to, and says when columns were written.
final class ChangeLogAuditTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "audit-log-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    /// The rows of the portable planted database as insert events, one JSON line each.
    func changeLog(of db: Database) throws -> String {
        var out = ""
        for table in ["customers", "orders", "products"] {
            let st = try db.prepare("SELECT * FROM \(table) ORDER BY id")
            while try st.step() {
                var row = Row()
                for i in 0..<st.columnCount { row.appendUnchecked(st.columnName(i), st.value(at: i)) }
                let e = Event(committedAt: Timestamp(microseconds: 1_600_000_000_000_000), entity: table,
                              key: ["id": row["id"]!], op: .insert, after: row)
                out += EventJSON.string(e) + "\n"
            }
        }
        return out
    }

    func profile(_ r: AuditResult) -> [String] {
        r.entities.flatMap { e in
            e.columns.map { c in
                "\(e.info.name).\(c.name) rows \(c.rows) nulls \(c.nulls) empties \(c.empties) distinct \(c.distinct) type \(c.inferred.type) \(c.inferred.notFitting) patterns \(c.patterns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }) dates \(c.dateFormats.map { "\($0.format)=\($0.count)" }) ws \(c.outerWhitespace) longest \(c.longest) min \(c.min?.display ?? "-") max \(c.max?.display ?? "-") top \(c.topValues(3).map { "\($0.value)×\($0.count)" })"
            }
        }
    }

    func testAChangeLogOfTheDataGivesTheSameProfileAsTheDatabase() throws {
        let db = try Database(path: dir + "/legacy.db")
        try db.execute(PlantedLegacy.portableSQL())
        try changeLog(of: db).write(toFile: dir + "/changes.jsonl", atomically: true, encoding: .utf8)
        db.close()
        var options = AuditOptions()
        options.tenantColumn = "tenant"
        let fromDB = try Auditor(store: try SQLiteAuditStore(path: dir + "/legacy.db"), options: options).run()
        let fromLog = try Auditor(store: try ChangeLogAuditStore(spec: "jsonl:\(dir)/changes.jsonl?format=tandem", tenantColumn: "tenant"), options: options).run()
        let a = profile(fromDB), b = profile(fromLog)
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y) }
        // A change log declares no UNIQUE constraint: only the duplicate codes (a unique column) go unseen.
        func findings(_ r: AuditResult) -> [String] { r.findings.filter { $0.kind != .duplicates }.map { "\($0.kind.rawValue) \($0.entity).\($0.column ?? "") \($0.count) \($0.examples)" } }
        XCTAssertEqual(findings(fromDB), findings(fromLog))
        XCTAssertEqual(fromLog.changeLog?.changes, PlantedLegacy.customers + PlantedLegacy.orders + 50)
    }

    func testColumnsUnwrittenFor400DaysAreZombiesAndDeletesAreApplied() throws {
        func event(_ day: String, _ op: ChangeKind, _ id: Int, _ after: Row?) -> String {
            EventJSON.string(Event(committedAt: try! Timestamp(rfc3339: day + "T12:00:00Z"), entity: "accounts", key: ["id": .int(Int64(id))],
                                   op: op, after: after, tenant: "t\(id % 3)")) + "\n"
        }
        var log = ""
        for id in 1...12 {
            log += event("2019-01-0\(1 + id % 5)", .insert, id, ["id": .int(Int64(id)), "name": .string("A\(id)"), "pager": .string("555-01\(id)")])
        }
        for id in 1...12 { log += event("2021-06-01", .update, id, ["id": .int(Int64(id)), "name": .string("B\(id)"), "pager": .string("555-01\(id)")]) }
        log += event("2021-06-02", .delete, 12, nil)
        log += "not json\n"
        try log.write(toFile: dir + "/log.jsonl", atomically: true, encoding: .utf8)

        let store = try ChangeLogAuditStore(spec: "jsonl:\(dir)/log.jsonl", tenantColumn: nil)
        XCTAssertEqual(store.badLines, 1)
        let r = try Auditor(store: store, options: AuditOptions()).run()
        XCTAssertEqual(r.entities.first?.rows, 11, "the deleted row is gone")
        XCTAssertEqual(r.findings.map { "\($0.kind.rawValue) \($0.column ?? "") \($0.count)" }, ["zombie column pager 11"])
        XCTAssertTrue(r.findings[0].detail.hasPrefix("pager was last written 878 days before its table, at 2019-01-05T12:00:00"), r.findings[0].detail)
        let writes = try XCTUnwrap(r.entities.first?.writes)
        XCTAssertEqual(writes["name"]?.writes, 24)
        XCTAssertEqual(writes["pager"]?.writes, 12, "an update that repeats the value does not write it")
        XCTAssertEqual(writes["name"]?.tenants.sorted(), ["t0", "t1", "t2"])
    }

    func testADebeziumLogWithoutKeysIsKeyedByIdAsIngestWouldBe() throws {
        func line(_ op: String, _ before: String, _ after: String) -> String {
            #"{"payload":{"before":\#(before),"after":\#(after),"source":{"connector":"postgresql","db":"shop","schema":"public","table":"customers","ts_ms":1559033904863},"op":"\#(op)","ts_ms":1559033904863}}"# + "\n"
        }
        let log = line("r", "null", #"{"id":1,"email":"anne@example.com"}"#)
            + line("c", "null", #"{"id":2,"email":"bob@example.com"}"#)
            + line("u", #"{"id":1}"#, #"{"id":1,"email":"anne.k@example.com"}"#)
            + line("d", #"{"id":2}"#, "null")
        try log.write(toFile: dir + "/dbz.jsonl", atomically: true, encoding: .utf8)
        let r = try Auditor(store: try ChangeLogAuditStore(spec: "jsonl:\(dir)/dbz.jsonl?format=debezium", tenantColumn: nil),
                            options: AuditOptions()).run()
        XCTAssertEqual(r.source, "jsonl:\(dir)/dbz.jsonl?format=debezium")
        XCTAssertEqual(r.entities.map(\.info.name), ["public.customers"])
        XCTAssertEqual(r.entities[0].info.primaryKey, ["id"])
        XCTAssertEqual(r.entities[0].rows, 1, "the update replaced row 1, the delete removed row 2")
        XCTAssertEqual(r.entities[0].columns.first { $0.name == "email" }?.topValues(1).first?.value, "anne.k@example.com")
        XCTAssertEqual(r.changeLog?.changes, 4)
    }
}

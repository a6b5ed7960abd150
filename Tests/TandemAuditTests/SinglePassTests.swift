import Foundation
@testable import TandemAudit
import TandemCore
import TandemSQLite
import XCTest

/// The single pass on a table with more distinct values than are counted exactly: findings keep exact counts
/// and their first five keys, and duplicate keys under normalisation are ruled out (or not) by the spilled
/// normalised hashes, the store's query running only when they are not.
final class SinglePassTests: XCTestCase {
    static let rows = 5000
    /// Rows whose email is not one (far beyond the first 1024 values).
    static let badEmails = [1500, 2100, 2600, 3100, 3600, 4100, 4600]
    /// Rows with stray white space in the name.
    static let strayNames = [9, 2000, 4999]

    func makeDatabase(_ path: String, duplicateLogin: Int?) throws {
        let db = try Database(path: path)
        try db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, tenant TEXT, login TEXT NOT NULL, email TEXT, name TEXT)")
        let st = try db.prepare("INSERT INTO users VALUES (?, ?, ?, ?, ?)")
        try db.transaction {
            for i in 1...Self.rows {
                try st.bind(Int64(i), at: 1)
                try st.bind("t\(i % 40)", at: 2)
                try st.bind(i == duplicateLogin ? " LOGIN17 " : "login\(i)", at: 3)
                try st.bind(Self.badEmails.contains(i) ? "nobody\(i) at example" : "u\(i)@example.com", at: 4)
                try st.bind(Self.strayNames.contains(i) ? "Name \(i) " : "Name \(i)", at: 5)
                try st.execute()
            }
        }
        db.close()
    }

    func audit(_ path: String) throws -> AuditResult {
        var options = AuditOptions()
        options.tenantColumn = "tenant"
        return try Auditor(store: try SQLiteAuditStore(path: path), options: options).run()
    }

    func testFindingsBeyondTheExactCountsKeepExactCountsFirstKeysAndTenants() throws {
        let dir = NSTemporaryDirectory() + "audit-single-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDatabase(dir + "/clean.db", duplicateLogin: nil)
        let r = try audit(dir + "/clean.db")
        let email = try XCTUnwrap(r.findings.first { $0.kind == .invalidValues && $0.column == "email" })
        XCTAssertEqual(email.count, Self.badEmails.count)
        XCTAssertEqual(email.examples, Self.badEmails.prefix(5).map(String.init))
        XCTAssertEqual(email.byTenant, Dictionary(Self.badEmails.map { ("t\($0 % 40)", 1) }, uniquingKeysWith: +))
        let drift = try XCTUnwrap(r.findings.first { $0.kind == .whitespaceCaseDrift && $0.column == "name" })
        XCTAssertEqual(drift.count, Self.strayNames.count)
        XCTAssertEqual(drift.examples, Self.strayNames.map(String.init))
        XCTAssertFalse(r.findings.contains { $0.kind == .duplicates }, "no login repeats another under normalisation")
        // The pass itself ruled duplicates out for the natural keys, so no grouping query was needed.
        let users = try XCTUnwrap(r.entities.first)
        for name in ["login", "email", "name"] {
            XCTAssertTrue(try XCTUnwrap(users.columns.first { $0.name == name }).noNormalizedDuplicates, name)
        }
    }

    func testADuplicateUnderNormalisationAmongManyValuesIsFoundByTheStore() throws {
        let dir = NSTemporaryDirectory() + "audit-single-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try makeDatabase(dir + "/dup.db", duplicateLogin: 3000)
        let r = try audit(dir + "/dup.db")
        let users = try XCTUnwrap(r.entities.first)
        XCTAssertFalse(try XCTUnwrap(users.columns.first { $0.name == "login" }).noNormalizedDuplicates)
        let dup = try XCTUnwrap(r.findings.first { $0.kind == .duplicates && $0.column == "login" })
        XCTAssertEqual(dup.count, 1)
        XCTAssertEqual(dup.examples, ["3000"])
    }
}

/// The spill's pieces: normalisation eight bytes at a time agrees with byte by byte, and the radix sort sorts.
final class KeySpillTests: XCTestCase {
    func testNormalisedHashIgnoresOuterWhiteSpaceAndASCIICaseOnly() {
        func h(_ s: String) -> UInt64? { var s = s; return s.withUTF8 { KeySpill.normalizedHash(UnsafeRawBufferPointer($0)) } }
        XCTAssertEqual(h("  Customer.Number-0042@Example.COM "), h("customer.number-0042@example.com"))
        XCTAssertEqual(h("ABCDEFGHIJKLMNOPQRSTUVWXYZ[@`{"), h("abcdefghijklmnopqrstuvwxyz[@`{"))
        XCTAssertNotEqual(h("customer number 42"), h("customer number 43"))
        XCTAssertNotEqual(h("[\\]^_ abcdefgh"), h("{|}~\u{7F} abcdefgh"), "only letters are folded")
        XCTAssertNil(h("Ärger im Büro"), "non-ASCII text is left to the store")
    }

    func testRadixSortSorts() {
        var values = (0..<10_000).map { auditHash(UInt64($0)) } + [0, .max, 5, 5]
        let expected = values.sorted()
        KeySpill.radixSort(&values)
        XCTAssertEqual(values, expected)
    }
}

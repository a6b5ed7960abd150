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

    func testDuplicatesAcrossSortedRunsAreFoundByTheMerge() {
        func value(_ i: Int) -> String { "Customer.\(i)@example.com" }
        func spill(_ values: [String]) -> KeySpill {
            let s = KeySpill()
            for v in values { var v = v; v.withUTF8 { s.add(UnsafeRawBufferPointer($0)) } }
            return s
        }
        let distinct = (0..<(KeySpill.runLength * 2 + 100)).map(value)
        XCTAssertEqual(spill(distinct).hasDuplicates(), false, "three runs, no value twice")
        // The repeat lands in the third run and its twin in the first: only the merge sees both.
        XCTAssertEqual(spill(distinct + ["  " + value(7).uppercased()]).hasDuplicates(), true)
        XCTAssertEqual(spill(distinct + ["Ärger"]).hasDuplicates(), nil, "non-ASCII text is left to the store")
    }

    func testHashOfTheLastBytesIsTheByteByByteOne() {
        // The reference: the tail assembled a byte at a time, as the hash was first written.
        func reference(_ b: UnsafeRawBufferPointer) -> UInt64 {
            var h: UInt64 = UInt64(b.count) &* 0x9E37_79B9_7F4A_7C15
            var i = 0
            while i + 8 <= b.count { h = (h ^ mix64(b.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0x9FB2_1C65_1E98_DF25; i += 8 }
            var tail: UInt64 = 0, shift: UInt64 = 0
            while i < b.count { tail |= UInt64(b[i]) << shift; shift += 8; i += 1 }
            return mix64(h ^ mix64(tail ^ 0xD6E8_FEB8_6659_FD93))
        }
        let bytes: [UInt8] = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for n in 0...bytes.count {
            bytes.withUnsafeBytes { all in
                let b = UnsafeRawBufferPointer(rebasing: all[0..<n])
                XCTAssertEqual(auditHash(b), reference(b), "length \(n)")
            }
        }
    }

    func testCharactersAndDigitsCountedAsBefore() {
        func count(_ s: String) -> Int? { var s = s; return s.withUTF8 { ColumnProfiler.scalarCount(UnsafeRawBufferPointer($0)) } }
        for s in ["", "a", "abcdefg", "abcdefgh", "abcdefghi", "Avda. de la Constitución 2222", "ü", "12345678ü", "Straße 1"] {
            XCTAssertEqual(count(s), s.unicodeScalars.count, s)
        }
        XCTAssertNil([0x66, 0xFF, 0x6F].withUnsafeBytes { ColumnProfiler.scalarCount($0) }, "invalid UTF-8")
        for v: Int64 in [0, 7, 9, 10, 99, 100, 12345, -1, -10, 999_999_999_999, .max, .min] {
            XCTAssertEqual(ColumnProfiler.digits(v), String(v).count, "\(v)")
        }
    }

    func testTenantIdsStayFixedAsTheTableGrows() {
        var t = TenantTable()
        func index(_ name: String) -> Int32? {
            var name = name
            return name.withUTF8 { p -> Int32? in
                let cell = Cell.text(UnsafeRawBufferPointer(p))
                return t.index(cell, hash: ColumnProfiler.hash(cell))
            }
        }
        let first = (0..<3000).map { index("tenant-\($0)") }
        XCTAssertEqual(first, (0..<3000).map { Int32($0) })
        XCTAssertEqual((0..<3000).map { index("tenant-\($0)") }, first, "the same ids after the table grew")
        XCTAssertNil(index(""), "an empty tenant is no tenant")
        XCTAssertEqual(t.distinctNames, 3000)
        XCTAssertEqual(t.rows["tenant-2999"], 2)
    }

    func testRadixSortSorts() {
        var values = (0..<10_000).map { auditHash(UInt64($0)) } + [0, .max, 5, 5]
        let expected = values.sorted()
        KeySpill.radixSort(&values)
        XCTAssertEqual(values, expected)
    }
}

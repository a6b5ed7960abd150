import Foundation
import TandemCore
import TandemSQLite
import TandemSources
import TandemTesting
import XCTest
@testable import TandemPipeline

/// Verify's two ways of reading a chunk agree: the in-place checksum (`ChunkHasher`, no row built) gives every
/// row the hash the row path gives the row it builds (`VerifyValues.hash` of `VerifyEntity.map` on the legacy
/// side), for every kind of value SQLite holds; and a verify judges by the in place checksums exactly what the
/// row comparison judges (`VerifyValues.same`).
final class VerifyChecksumTests: XCTestCase {
    /// Each row's `v` holds one kind of value (column `v` has no type: SQLite keeps what it is given); `w` is
    /// REAL and `x` NUMERIC, whose affinity changes some values on their way in.
    static let values: [String] = [
        "7", "-9223372036854775808", "9223372036854775807",
        "0.30000000000000004", "0.3", "1e300", "-1.5e-300", "-0.0", "0.0", "3.0", "2.5",
        "9.0e15", "8999999999999998.0", "9007199254740993.0", "9007199254740993",
        "'text'", "'42'", "'3.14'", "' 42'", "''", "NULL", "X''", "X'00ff10'", "X'3432'", "'héllo ✓ 🎉'",
        "'line\nbreak'", "'a much longer text, more than eight bytes: ünïcødé ✓'",
        // Text that is not UTF-8 (SQLite keeps any bytes): the row path repairs it as it reads.
        "CAST(X'ff' AS TEXT)", "CAST(X'C0AF' AS TEXT)", "CAST(X'EDA080' AS TEXT)", "CAST(X'E282' AS TEXT)", "CAST(X'F8888080' AS TEXT)",
        "CAST(X'F4908080' AS TEXT)", "CAST(X'61E282AC62' AS TEXT)",
    ]

    func makeStore(_ dir: String, _ name: String = "legacy.db") throws -> String {
        let path = dir + "/" + name
        let db = try Database(path: path)
        defer { db.close() }
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, tenant TEXT, v, w REAL, x NUMERIC, email TEXT)")
        for (i, v) in Self.values.enumerated() {
            try db.execute("INSERT INTO t VALUES (\(i + 1), 'acme', \(v), \(v), \(v), 'u\(i)@example.org')")
        }
        return path
    }

    /// The mapping of the tests: `v` renamed, `email` with a rule (mapped by `ColumnMapping` in place), a tenant.
    static let mappingText = #"{"entities": {"t": {"target": "u", "tenant": "tenant", "columns": {"v": {"rename": "value"}, "email": {"validate": {"regex": "@"}}}}}}"#

    /// One row's in-place sum on one side.
    func inPlace(_ store: SQLiteVerifyStore, _ hasher: ChunkHasher, table: String, id: Int64) throws -> ChunkSum {
        hasher.start(previousKey: nil)
        XCTAssertTrue(try store.scan(table, key: ["id"], after: [.int(id - 1)], through: [.int(id)], limit: nil, into: hasher))
        return hasher.chunk
    }

    func testInPlaceHashesEqualTheRowPathsForEveryKindOfValue() throws {
        let dir = try configDirectory(self)
        let store = try SQLiteVerifyStore(path: try makeStore(dir))
        defer { store.close() }
        let mapping = try Mapping.parse(Data(Self.mappingText.utf8))
        let e = VerifyEntity(source: "t", sourceKey: ["id"], mapping: mapping, newKey: ["id"])
        let asNew = VerifyEntity(source: "t", sourceKey: ["id"], mapping: .passThrough, newKey: ["id"])
        let legacyHasher = ChunkHasher(legacy: e, mapping: mapping, scope: nil)
        let newHasher = ChunkHasher(new: asNew, scope: nil)
        for id in 1...Int64(Self.values.count) {
            let value = Self.values[Int(id) - 1]
            let row = try XCTUnwrap(try store.rows("t", key: ["id"], after: [.int(id - 1)], through: [.int(id)], limit: nil).first)
            // The new store's side: the row as read.
            let n = try inPlace(store, newHasher, table: "t", id: id)
            XCTAssertEqual(n.sum, VerifyValues.hash(row), "new side, v = \(value): \(row)")
            XCTAssertEqual(n.rows, 1)
            // The legacy side: the row through the mapping.
            guard case .success(let m) = e.map(row, mapping) else { return XCTFail("the mapping refuses \(row)") }
            let l = try inPlace(store, legacyHasher, table: "t", id: id)
            XCTAssertFalse(l.needsRows, "v = \(value)")
            XCTAssertEqual(l.sum, VerifyValues.hash(m.row), "legacy side, v = \(value): \(m.row)")
            XCTAssertEqual(l.lastKey, m.key)
            XCTAssertEqual(l.tenants.map { "\($0.tenant) \($0.rows)" }, ["acme 1"])
        }
        // A whole chunk: the checksum the row path computes.
        let rows = try store.rows("t", key: ["id"], after: nil, through: nil, limit: nil)
        newHasher.start(previousKey: nil)
        XCTAssertTrue(try store.scan("t", key: ["id"], after: nil, through: nil, limit: nil, into: newHasher))
        let v = try Verifier(legacy: store, new: store, mapping: .passThrough, scope: VerifyScope(), options: Verifier.Options(), mappingVersion: "x",
                             appliedSeq: { 0 }, journalHead: { 0 }, journaledChange: { nil })
        XCTAssertEqual(newHasher.chunk.checksum, v.checksum(rows))
        XCTAssertEqual(newHasher.chunk.read, Self.values.count)
    }

    /// The value hash sees every byte wherever it sits in its word (a change of any one byte, or of the length,
    /// changes it) and finds NUL and non-ASCII bytes anywhere.
    func testTheValueHashSeesEveryByte() {
        func hashed(_ bytes: [UInt8]) -> (UInt64, ascii: Bool, nul: Bool) {
            var h = Hasher64()
            let seen = bytes.withUnsafeBytes { h.add(value: $0) }
            return (h.value, seen.ascii, seen.nul)
        }
        var all = Set<UInt64>(), made = 0
        for n in 0...24 {
            let base = (0..<n).map { UInt8(0x41 + $0) }
            let h = hashed(base)
            XCTAssertTrue(h.ascii); XCTAssertFalse(h.nul)
            all.insert(h.0); made += 1
            for i in 0..<n {
                for b: UInt8 in [0, 0x42, 0x80, 0xFF] where b != base[i] {
                    var changed = base
                    changed[i] = b
                    let c = hashed(changed)
                    XCTAssertNotEqual(c.0, h.0, "length \(n), byte \(i) → \(b)")
                    XCTAssertEqual(c.nul, b == 0, "length \(n), byte \(i) → \(b)")
                    XCTAssertEqual(c.ascii, b < 0x80, "length \(n), byte \(i) → \(b)")
                    all.insert(c.0); made += 1
                }
            }
        }
        XCTAssertEqual(all.count, made, "no two alike")
        XCTAssertNotEqual(hashed([0x61]).0, hashed([0x61, 0]).0, "a trailing NUL counts")
    }

    /// Tenants counted in place are the row path's: an integer tenant and its text are one tenant, and a scope
    /// of tenants takes the same rows.
    func testTenantsAreCountedInPlaceAsTheRowPathCountsThem() throws {
        let dir = try configDirectory(self)
        let db = try Database(path: dir + "/legacy.db")
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, tenant, n INTEGER)")  // no affinity: 5 and '5' both kept
        try db.execute("INSERT INTO t VALUES (1, 5, 1), (2, '5', 2), (3, 'acme', 3), (4, 7, 4), (5, 'acme', 5), (6, 'ü', 6), (7, 5, 7)")
        try db.execute("VACUUM INTO '\(dir)/new.db'")
        db.close()
        let mapping = try Mapping.parse(Data(#"{"entities": {"t": {"tenant": "tenant"}}}"#.utf8))
        func verify(_ scope: VerifyScope, chunk: Int) throws -> (VerifyResult, Int) {
            var options = Verifier.Options()
            options.chunkRows = chunk
            let v = Verifier(legacy: try SQLiteVerifyStore(path: dir + "/legacy.db"), new: try SQLiteVerifyStore(path: dir + "/new.db"), mapping: mapping,
                             scope: scope, options: options, mappingVersion: "x", appliedSeq: { 0 }, journalHead: { 0 }, journaledChange: { nil })
            defer { v.close() }
            return (try v.run(), v.rowChunks)
        }
        for chunk in [1, 3, 100] {
            let (all, rowChunks) = try verify(VerifyScope(), chunk: chunk)
            XCTAssertTrue(all.clean, all.summary)
            XCTAssertEqual(rowChunks, 0)
            XCTAssertEqual(all.tenants.mapValues(\.rows), ["5": 3, "acme": 2, "7": 1, "ü": 1], "chunks of \(chunk)")
            let (five, _) = try verify(VerifyScope(tenants: ["5", "ü"]), chunk: chunk)
            XCTAssertEqual(five.rows, 4)
            XCTAssertEqual(five.tenants.mapValues(\.rows), ["5": 3, "ü": 1])
        }
    }

    /// A mapping that rebuilds the key (here: a type for the key column) is not taken in place: every chunk is
    /// compared as rows, with the same result.
    func testAMappingThatRebuildsTheKeyIsComparedAsRows() throws {
        let dir = try configDirectory(self)
        let db = try Database(path: dir + "/legacy.db")
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, tenant TEXT, n INTEGER)")
        try db.execute("INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2), (3, 'a', 3), (4, 'b', 4), (5, 'a', 5)")
        try db.execute("VACUUM INTO '\(dir)/new.db'")
        db.close()
        let new = try Database(path: dir + "/new.db")
        try new.execute("UPDATE t SET n = 40 WHERE id = 4")
        new.close()
        for (text, inPlace) in [(#"{"entities": {"t": {"tenant": "tenant", "columns": {"id": {"type": "int"}}}}}"#, false),
                                (#"{"entities": {"t": {"tenant": "tenant"}}}"#, true)] {
            var options = Verifier.Options()
            options.chunkRows = 2
            options.settleSeconds = 0.01
            let v = Verifier(legacy: try SQLiteVerifyStore(path: dir + "/legacy.db"), new: try SQLiteVerifyStore(path: dir + "/new.db"),
                             mapping: try Mapping.parse(Data(text.utf8)), scope: VerifyScope(), options: options, mappingVersion: "x",
                             appliedSeq: { 0 }, journalHead: { 0 }, journaledChange: { nil })
            defer { v.close() }
            let r = try v.run()
            XCTAssertEqual(r.differences.map { "\($0.kind.rawValue) \(KeyText.of($0.key)) \($0.columns)" }, [#"different {"id":4} ["n"]"#], text)
            XCTAssertEqual([r.rows, r.chunks], [5, 3], text)
            XCTAssertEqual(r.tenants.mapValues(\.rows), ["a": 3, "b": 2], text)
            XCTAssertEqual(v.rowChunks, inPlace ? 1 : 3, text)
        }
    }

    /// Rows the mapping refuses are left to the row path (which quarantines them): text holding NUL, a NULL
    /// or empty tenant, a blob for a tenant, a value a rule refuses.
    func testARowTheMappingMayRefuseIsLeftToTheRowPath() throws {
        let dir = try configDirectory(self)
        let path = try makeStore(dir)
        let db = try Database(path: path)
        try db.execute("""
            INSERT INTO t VALUES (100, 'acme', 'a' || char(0) || 'b', 1, 1, 'n@x.org'), (101, NULL, 1, 1, 1, 'n@x.org'),
              (102, '', 1, 1, 1, 'n@x.org'), (103, 'acme', 1, 1, 1, 'no-at-sign'), (104, X'61', 1, 1, 1, 'n@x.org')
            """)
        db.close()
        let store = try SQLiteVerifyStore(path: path)
        defer { store.close() }
        let mapping = try Mapping.parse(Data(Self.mappingText.utf8))
        let e = VerifyEntity(source: "t", sourceKey: ["id"], mapping: mapping, newKey: ["id"])
        let hasher = ChunkHasher(legacy: e, mapping: mapping, scope: nil)
        for id: Int64 in 100...104 {
            let row = try XCTUnwrap(try store.rows("t", key: ["id"], after: [.int(id - 1)], through: [.int(id)], limit: nil).first)
            guard case .failure = e.map(row, mapping) else { return XCTFail("the mapping takes \(row)") }
            XCTAssertTrue(try inPlace(store, hasher, table: "t", id: id).needsRows, "\(row)")
        }
        XCTAssertFalse(try inPlace(store, hasher, table: "t", id: 1).needsRows)
    }

    /// A verify of two stores holding every kind of value: clean without reading a chunk as rows; then each
    /// difference only the type or the precision makes is judged as the row comparison judges it.
    func testAVerifyJudgesInPlaceWhatTheRowComparisonJudges() throws {
        let dir = try configDirectory(self)
        let legacyPath = try makeStore(dir)
        let db = try Database(path: legacyPath)
        try db.execute("ALTER TABLE t RENAME COLUMN v TO value")  // the new store's names: `v` is renamed by the mapping
        try db.execute("VACUUM INTO '\(dir)/new.db'")
        try db.execute("ALTER TABLE t RENAME COLUMN value TO v")
        db.close()
        let mapping = try Mapping.parse(Data(Self.mappingText.utf8))
        let new = try Database(path: dir + "/new.db")
        try new.execute("ALTER TABLE t RENAME TO u")
        defer { new.close() }
        func verify() throws -> (VerifyResult, Verifier) {
            var options = Verifier.Options()
            options.chunkRows = 4
            options.settleSeconds = 0.01
            options.catchUpSeconds = 0.01
            let v = Verifier(legacy: try SQLiteVerifyStore(path: legacyPath), new: try SQLiteVerifyStore(path: dir + "/new.db"), mapping: mapping,
                             scope: VerifyScope(), options: options, mappingVersion: "x", appliedSeq: { 0 }, journalHead: { 0 }, journaledChange: { nil })
            defer { v.close() }
            return (try v.run(), v)
        }
        let (clean, v) = try verify()
        XCTAssertTrue(clean.clean, clean.summary)
        XCTAssertEqual(clean.rows, Self.values.count)
        XCTAssertEqual(v.rowChunks, 0, "every chunk judged in place")

        // The new store's `value` for the row whose legacy `v` is …; whether it is reported; whether the chunk's
        // checksums still agree (then it is not even read as rows).
        let cases: [(legacy: String, new: String, reported: Bool, sameSum: Bool)] = [
            ("7", "7.0", false, true),                          // an integer in a REAL column
            ("-0.0", "0", false, true),
            ("'42'", "42", false, false),                       // a number's text in a NUMERIC column
            ("9007199254740993", "9007199254740993.0", false, false),  // the REAL nearest the integer
            ("7", "'7'", true, false),                          // a number come back as text: a drifted type
            ("0.30000000000000004", "0.3", true, false),        // the last digit of a REAL
            ("''", "NULL", true, false),                        // empty text is not NULL
            ("NULL", "''", true, false),
            ("X''", "NULL", true, false),
            ("X'3432'", "'42'", true, false),                   // a blob is not text
            ("'text'", "'Text'", true, false),
            ("CAST(X'ff' AS TEXT)", "'\u{FFFD}'", false, true),  // text that is not UTF-8 reads as the row path repairs it
        ]
        for c in cases {
            let id = try XCTUnwrap(Self.values.firstIndex(of: c.legacy)) + 1
            try new.execute("UPDATE u SET value = \(c.new) WHERE id = \(id)")
            let (r, v) = try verify()
            XCTAssertEqual(r.differences.map { "\(KeyText.of($0.key)) \($0.columns)" }, c.reported ? [#"{"id":\#(id)} ["value"]"#] : [],
                           "legacy \(c.legacy), new \(c.new)")
            XCTAssertEqual(v.rowChunks, c.sameSum ? 0 : 1, "legacy \(c.legacy), new \(c.new)")
            try new.execute("UPDATE u SET value = \(c.legacy) WHERE id = \(id)")
        }
    }
}

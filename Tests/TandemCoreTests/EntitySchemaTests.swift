import XCTest
@testable import TandemCore

/// Promise (issue 10, "Schema: from declared types"): a SQLite declared type means what SQLite's affinity rules
/// say it means, and a column's first declaration stands.
final class EntitySchemaTests: XCTestCase {
    func testSQLiteDeclaredTypesFollowSQLitesAffinityRules() {
        let cases: [(String, ColumnKind, String)] = [
            ("INTEGER", .int, "INTEGER"), ("BIGINT", .int, "INTEGER"), ("NVARCHAR(120)", .string, "TEXT"),
            ("NUMERIC(10,2)", .decimal, "NUMERIC"), ("DECIMAL(5,2)", .decimal, "NUMERIC"), ("REAL", .double, "REAL"),
            ("DOUBLE PRECISION", .double, "REAL"), ("FLOATING POINT", .int, "INTEGER"),  // "INT" wins, as in SQLite
            ("BLOB", .bytes, "BLOB"), ("", .any, ""), ("BOOLEAN", .bool, "NUMERIC"),
            ("DATETIME", .string, "NUMERIC"), ("DATE", .string, "NUMERIC"), ("CLOB", .string, "TEXT"),
        ]
        for (declared, kind, affinity) in cases {
            let t = ColumnType.sqlite(declared: declared)
            XCTAssertEqual(t.kind, kind, declared)
            XCTAssertEqual(t.sqliteAffinity, affinity, declared)
        }
    }

    func testAValueFitsItsColumnOnlyWhenItKeepsItsValueAndMeaning() {
        XCTAssertTrue(ColumnType(kind: .decimal).fits(.int(14)))
        XCTAssertTrue(ColumnType(kind: .decimal).fits(.double(9.8)))
        XCTAssertFalse(ColumnType(kind: .int).fits(.double(9.8)))
        XCTAssertFalse(ColumnType(kind: .int).fits(.string("five")))
        XCTAssertTrue(ColumnType(kind: .double).fits(.int(22)))
        XCTAssertTrue(ColumnType(kind: .bool).fits(.int(1)))
        XCTAssertFalse(ColumnType(kind: .bool).fits(.int(2)))
        XCTAssertTrue(ColumnType(kind: .any).fits(.bytes([0])))
        XCTAssertTrue(ColumnType(kind: .string).fits(.null))
    }

    func testTheFirstDeclarationOfAColumnStands() {
        var c = EntitySchemaCatalog([EntitySchema(entity: "t", columns: ["id", "n"], types: [ColumnType(kind: .int), ColumnType(kind: .int)])])
        XCTAssertTrue(c.merge(EntitySchema(entity: "t", columns: ["n", "m"], types: [ColumnType(kind: .string), ColumnType(kind: .double)])))
        XCTAssertEqual(c.schema(of: "t")?.columns, ["id", "n", "m"])
        XCTAssertEqual(c.schema(of: "t")?.type(of: "n")?.kind, .int)
        XCTAssertFalse(c.merge(EntitySchema(entity: "t", columns: ["n"], types: [ColumnType(kind: .bytes)])))
        XCTAssertNil(c.schema(of: "T"))
    }
}

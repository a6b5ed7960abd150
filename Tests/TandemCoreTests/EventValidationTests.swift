import XCTest
@testable import TandemCore

/// Promise: `Event.fault` accepts exactly what both stores can hold, at the limits' edges.
final class EventValidationTests: XCTestCase {
    func after(_ row: Row) -> Event { Event(entity: "t", key: ["id": .int(1)], op: .insert, after: row) }

    func testDecimalsAreCheckedAgainstPostgresNumericAtItsEdges() {
        let ok = ["1e131071", "0e999999999", "0.0", "000001", "-12.50", "+3", "1.5e-16382", "1e-16383", "NaN", "-Infinity",
                  String(repeating: "9", count: 131_072)]
        for d in ok { XCTAssertNil(EventValidation.decimalProblem(d), d.count > 40 ? "131072 nines" : d) }
        let bad = ["1e131072", "1.5e-16383", "1e-16384", "1e999999999999999999999", "0." + String(repeating: "0", count: 16_384),
                   String(repeating: "9", count: 131_073)]
        for d in bad { XCTAssertNotNil(EventValidation.decimalProblem(d), d.count > 40 ? String(d.prefix(20)) : d) }
    }

    func testNamesAtTheirEdges() {
        XCTAssertNil(EventValidation.nameProblem(String(repeating: "é", count: 31) + "x", isColumn: true))  // 63 bytes
        XCTAssertNotNil(EventValidation.nameProblem(String(repeating: "é", count: 32), isColumn: true))      // 64 bytes
        XCTAssertNotNil(EventValidation.nameProblem("a\u{85}b", isColumn: true))   // a C1 control character
        XCTAssertNil(EventValidation.nameProblem("tandem_x", isColumn: false))
        XCTAssertNil(EventValidation.nameProblem("XMIN", isColumn: true), "PostgreSQL's system columns are lower case")
        XCTAssertNil(EventValidation.nameProblem("xmin", isColumn: false), "a table may be called xmin")
        XCTAssertNotNil(EventValidation.nameProblem("Pg_Stat", isColumn: false))
        let wide = (0..<20).map { "Col\($0)" } + ["col7"]
        XCTAssertEqual(EventValidation.columnNamesFault(wide, image: "after")?.column, "col7")
        XCTAssertNil(EventValidation.columnNamesFault((0..<20).map { "Col\($0)" }, image: "after"))
    }

    func testKeysColumnsAndTimestampsWithinWhatBothStoresHold() {
        let key = Row((0..<33).map { ("k\($0)", Value.int(1)) })
        XCTAssertEqual(Event(entity: "t", key: key, op: .delete).fault?.rule, "image")
        XCTAssertNil(Event(entity: "t", key: Row((0..<32).map { ("k\($0)", Value.int(1)) }), op: .delete).fault)
        XCTAssertNil(after(Row((0..<1600).map { ("c\($0)", Value.int(1)) })).fault)
        XCTAssertEqual(after(["ts": .timestamp(Timestamp(microseconds: Timestamp.rfc3339Min.microseconds - 1))]).fault?.column, "ts")
        XCTAssertNil(after(["ts": .timestamp(Timestamp.rfc3339Max)]).fault)
        XCTAssertEqual(Event(entity: "t", key: ["id": .int(1)], op: .update).fault?.rule, "image")
        XCTAssertEqual(Event(entity: "t", key: [:], op: .delete, before: ["_tandem_x": .int(1)]).fault?.column, "_tandem_x")
    }
}

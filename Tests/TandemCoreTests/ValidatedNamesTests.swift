import XCTest
@testable import TandemCore

/// Promise: checking names once per run of events that share them finds every fault `Event.fault` finds.
final class ValidatedNamesTests: XCTestCase {
    func testEventsSharingNamesAreCheckedOnceAndEveryOtherEventInFull() {
        var cache = ValidatedNames()
        let names = ["id", "email"], key = ["id"]
        func event(_ entity: String, _ names: [String], _ values: [Value]) -> Event {
            Event(entity: entity, key: Row(uncheckedNames: key, values: [values[0]]), op: .snapshot,
                  after: Row(uncheckedNames: names, values: values))
        }
        XCTAssertNil(cache.fault(of: event("customers", names, [.int(1), .string("a")])))
        // Same arrays: values are still checked.
        XCTAssertEqual(cache.fault(of: event("customers", names, [.int(2), .string("a\u{0}b")]))?.column, "email")
        XCTAssertNil(cache.fault(of: event("customers", names, [.int(3), .string("c")])))
        // Other arrays, other entity: checked in full, whatever was sound before.
        XCTAssertEqual(cache.fault(of: event("customers", ["id", "xmin"], [.int(4), .int(1)]))?.column, "xmin")
        XCTAssertEqual(cache.fault(of: event("_tandem_x", names, [.int(5), .string("d")]))?.rule, "name")
        var bad = names
        bad[1] = "EMAIL"
        XCTAssertNil(cache.fault(of: event("customers", bad, [.int(6), .string("e")])))
        XCTAssertEqual(cache.fault(of: Event(entity: "customers", key: ["id": .int(7)], op: .update,
                                             before: ["id": .int(7), "Id": .int(7)], after: ["id": .int(7)]))?.rule, "name")
        // Every fault agrees with `Event.fault`.
        for e in [event("customers", names, [.int(8), .string("f")]), event("customers", ["pg_x", "a"], [.int(9), .int(1)])] {
            XCTAssertEqual(cache.fault(of: e), e.fault)
        }
    }

    func testEqualNamesInNewArraysAreCheckedOncePerEntityAndChangedNamesInFull() {
        // A change table's decoder builds new arrays for every row: equal names, other storage.
        var cache = ValidatedNames()
        func row(_ entity: String, _ names: [String], _ id: Int64) -> Event {
            let fresh = names.map { String($0.utf8.map { Character(UnicodeScalar($0)) }) }
            return Event(entity: entity, key: Row(uncheckedNames: [String("id")], values: [.int(id)]), op: .insert,
                         after: Row(uncheckedNames: fresh, values: fresh.map { _ in .int(id) }))
        }
        for i in 0..<100 {
            XCTAssertNil(cache.fault(of: row("orders", ["id", "total"], Int64(i))))
            XCTAssertNil(cache.fault(of: row("customers", ["id", "email"], Int64(i))))
        }
        XCTAssertEqual(cache.fullChecks, 2, "names checked again for events whose names were found sound")
        // The entity's column set changes: checked in full, and a bad new name is found.
        XCTAssertEqual(cache.fault(of: row("orders", ["id", "total", "xmin"], 1))?.column, "xmin")
        XCTAssertEqual(cache.fault(of: row("orders", ["id", "total", "Total"], 1))?.rule, "name")
        XCTAssertEqual(cache.fault(of: row("orders", ["id", "total", String(repeating: "n", count: 64)], 1))?.rule, "name")
        XCTAssertEqual(cache.fault(of: row("orders", ["id", "to\u{1}tal"], 1))?.rule, "name")
        XCTAssertEqual(cache.fault(of: row("orders", ["id", ""], 1))?.rule, "name")
        // Sound names of another entity do not make a bad entity name sound.
        XCTAssertEqual(cache.fault(of: row("_tandem_orders", ["id", "total"], 1))?.rule, "name")
        XCTAssertEqual(cache.fault(of: row("", ["id", "total"], 1))?.rule, "name")
        XCTAssertNil(cache.fault(of: row("orders", ["id", "total", "note"], 2)))
        let before = cache.fullChecks
        // Both lists of the entity stay known: alternating them checks nothing again.
        for i in 0..<10 {
            XCTAssertNil(cache.fault(of: row("orders", ["id", "total"], Int64(i))))
            XCTAssertNil(cache.fault(of: row("orders", ["id", "total", "note"], Int64(i))))
        }
        XCTAssertEqual(cache.fullChecks, before)
        // Values are still checked for every event.
        XCTAssertEqual(cache.fault(of: Event(entity: "orders", key: ["id": .int(1)], op: .insert,
                                             after: ["id": .int(1), "total": .string("a\u{0}b")]))?.column, "total")
    }
}

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
}

import XCTest
import TandemCore

/// The one event filter of inspect, tail, replay, rewind and the daemon's sinks.
final class EventFilterTests: XCTestCase {
    private func event(_ entity: String, tenant: String?) -> Event {
        var e = Event(seq: 1, entity: entity, key: ["id": .int(1)], op: .insert, after: ["id": .int(1)])
        e.tenant = tenant
        return e
    }

    func testSetsOfEntitiesAndTenantsSelectEvents() {
        let f = EventFilter(entities: ["orders", "customers"], tenants: ["acme"])
        XCTAssertTrue(f.matches(event("orders", tenant: "acme")))
        XCTAssertFalse(f.matches(event("orders", tenant: "globex")))
        XCTAssertFalse(f.matches(event("items", tenant: "acme")))
        // An event without a tenant never matches a tenant filter.
        XCTAssertFalse(f.matches(event("orders", tenant: nil)))
        XCTAssertTrue(EventFilter().matches(event("anything", tenant: nil)))
    }

    func testEmptyCommandLineListsMeanAll() {
        XCTAssertEqual(EventFilter(entities: [], tenants: []), EventFilter())
        XCTAssertEqual(EventFilter(entities: ["b", "a"], tenants: []), EventFilter(entities: ["a", "b"]))
    }

    /// Sinks store this text in their checkpoint and compare it later: its form must not change.
    func testCanonicalTextIsTheFormSinksStored() {
        XCTAssertEqual(EventFilter().canonical, "entities=*;tenants=*")
        XCTAssertEqual(EventFilter(entities: ["orders", "customers"], tenants: ["acme"]).canonical,
                       "entities=customers,orders;tenants=acme")
    }
}

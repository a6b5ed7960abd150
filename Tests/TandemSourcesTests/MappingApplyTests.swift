import Foundation
import XCTest
import TandemCore
@testable import TandemSources

/// Mapping renames, drops, transforms, coerces and validates; failures are rejections with rule and column.
final class MappingApplyTests: XCTestCase {
    let mapping = try! Mapping.parse(Data(#"""
    {"entities": {"kunden": {
        "target": "customers", "primaryKey": ["knr"], "tenant": "mandant", "unlistedColumns": "drop",
        "columns": {
          "knr": {"rename": "id", "type": "int"},
          "mandant": {"rename": "tenant", "transforms": ["trim", "lower"]},
          "email": {"transforms": ["trim", "lower", "emptyToNull"], "validate": {"required": true, "regex": "^[^@ ]+@[^@ ]+$", "maxLength": 40}},
          "angelegt": {"rename": "created_at", "transforms": [{"parseTimestamp": "%d.%m.%Y %H:%M:%S", "zone": "Europe/Berlin"}]},
          "status": {"transforms": [{"map": {"A": "active", "I": "inactive"}}], "validate": {"oneOf": ["active", "inactive"]}},
          "saldo": {"rename": "balance", "type": "decimal", "validate": {"min": -1000, "max": 1000000}},
          "land": {"rename": "country", "default": "DE"},
          "fax": false,
          "alt_feld": {"drop": true}
        }}}}
    """#.utf8))

    func change(_ after: Row, op: TandemCore.ChangeKind = .insert) -> Event {
        Event(sourcePosition: "p1", entity: "kunden", key: Row(), op: op, after: after)
    }

    func testRenamesDropsTransformsCoercesAndFillsKeyTenantAndDefaults() throws {
        let e = change(["knr": .string("42"), "mandant": .string("  ACME "), "email": .string(" Anna@Example.COM "),
                        "angelegt": .string("24.11.2026 10:00:00"), "status": .string("A"), "saldo": .string("10,50"),
                        "fax": .string("0711"), "alt_feld": .int(1), "unbekannt": .int(2)])
        guard case .event(let out) = mapping.apply(e) else { return XCTFail("rejected: \(mapping.apply(e))") }
        XCTAssertEqual(out.entity, "customers")
        XCTAssertEqual(out.key, ["id": .int(42)])
        XCTAssertEqual(out.tenant, "acme")
        XCTAssertEqual(out.after, ["id": .int(42), "tenant": .string("acme"), "email": .string("anna@example.com"),
                                   // 10:00 in Berlin in November (CET, +01:00) is 09:00 UTC.
                                   "created_at": .timestamp(try Timestamp(rfc3339: "2026-11-24T09:00:00Z")),
                                   "status": .string("active"), "balance": .decimal("10.50"), "country": .string("DE")])
        XCTAssertEqual(out.sourcePosition, "p1")
    }

    func testSummerTimeInANamedZone() throws {
        let e = change(["knr": .int(1), "mandant": .string("a"), "email": .string("a@b"), "angelegt": .string("01.07.2026 10:00:00")])
        guard case .event(let out) = mapping.apply(e) else { return XCTFail() }
        XCTAssertEqual(out.after?["created_at"], .timestamp(try Timestamp(rfc3339: "2026-07-01T08:00:00Z")))
    }

    func rejection(_ after: Row) -> Rejection? {
        if case .rejected(let r) = mapping.apply(change(after)) { return r }
        return nil
    }

    func testEachRuleRejectsWithRuleColumnAndReason() {
        let ok: Row = ["knr": .int(1), "mandant": .string("a"), "email": .string("a@b")]
        func with(_ k: String, _ v: Value?) -> Row { var r = ok; r[k] = v; return r }
        XCTAssertEqual(rejection(with("email", .string("   "))),
                       Rejection(rule: "required", column: "email", reason: "value is required but missing or null"))
        XCTAssertEqual(rejection(with("email", nil))?.rule, "required")
        XCTAssertEqual(rejection(with("email", .string("no-at-sign"))),
                       Rejection(rule: "regex", column: "email", reason: #""no-at-sign" does not match /^[^@ ]+@[^@ ]+$/"#))
        XCTAssertEqual(rejection(with("email", .string(String(repeating: "x", count: 40) + "@y")))?.rule, "maxLength")
        XCTAssertEqual(rejection(with("status", .string("X"))),
                       Rejection(rule: "transform", column: "status", reason: #"code "X" is not in the map (A, I)"#))
        XCTAssertEqual(rejection(with("saldo", .string("-5000"))),
                       Rejection(rule: "min", column: "saldo", reason: "-5000 is less than the minimum -1000"))
        XCTAssertEqual(rejection(with("saldo", .string("zehn"))),
                       Rejection(rule: "type", column: "saldo", reason: #"cannot coerce "zehn" (string) to decimal"#))
        XCTAssertEqual(rejection(with("knr", .string("4x2"))),
                       Rejection(rule: "type", column: "knr", reason: #"cannot coerce "4x2" (string) to int"#))
        XCTAssertEqual(rejection(with("angelegt", .string("2026-11-24"))),
                       Rejection(rule: "transform", column: "angelegt", reason: #""2026-11-24" does not match the time format %d.%m.%Y %H:%M:%S"#))
        XCTAssertEqual(rejection(with("mandant", nil)),
                       Rejection(rule: "tenant", column: "tenant", reason: #"tenant column "tenant" is missing or null"#))
        XCTAssertEqual(rejection(with("knr", nil)),
                       Rejection(rule: "key", column: "id", reason: #"primary-key column "id" is missing or null"#))
    }

    func testDeleteIsNotValidatedAndKeepsItsKey() {
        let e = Event(sourcePosition: "p", entity: "kunden", key: Row(), op: .delete,
                      before: ["knr": .int(9), "mandant": .string("B")])
        guard case .event(let out) = mapping.apply(e) else { return XCTFail() }
        XCTAssertEqual(out.key, ["id": .int(9)])
        XCTAssertEqual(out.tenant, "b")
        XCTAssertNil(out.after)
    }

    func testWithoutAMappingChangesPassUnchangedAndTheKeyComesFromId() {
        let e = Event(sourcePosition: "p", txn: "t", entity: "orders", key: ["nr": .int(1)], op: .update,
                      before: ["nr": .int(1)], after: ["nr": .int(1), "x": .string(" A ")], tenant: "t1")
        guard case .event(let same) = Mapping.passThrough.apply(e) else { return XCTFail() }
        XCTAssertEqual(same, e)
        guard case .event(let unlisted) = mapping.apply(e) else { return XCTFail() }
        XCTAssertEqual(unlisted, e)
        let keyless = Event(entity: "orders", key: Row(), op: .insert, after: ["id": .int(5)])
        guard case .event(let k) = Mapping.passThrough.apply(keyless) else { return XCTFail() }
        XCTAssertEqual(k.key, ["id": .int(5)])
        let none = Event(entity: "orders", key: Row(), op: .insert, after: ["nr": .int(5)])
        guard case .rejected(let r) = Mapping.passThrough.apply(none) else { return XCTFail() }
        XCTAssertEqual(r, Rejection(rule: "key", reason: #"no primary key: the mapping has none for entity "orders" and the change has no column id"#))
    }

    func testTimePatterns() throws {
        func utc(_ pattern: String, _ text: String) throws -> String? {
            let p = try TimePattern(pattern)
            guard let r = p.parse(text) else { return nil }
            return Timestamp(microseconds: r.micros - (r.offsetSeconds ?? 0) * 1_000_000).rfc3339
        }
        XCTAssertEqual(try utc("%d.%m.%Y %H:%M:%S", "29.02.2024 23:59:58"), "2024-02-29T23:59:58.000000Z")
        XCTAssertEqual(try utc("%d.%m.%Y %H:%M:%S", "29.02.2023 23:59:58"), nil)
        XCTAssertEqual(try utc("%Y%m%d", "19991231"), "1999-12-31T00:00:00.000000Z")
        XCTAssertEqual(try utc("%d-%b-%y %I:%M %p", "05-Mar-07 01:30 PM"), "2007-03-05T13:30:00.000000Z")
        XCTAssertEqual(try utc("%Y-%m-%d %H:%M:%S.%f%z", "2026-11-24 10:00:00.5+0130"), "2026-11-24T08:30:00.500000Z")
        XCTAssertEqual(try utc("%Y-%m-%dT%H:%M:%S%z", "2026-11-24T10:00:00Z"), "2026-11-24T10:00:00.000000Z")
        XCTAssertEqual(try utc("%d.%m.%Y", "24.11.2026 "), nil)
    }
}

extension MappingApplyTests {
    /// A change no sink could apply (an update without its after-image) is rejected, mapped or not.
    func testAChangeWithoutTheRowItWritesIsRejected() {
        let e = Event(entity: "customers", key: ["id": .int(7)], op: .update)
        guard case .rejected(let r) = Mapping.passThrough.apply(e) else { return XCTFail("accepted \(e)") }
        XCTAssertEqual(r.rule, "image")
        XCTAssertEqual(r.reason, "op \"update\" needs an \"after\" row image")
        let delete = Event(entity: "customers", key: ["id": .int(7)], op: .delete)
        guard case .event = Mapping.passThrough.apply(delete) else { return XCTFail("rejected a delete without images") }
    }

    /// A rename onto a column the change also carries (unlisted, kept) would journal the column twice and lose
    /// a value: the change is rejected with both names instead.
    func testARenameOntoAColumnTheChangeAlreadyHasIsRejectedNotDuplicated() throws {
        let m = try Mapping.parse(Data(#"{"entities":{"c":{"columns":{"mail":{"rename":"email"}}}}}"#.utf8))
        let both = Event(entity: "c", key: ["id": .int(1)], op: .insert,
                         after: ["id": .int(1), "mail": .string("old@example.com"), "email": .string("new@example.com")])
        guard case .rejected(let r) = m.apply(both) else { return XCTFail("a change with the column twice was accepted") }
        XCTAssertEqual(r.rule, "rename")
        XCTAssertEqual(r.column, "email")
        let one = Event(entity: "c", key: ["id": .int(1)], op: .insert, after: ["id": .int(1), "mail": .string("a@example.com")])
        guard case .event(let e) = m.apply(one) else { return XCTFail("rejected") }
        XCTAssertEqual(e.after, ["id": .int(1), "email": .string("a@example.com")])
    }

    /// A key column the mapping drops (not named id, so the loader cannot see it) makes the change rejected,
    /// never a keyless or partly keyed event in the journal.
    func testAChangeWhoseKeyColumnIsDroppedIsRejectedNotJournaledKeyless() throws {
        let m = try Mapping.parse(Data(#"{"entities":{"c":{"columns":{"cust_no":false}}}}"#.utf8))
        let e = Event(entity: "c", key: ["cust_no": .int(7)], op: .insert, after: ["cust_no": .int(7), "x": .int(1)])
        guard case .rejected(let r) = m.apply(e) else { return XCTFail("journaled without its key") }
        XCTAssertEqual(r.rule, "key")
        XCTAssertEqual(r.column, "cust_no")
    }
}

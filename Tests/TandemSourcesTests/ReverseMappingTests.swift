import Foundation
import XCTest
import TandemCore
@testable import TandemSources

/// The mapping's reverse direction: legacy → forward → reverse gives the legacy row back for every invertible
/// rule; a migrated column without a rule is refused, naming entity and column.
final class ReverseMappingTests: XCTestCase {
    // Chinook-like invoices: prices are NUMERIC (SQLite REAL values), dates legacy text in Berlin time.
    static let chinook = #"""
    {"entities": {
      "Invoice": {"target": "invoices", "tenant": "customer_id",
        "columns": {
          "InvoiceId": "id",
          "CustomerId": {"rename": "customer_id", "type": "int"},
          "InvoiceDate": {"rename": "invoiced_at", "transforms": [{"parseTimestamp": "%Y-%m-%d %H:%M:%S", "zone": "Europe/Berlin"}]},
          "DueDate": {"rename": "due_at", "transforms": [{"parseTimestamp": "%d.%m.%y %I:%M %p%z", "zone": "-05:00"}]},
          "BillingCountry": {"rename": "country", "transforms": ["trim"]},
          "Total": {"rename": "total", "type": "decimal", "reverse": {"type": "double"}},
          "Status": {"rename": "status", "transforms": [{"map": {"P": "paid", "O": "open", "C": "cancelled"}}]},
          "MediaType": {"rename": "media", "transforms": [{"map": {"1": "mpeg", "2": "aac"}}], "reverse": {"type": "int"}},
          "Fax": {"drop": true}
        }}}}
    """#

    func mappings(_ text: String = chinook) throws -> (Mapping, ReverseMapper) {
        let m = try Mapping.parse(Data(text.utf8))
        return (m, try ReverseMapper(m))
    }

    func legacy(_ id: Int64, total: Double, date: String, due: String, status: String, media: Int64, fax: String? = "+49 711") -> Row {
        ["InvoiceId": .int(id), "CustomerId": .int(7), "InvoiceDate": .string(date), "DueDate": .string(due),
         "BillingCountry": .string("Germany"), "Total": .double(total), "Status": .string(status), "MediaType": .int(media),
         "Fax": fax.map(Value.string) ?? .null]
    }

    func testRoundTripGivesTheLegacyRowBackForEveryInvertibleRule() throws {
        let (forward, reverse) = try mappings()
        let rows = [legacy(1, total: 1.98, date: "2009-01-01 00:00:00", due: "15.01.09 09:30 AM-05:00", status: "P", media: 1),
                    // Summer time in Berlin (+02:00), 12 PM and a negative offset, a price with many digits.
                    legacy(2, total: 13.86, date: "2013-07-14 23:59:59", due: "01.08.13 12:05 PM-05:00", status: "C", media: 2),
                    legacy(3, total: 0.99, date: "2010-03-28 03:30:00", due: "31.12.99 12:00 AM-05:00", status: "O", media: 1)]
        for row in rows {
            let e = Event(sourcePosition: "1", entity: "Invoice", key: ["InvoiceId": row["InvoiceId"]!], op: .insert, after: row)
            guard case .event(let new) = forward.apply(e) else { return XCTFail("forward rejected \(row)") }
            XCTAssertEqual(new.entity, "invoices")
            XCTAssertNil(new.after?["Fax"])
            guard case .event(let back) = reverse.apply(new) else { return XCTFail("reverse rejected \(new)") }
            XCTAssertEqual(back.entity, "Invoice")
            XCTAssertEqual(back.origin, "new")
            XCTAssertEqual(back.tenant, "7")
            XCTAssertEqual(back.key, ["InvoiceId": row["InvoiceId"]!])
            var expected = row
            expected["Fax"] = nil  // dropped: not in the reverse image, so the legacy value stays
            XCTAssertEqual(back.after.map(sorted), sorted(expected), "row \(row["InvoiceId"]!)")
        }
    }

    func testTimeTextWithAnotherOffsetThanTheZoneComesBackInTheZone() throws {
        let (forward, reverse) = try mappings()
        let row = legacy(4, total: 1, date: "2009-01-01 00:00:00", due: "15.01.09 09:30 PM+01:00", status: "P", media: 1)
        let e = Event(sourcePosition: "1", entity: "Invoice", key: ["InvoiceId": .int(4)], op: .insert, after: row)
        guard case .event(let new) = forward.apply(e), case .event(let back) = reverse.apply(new) else { return XCTFail("rejected") }
        // The same instant: the text's own offset is not kept by the timestamp, so %z writes the mapping's zone.
        XCTAssertEqual(back.after?["DueDate"], .string("15.01.09 03:30 PM-05:00"))
    }

    func testAnUpdateCarriesOnlyMappedColumnsAndALossyTransformWritesTheNewValue() throws {
        let (_, reverse) = try mappings()
        let new = Event(sourcePosition: "9", entity: "invoices", key: ["id": .int(5)], op: .update,
                        before: ["id": .int(5), "country": .string("Germany"), "status": .string("open")],
                        after: ["id": .int(5), "country": .string("  France "), "status": .string("paid"), "total": .decimal("5.94")],
                        beforeComplete: true)
        guard case .event(let back) = reverse.apply(new) else { return XCTFail("rejected") }
        XCTAssertEqual(back.op, .update)
        XCTAssertEqual(back.after.map(sorted), sorted(["InvoiceId": .int(5), "BillingCountry": .string("  France "),
                                                       "Status": .string("P"), "Total": .double(5.94)]))
        XCTAssertFalse(back.beforeComplete, "the legacy row has columns the before image lacks")
    }

    func testAValueTheReverseMapCannotNameIsRejectedWithTheColumn() throws {
        let (_, reverse) = try mappings()
        let new = Event(sourcePosition: "9", entity: "invoices", key: ["id": .int(5)], op: .insert,
                        after: ["id": .int(5), "status": .string("refunded")])
        guard case .rejected(let j) = reverse.apply(new) else { return XCTFail("accepted") }
        XCTAssertEqual(j.rule, "reverse")
        XCTAssertEqual(j.column, "status")
        XCTAssertTrue(j.reason.contains("refunded"), j.reason)
    }

    func testTheLegacyStoresDeclaredTypeIsWhereACoercionGoesBack() throws {
        let m = try Mapping.parse(Data(#"{"entities": {"Track": {"target": "tracks", "columns": {"TrackId": "id", "UnitPrice": {"rename": "price", "type": "decimal"}, "Milliseconds": {"rename": "ms", "type": "string"}}}}}"#.utf8))
        let schema = EntitySchema(entity: "Track", columns: ["TrackId", "UnitPrice", "Milliseconds"],
                                  types: [.sqlite(declared: "INTEGER"), .sqlite(declared: "REAL"), .sqlite(declared: "INTEGER")])
        let r = try ReverseMapper(m, legacySchemas: [schema])
        let new = Event(sourcePosition: "1", entity: "tracks", key: ["id": .int(1)], op: .insert,
                        after: ["id": .int(1), "price": .decimal("0.99"), "ms": .string("343719")])
        guard case .event(let back) = r.apply(new) else { return XCTFail("rejected") }
        XCTAssertEqual(back.after.map(sorted), sorted(["TrackId": .int(1), "UnitPrice": .double(0.99), "Milliseconds": .int(343_719)]))
    }

    func testAMigratedColumnWithoutARuleIsAFaultNamingEntityAndColumn() throws {
        let m = try Mapping.parse(Data(#"""
        {"entities": {
          "kunden": {"target": "customers", "columns": {
            "knr": "id",
            "status": {"transforms": [{"map": {"A": "active", "X": "active", "I": "inactive"}}]},
            "typ": {"transforms": [{"map": {"1": null, "2": "b"}}]},
            "art": {"transforms": [{"map": {"A": "x", "B": "x"}}], "reverse": {"map": {"x": "A"}}}}},
          "kunden_alt": {"target": "customers"}}}
        """#.utf8))
        let faults = m.reverseRules().faults.map(\.description)
        XCTAssertEqual(faults.count, 3, "\(faults)")
        XCTAssertTrue(faults[0].hasPrefix("kunden.status: map is not one-to-one"), faults[0])
        XCTAssertTrue(faults[1].hasPrefix("kunden.typ: "), faults[1])
        XCTAssertTrue(faults[2].hasPrefix("kunden_alt: entity \"kunden\" maps to \"customers\" too"), faults[2])
        XCTAssertThrowsError(try ReverseMapper(m)) { e in
            XCTAssertTrue("\(e)".contains("mapping.entities.kunden.columns.status: no reverse rule"), "\(e)")
        }
    }

    func testExplicitReverseRulesLoadAndBadOnesAreRefusedWithTheirPath() throws {
        let m = try Mapping.parse(Data(#"""
        {"entities": {"t": {"columns": {
          "a": {"transforms": ["lower"], "reverse": "keep"},
          "b": {"reverse": "asIs"},
          "c": {"rename": "c2", "reverse": {"formatTimestamp": "%d/%m/%Y", "zone": "+01:00"}}}}}}
        """#.utf8))
        let r = try ReverseMapper(m)
        let new = Event(sourcePosition: "1", entity: "t", key: ["id": .int(1)], op: .update,
                        after: ["id": .int(1), "a": .string("x"), "b": .int(2), "c2": .string("2026-11-29T23:30:00Z")])
        guard case .event(let back) = r.apply(new) else { return XCTFail("rejected") }
        XCTAssertEqual(back.after.map(sorted), sorted(["id": .int(1), "b": .int(2), "c": .string("30/11/2026")]))
        for (bad, path) in [(#""reverse": "undo""#, "mapping.entities.t.columns.a.reverse"),
                            (#""reverse": {"map": {}, "formatTimestamp": "%Y"}"#, "mapping.entities.t.columns.a.reverse"),
                            (#""reverse": {"type": "money"}"#, "mapping.entities.t.columns.a.reverse.type"),
                            (#""reverse": {"zone": "UTC"}"#, "mapping.entities.t.columns.a.reverse.zone"),
                            (#""reverse": {"formatTimestamp": "%Q"}"#, "mapping.entities.t.columns.a.reverse.formatTimestamp")] {
            XCTAssertThrowsError(try Mapping.parse(Data(#"{"entities": {"t": {"columns": {"a": {\#(bad)}}}}}"#.utf8))) { e in
                XCTAssertEqual((e as? MappingError)?.path, path, "\(bad): \(e)")
            }
        }
    }

    func testFormatIsTheInverseOfParseAcrossPatterns() throws {
        let cases: [(String, ZoneRule, String)] = [
            ("%Y-%m-%dT%H:%M:%S.%f%z", .fixed(0), "2024-02-29T23:59:59.123Z"),
            ("%d %b %Y %H:%M", .named(TimeZone(identifier: "America/New_York")!), "05 Mar 1999 07:08"),
            ("%Y%m%d%H%M%S", .fixed(-9000), "19691231235959"),
        ]
        for (pattern, zone, text) in cases {
            let p = try TimePattern(pattern)
            guard case .success(.timestamp(let t)) = Transform.parseTimestamp(p, zone: zone).apply(.string(text)) else {
                return XCTFail("parse \(text)")
            }
            XCTAssertEqual(p.format(t, zone: zone), text)
        }
    }

    func sorted(_ r: Row) -> [String] { r.columns.map { "\($0.0)=\($0.1)" }.sorted() }
}

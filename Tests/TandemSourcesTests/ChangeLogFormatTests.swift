import Foundation
import XCTest
import TandemCore
@testable import TandemSources

/// Change logs users already have (issue 9, finding 8), fixtures written here in the shape their documentation
/// shows: Maxwell's daemon (maxwells-daemon.io/dataformat: `database`, `table`, `type`, `ts`, `xid`, `commit`,
/// `data`, `old` with the changed columns' old values, `primary_key`/`primary_key_columns` with
/// `output_primary_keys`/`output_primary_key_columns`, `bootstrap-*` rows) and wal2json's format version 2
/// (github.com/eulerto/wal2json README and expected/*.out: one object per tuple, `action` B/C/I/U/D/T/M, `schema`,
/// `table`, `columns` of name/type/value, `identity` for the old key or row, `pk` with include-pk, `xid` with
/// include-xids, `timestamp` with include-timestamp; bytea as hex without `\x`; unchanged TOAST columns left out).
final class ChangeLogFormatTests: XCTestCase {
    func changes(_ spec: String, _ fixture: String) throws -> [Event] { try fixtureChanges(spec, fixture) }

    func testMaxwellLinesBecomeChanges() throws {
        let events = try changes("jsonl:PATH?format=maxwell", "maxwell/changes.jsonl")
        let lem: Row = ["id": .int(1), "daemon": .string("Stanislaw Lem")]
        let firebus: Row = ["id": .int(1), "daemon": .string("Firebus!  Firebus!")]
        func at(_ s: Int64) -> Timestamp { Timestamp(microseconds: s * 1_000_000) }
        XCTAssertEqual(events, [
            Event(txn: "940752", committedAt: at(1449786310), entity: "test.maxwell", key: Row(), op: .insert, after: lem),
            // `old` holds the changed columns' old values: over `data` they give the whole before-image.
            Event(txn: "940786", committedAt: at(1449786341), entity: "test.maxwell", key: Row(), op: .update, before: lem, after: firebus),
            Event(txn: "940790", committedAt: at(1449786350), entity: "test.maxwell", key: Row(), op: .insert, after: ["id": .int(2), "daemon": .string("Rorschach")]),
            Event(txn: "940790", committedAt: at(1449786350), entity: "test.maxwell", key: Row(), op: .delete, before: firebus),
            // bootstrap-start and -complete carry no row; bootstrap-insert is a snapshot row.
            Event(committedAt: at(1449786401), entity: "test.maxwell", key: Row(), op: .snapshot, after: ["id": .int(2), "daemon": .string("Rorschach")]),
            Event(txn: "940800", committedAt: at(1449786500), entity: "shop.orders", key: ["order_no": .string("A-7")], op: .insert,
                  after: ["order_no": .string("A-7"), "total": .double(12.5)]),
        ])
        XCTAssertEqual(try changes("jsonl:PATH?format=maxwell&entity=table", "maxwell/changes.jsonl").first?.entity, "maxwell")
    }

    func testWal2jsonLinesBecomeChanges() throws {
        let events = try changes("jsonl:PATH?format=wal2json", "wal2json/format-version-2.jsonl")
        let commit = try Timestamp(rfc3339: "2019-12-29T04:58:34.806671Z")
        let added = try Timestamp(rfc3339: "2019-12-29T04:58:34.806671Z")
        let scooter: Row = ["id": .int(1), "name": .string("scooter"), "price": .decimal("3.50"), "opens": .string("10:13:23"),
                            "added": .timestamp(added), "photo": .bytes(Array("Tapirus".utf8)), "active": .bool(true)]
        let big: Row = ["id": .int(1), "name": .string("big scooter"), "price": .decimal("4.00"), "opens": .string("09:00:00.500000"),
                        "added": .timestamp(added), "photo": .bytes(Array("Tapirus".utf8)), "active": .bool(false)]
        XCTAssertEqual(events.count, 6)
        XCTAssertEqual(events[0], Event(txn: "771", committedAt: commit, entity: "public.products", key: ["id": .int(1)], op: .insert, after: scooter))
        XCTAssertEqual(events[1], Event(txn: "771", committedAt: commit, entity: "public.products", key: ["id": .int(1)], op: .update,
                                        before: ["id": .int(1)], after: big))
        // Without include-xids the B/C lines still hold a transaction together: its changes share one txn.
        XCTAssertEqual(events[2].op, .insert)
        XCTAssertEqual(events[3], Event(txn: events[2].txn, entity: "public.products", key: Row(), op: .delete, before: ["id": .int(1)]))
        XCTAssertEqual(events[4], Event(txn: events[2].txn, entity: "public.orders", key: Row(), op: .truncate))
        XCTAssertNotNil(events[2].txn)
        XCTAssertNotEqual(events[5].txn, events[2].txn, "the next B starts another transaction")
        XCTAssertEqual(events[5].before, ["id": .int(9), "note": .string("full row")], "REPLICA IDENTITY FULL: identity is the old row")
    }

    /// The exact time-of-day text and PostgreSQL's timestamp text, at their edges.
    func testTimeAndTimestampTextAtTheEdges() throws {
        XCTAssertEqual(FormatValues.timeText(nanoseconds: 0), "00:00:00")
        XCTAssertEqual(FormatValues.timeText(nanoseconds: 86_399_999_999_000), "23:59:59.999999")
        XCTAssertEqual(FormatValues.timeText(nanoseconds: 3_020_399_000_000_000), "838:59:59", "MySQL's largest TIME")
        XCTAssertEqual(FormatValues.timeText(nanoseconds: -1_000), "-00:00:00.000001")
        XCTAssertEqual(FormatValues.timeText(nanoseconds: .min).hasPrefix("-2562047:"), true, "no trap at Int64.min")
        XCTAssertEqual(FormatValues.timeText(postgres: "24:00:00"), "24:00:00")
        XCTAssertEqual(FormatValues.timeText(postgres: "04:05:06.7"), "04:05:06.700000")
        XCTAssertNil(FormatValues.timeText(postgres: "04:05"))
        XCTAssertNil(FormatValues.timeText(postgres: "04:05:06."))
        XCTAssertEqual(FormatValues.timestamp(postgres: "2020-05-05 12:00:00.5-03"), try Timestamp(rfc3339: "2020-05-05T15:00:00.5Z"))
        XCTAssertEqual(FormatValues.timestamp(postgres: "2020-05-05 12:00:00+05:30"), try Timestamp(rfc3339: "2020-05-05T06:30:00Z"))
        XCTAssertEqual(FormatValues.timestamp(postgres: "1900-01-01 00:00:00+00:00:00"), try Timestamp(rfc3339: "1900-01-01T00:00:00Z"))
        XCTAssertNil(FormatValues.timestamp(postgres: "infinity"))
        XCTAssertNil(FormatValues.timestamp(postgres: "0044-03-15 12:00:00 BC"))
    }

    /// wal2json's default format version 1 (one object a transaction) is refused with the option that fixes it.
    func testWal2jsonFormatVersionOneIsRefusedWithTheFix() {
        let v1 = #"{"change":[{"kind":"insert","schema":"public","table":"t","columnnames":["a"],"columntypes":["integer"],"columnvalues":[1]}]}"#
        guard case .failure(let r) = RawFormat(.wal2json).decode(Array(v1.utf8), position: "p") else { return XCTFail() }
        XCTAssertTrue(r.reason.contains("format-version 2"), r.reason)
    }
}

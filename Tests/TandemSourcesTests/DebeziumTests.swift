import Foundation
import XCTest
import TandemCore
@testable import TandemSources

/// Debezium change events, built from the examples in Debezium's PostgreSQL connector documentation
/// (create, update, delete, snapshot read, truncate, tombstone; with and without the schema wrapper).
final class DebeziumTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/debezium")

    /// All changes of a fixture file through the jsonl source and the pass-through mapping.
    func journaled(_ fixture: String, mapping: Mapping = .passThrough) throws -> [Event] {
        let s = JSONLinesSource(.init(path: DebeziumTests.fixtures.appendingPathComponent(fixture).path, format: .debezium))
        try s.open(after: nil)
        let records = try s.read(limit: 1000, wait: nil, stop: nil)
        return records.map { r -> Event in
            XCTAssertNil(r.failure, "\(r.failure!)")
            guard let c = r.change, case .event(var e) = mapping.apply(c) else { XCTFail("rejected \(r)"); return Event(entity: "", key: Row(), op: .insert) }
            XCTAssertNotNil(e.sourcePosition)
            e.sourcePosition = nil
            return e
        }
    }

    let anne: Row = ["id": .int(1), "first_name": .string("Anne"), "last_name": .string("Kretchmar"), "email": .string("annek@noanswer.org")]
    let at = Timestamp(microseconds: 1_559_033_904_863_000)

    var expected: [Event] {
        var marie = anne
        marie["first_name"] = .string("Anne Marie")
        return [
            Event(txn: "555", committedAt: at, entity: "public.customers", key: ["id": .int(1)], op: .snapshot, after: anne),
            Event(txn: "555", committedAt: at, entity: "public.customers", key: ["id": .int(1)], op: .insert, after: anne),
            Event(txn: "556", committedAt: at, entity: "public.customers", key: ["id": .int(1)], op: .update, before: ["id": .int(1)], after: marie),
            Event(txn: "556", committedAt: at, entity: "public.customers", key: ["id": .int(1)], op: .delete, before: ["id": .int(1)]),
            // The tombstone (a null line) is skipped.
            Event(txn: "556", committedAt: at, entity: "public.customers", key: Row(), op: .truncate),
        ]
    }

    func testWithoutSchemaWrapper() throws {
        XCTAssertEqual(try journaled("without-schema.jsonl"), expected)
    }

    func testWithSchemaWrapperGivesTheSameEvents() throws {
        XCTAssertEqual(try journaled("with-schema.jsonl"), expected)
    }

    func testDeclaredTypesDecideValues() throws {
        let events = try journaled("typed-with-schema.jsonl")
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.after, [
            "id": .int(7), "total": .decimal("10.50"), "refund": .decimal("-1.50"),
            "created": .timestamp(try Timestamp(rfc3339: "2018-06-20T15:13:16.945104Z")),
            "day": .timestamp(try Timestamp(rfc3339: "2018-06-20T00:00:00Z")),
            "shipped": .timestamp(try Timestamp(rfc3339: "2018-06-20T13:13:16.945104Z")),
            "billed": .timestamp(try Timestamp(rfc3339: "2018-06-20T15:13:16.945Z")),
            "rate": .decimal("12.345"), "paid": .bool(true), "weight": .double(1.5),
        ])
        XCTAssertEqual(events.first?.entity, "inventory.orders")
        XCTAssertEqual(events.first?.txn, "556")
    }

    func testDecimalText() {
        XCTAssertEqual(DebeziumTypes.decimalText(unscaled: [0x00], scale: 2), "0.00")
        XCTAssertEqual(DebeziumTypes.decimalText(unscaled: [0x05], scale: 3), "0.005")
        XCTAssertEqual(DebeziumTypes.decimalText(unscaled: [0xFF], scale: 0), "-1")
        // -2^71, beyond Int64.
        XCTAssertEqual(DebeziumTypes.decimalText(unscaled: [0x80, 0, 0, 0, 0, 0, 0, 0, 0], scale: 4), "-236118324143482260.6848")
        XCTAssertEqual(DebeziumTypes.decimalText(unscaled: [0x01], scale: -2), "100")
    }

    func testMappingPrimaryKeyAndBrokenEnvelopes() {
        let m = try! Mapping.parse(Data(#"{"entities":{"accounts":{"primaryKey":["acct_no"]}}}"#.utf8))
        func decode(_ s: String) -> LineDecoding { RawFormat.debezium.decode(Array(s.utf8), position: "p") }
        guard case .change(let c) = decode(#"{"before":null,"after":{"acct_no":"A-1","x":1},"source":{"table":"accounts","ts_ms":1},"op":"c"}"#),
              case .event(let e) = m.apply(c) else { return XCTFail() }
        XCTAssertEqual(e.key, ["acct_no": .string("A-1")])
        guard case .change(let c2) = decode(#"{"after":{"acct":"A-1"},"source":{"table":"ledger"},"op":"c"}"#),
              case .rejected(let r) = Mapping.passThrough.apply(c2) else { return XCTFail() }
        XCTAssertEqual(r.rule, "key")
        guard case .failure(let f1) = decode(#"{"after":{"id":1},"source":{"table":"t"},"op":"x"}"#) else { return XCTFail() }
        XCTAssertEqual(f1.reason, #"unknown op "x"; expected c, u, d, r or t"#)
        guard case .failure(let f2) = decode(#"{"after":{"id":1},"op":"c"}"#) else { return XCTFail() }
        XCTAssertEqual(f2.reason, #"missing object "source""#)
        guard case .failure(let f3) = decode(#"{"after":{"id":1},"source":{"table":"t"},"op":"c""#) else { return XCTFail() }
        XCTAssertEqual(f3.rule, "parse")
        guard case .skip = decode("null") else { return XCTFail() }
        guard case .skip = decode(#"{"schema":{"type":"struct"},"payload":null}"#) else { return XCTFail() }
    }

    /// A line whose numbers would trap or allocate gigabytes is one rejected line, not a crash (on every restart).
    func testHostileScalesAndOverflowingTimesAreRejectedLines() {
        func line(_ type: String, _ name: String, _ params: String, _ value: String) -> String {
            #"{"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"int32","field":"id"},"#
                + #"{"type":"\#(type)","name":"\#(name)"\#(params),"field":"v"}]}]},"#
                + #""payload":{"after":{"id":1,"v":\#(value)},"source":{"table":"t"},"op":"c"}}"#
        }
        let decimal = "org.apache.kafka.connect.data.Decimal", variable = "io.debezium.data.VariableScaleDecimal"
        let cases: [(String, String)] = [
            (line("bytes", decimal, #","parameters":{"scale":"-9223372036854775808"}"#, #""AQ==""#), "scale -9223372036854775808 is beyond ±1000"),
            (line("bytes", decimal, #","parameters":{"scale":4000000000}"#, #""AQ==""#), "scale 4000000000 is beyond ±1000"),
            (line("struct", variable, "", #"{"scale":-9223372036854775808,"value":"AQ=="}"#), "scale -9223372036854775808 is beyond ±1000"),
            (line("struct", variable, "", #"{"scale":4000000000,"value":"AQ=="}"#), "scale 4000000000 is beyond ±1000"),
            (line("int32", "io.debezium.time.Date", "", "9223372036854775807"), "a Date of 9223372036854775807 days is out of range"),
            (line("int64", "io.debezium.time.Timestamp", "", "-9223372036854775808"), "a Timestamp of -9223372036854775808 ms is out of range"),
        ]
        for (text, expected) in cases {
            guard case .failure(let r) = RawFormat.debezium.decode(Array(text.utf8), position: "p") else {
                XCTFail("accepted: \(text)"); continue
            }
            XCTAssertTrue(r.reason.contains(#"column "v": "#) && r.reason.contains(expected), r.reason)
        }
        // The bounds themselves still decode.
        guard case .change(let c) = RawFormat.debezium.decode(Array(line("bytes", decimal, #","parameters":{"scale":"1000"}"#, #""AQ==""#).utf8), position: "p") else {
            return XCTFail("scale 1000 rejected")
        }
        XCTAssertEqual(c.after?["v"], .decimal("0." + String(repeating: "0", count: 999) + "1"))
    }

    /// The conversion of a Decimal's unscaled bytes gives the same text as plain digit-by-digit long division
    /// (the reference below) for every length and sign, with and without a scale.
    func testDecimalConversionAgreesWithLongDivisionAtEveryLength() {
        func reference(_ bytes: [UInt8], scale: Int) -> String {
            let negative = (bytes.first ?? 0) & 0x80 != 0
            var mag = bytes
            if negative {
                for i in mag.indices { mag[i] = ~mag[i] }
                var i = mag.count - 1
                while i >= 0 { mag[i] &+= 1; if mag[i] != 0 { break }; i -= 1 }
            }
            var digits: [UInt8] = []
            while mag.contains(where: { $0 != 0 }) {
                var rem: UInt32 = 0
                for i in mag.indices { let acc = rem << 8 | UInt32(mag[i]); mag[i] = UInt8(acc / 10); rem = acc % 10 }
                digits.append(UInt8(rem) + 48)
            }
            if digits.isEmpty { digits = [48] }
            var text = String(decoding: digits.reversed(), as: UTF8.self)
            if scale > 0 {
                if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
                text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
            } else if scale < 0 {
                text += String(repeating: "0", count: -scale)
            }
            if negative && text.contains(where: { $0 != "0" && $0 != "." }) { text = "-" + text }
            return text
        }
        var rng = SplitMix64(seed: 8)
        for length in 1...70 {
            for trial in 0..<6 {
                var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if trial == 0 { bytes = [UInt8](repeating: 0, count: length) }
                if trial == 1 { bytes = [0x80] + [UInt8](repeating: 0, count: length - 1) }
                if trial == 2 { bytes = [UInt8](repeating: 0xFF, count: length) }
                let scale = [0, 2, -3, 40][trial % 4]
                XCTAssertEqual(DebeziumTypes.decimalText(unscaled: bytes, scale: scale), reference(bytes, scale: scale), "\(bytes) scale \(scale)")
            }
        }
    }

    /// A Decimal beyond the size limit is a rejected line (quarantine) instead of minutes of conversion that
    /// also hold up SIGTERM; one at the limit decodes exactly.
    func testADecimalBeyondTheSizeLimitIsARejectedLine() {
        func line(_ unscaled: [UInt8]) -> [UInt8] {
            Array((#"{"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"int32","field":"id"},"#
                + #"{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"},"field":"amount"}]}]},"#
                + #""payload":{"after":{"id":1,"amount":"\#(Base64.encode(unscaled))"},"source":{"table":"t"},"op":"c"}}"#).utf8)
        }
        let limit = DebeziumTypes.maxDecimalBytes
        guard case .failure(let r) = RawFormat.debezium.decode(line([UInt8](repeating: 0x35, count: 2 * limit)), position: "p") else {
            return XCTFail("a Decimal of \(2 * limit) bytes was accepted")
        }
        XCTAssertEqual(r.reason, "column \"amount\": a decimal of \(2 * limit) bytes is beyond the limit of \(limit) bytes (2,466 digits)")
        guard case .change(let c) = RawFormat.debezium.decode(line([0x01] + [UInt8](repeating: 0, count: limit - 1)), position: "p"),
              case .decimal(let text)? = c.after?["amount"] else { return XCTFail("a Decimal at the limit was rejected") }
        // 256^1023 = 2^8184: 2,464 digits, 426…4816; scale 2 puts a "." before the last two.
        XCTAssertEqual(text.count, 2_465)
        XCTAssertTrue(text.hasPrefix("426") && text.hasSuffix("48.16"), String(text.suffix(10)))
    }

    /// A line with thousands of columns decodes every column (and still finds a repeated one).
    func testALineWithThousandsOfColumnsDecodesEveryColumn() {
        let cols = (0..<8_000).map { #""c\#($0)":\#($0)"# }.joined(separator: ",")
        let text = #"{"after":{"id":1,\#(cols)},"source":{"table":"t"},"op":"c"}"#
        guard case .change(let c) = RawFormat.debezium.decode(Array(text.utf8), position: "p") else { return XCTFail() }
        XCTAssertEqual(c.after?.count, 8_001)
        XCTAssertEqual(c.after?["c7999"], .int(7_999))
        let repeated = #"{"after":{"id":1,\#(cols),"c5":0},"source":{"table":"t"},"op":"c"}"#
        guard case .failure(let r) = RawFormat.debezium.decode(Array(repeated.utf8), position: "p") else { return XCTFail() }
        XCTAssertEqual(r.reason, #""after" repeats the column "c5""#)
    }
}

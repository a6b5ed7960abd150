import Testing
@testable import TandemCore

/// The event line: exact output for every value type and the corner values of each.
@Suite struct EventJSONTests {
    static let designExample = #"{"seq":17,"sourcePosition":"changes.log:4711","txn":"t-42","committedAt":"2026-11-24T10:00:00.000000Z","entity":"customers","key":{"id":42},"op":"update","before":{"id":42,"email":"old@example.com"},"after":{"id":42,"email":"new@example.com","balance":{"decimal":"10.50"}},"tenant":"acme","origin":"legacy"}"#

    /// The line of an insert into `t` keyed by `k` whose after-image is `after`.
    func line(_ after: String) -> String { #"{"entity":"t","key":{},"op":"insert","after":"# + after + "}" }

    func encode(_ after: Row) -> String { EventJSON.string(Event(entity: "t", key: Row(), op: .insert, after: after)) }

    @Test func designExampleParsesAndPrintsIdentically() throws {
        let e = try EventJSON.decode(Self.designExample, keepSeq: true)
        #expect(e.seq == 17)
        #expect(e.sourcePosition == "changes.log:4711")
        #expect(e.txn == "t-42")
        #expect(e.committedAt == Timestamp(microseconds: 1_795_514_400_000_000))
        #expect(e.entity == "customers")
        #expect(e.key == ["id": .int(42)])
        #expect(e.op == .update)
        #expect(e.before == ["id": .int(42), "email": .string("old@example.com")])
        #expect(e.after == ["id": .int(42), "email": .string("new@example.com"), "balance": .decimal("10.50")])
        #expect(e.tenant == "acme")
        #expect(e.origin == "legacy")
        #expect(EventJSON.string(e) == Self.designExample)
    }

    @Test func seqIsIgnoredOnInputUnlessKept() throws {
        #expect(try EventJSON.decode(Self.designExample).seq == 0)
        #expect(try EventJSON.decode(Self.designExample, keepSeq: true).seq == 17)
        let big = #"{"seq":18446744073709551615,"entity":"t","key":{},"op":"delete"}"#
        let e = try EventJSON.decode(big, keepSeq: true)
        #expect(e.seq == UInt64.max)
        #expect(EventJSON.string(e) == big)
    }

    @Test func absentOptionalsAndZeroSeqAreOmitted() {
        let e = Event(entity: "t", key: ["id": .int(1)], op: .delete)
        #expect(EventJSON.string(e) == #"{"entity":"t","key":{"id":1},"op":"delete"}"#)
    }

    @Test func nullOptionalsMeanAbsent() throws {
        let e = try EventJSON.decode(#"{"sourcePosition":null,"txn":null,"committedAt":null,"entity":"t","key":{},"op":"truncate","before":null,"after":null,"tenant":null,"origin":null}"#)
        #expect(same(e, Event(entity: "t", key: Row(), op: .truncate)))
    }

    @Test func whitespaceAndCarriageReturnAreAllowed() throws {
        let e = try EventJSON.decode(" {\t\"entity\" : \"t\" ,\n \"key\" : { \"id\" : 1 } , \"op\":\"insert\" } \r")
        #expect(e.key == ["id": .int(1)])
    }

    @Test func integersAreExactInt64() throws {
        let row: Row = ["min": .int(.min), "max": .int(.max), "p53": .int(9_007_199_254_740_993), "zero": .int(0), "neg": .int(-7)]
        let text = encode(row)
        #expect(text.contains(#""min":-9223372036854775808,"max":9223372036854775807,"p53":9007199254740993,"zero":0,"neg":-7"#))
        #expect(try EventJSON.decode(text).after == row)
    }

    @Test func doublesKeepTheirBitsAndReadBackAsDoubles() throws {
        let doubles: [Double] = [-0.0, 0.0, 1.0, 0.1, 1e308, .leastNonzeroMagnitude, -2.5, 1e16, 123456.789, .greatestFiniteMagnitude,
                                 .leastNormalMagnitude, 9007199254740993.0, 0.30000000000000004]
        var row = Row()
        for (k, d) in doubles.enumerated() { row["d\(k)"] = .double(d) }
        let text = encode(row)
        #expect(text.contains(#""d0":-0.0,"d1":0.0,"d2":1.0,"d3":0.1,"d4":1e+308,"d5":5e-324,"d6":-2.5,"d7":1e+16"#))
        let back = try #require(try EventJSON.decode(text).after)
        #expect(same(back, row))
    }

    @Test func numbersWithFractionOrExponentAreDoubles() throws {
        let after = try EventJSON.decode(line(#"{"a":1.0,"b":1e2,"c":-0,"d":2E-3,"e":1.5e+300,"f":12345678901234567890.5}"#)).after
        #expect(after == ["a": .double(1), "b": .double(100), "c": .int(0), "d": .double(0.002), "e": .double(1.5e300),
                          "f": .double(12345678901234567890.5)])
    }

    @Test func nonFiniteDoublesUseTheDoubleObject() throws {
        let row: Row = ["nan": .double(.nan), "inf": .double(.infinity), "ninf": .double(-.infinity)]
        let text = encode(row)
        #expect(text.contains(#"{"nan":{"double":"NaN"},"inf":{"double":"Infinity"},"ninf":{"double":"-Infinity"}}"#))
        let back = try #require(try EventJSON.decode(text).after)
        #expect(same(back, row))
        #expect(try EventJSON.decode(line(#"{"x":{"double":3}}"#)).after == ["x": .double(3)])
    }

    @Test func decimalsBytesAndTimestampsUseOneKeyObjects() throws {
        let row: Row = [
            "d": .decimal("10.50"), "big": .decimal("-123456789012345678901234567890.000"),
            "empty": .bytes([]), "b": .bytes([0, 0xFF, 0x10]),
            "epoch": .timestamp(Timestamp(microseconds: 0)), "before": .timestamp(Timestamp(microseconds: -1)),
            "last": .timestamp(Timestamp.rfc3339Max),
        ]
        let text = encode(row)
        #expect(text.contains(#"{"d":{"decimal":"10.50"},"big":{"decimal":"-123456789012345678901234567890.000"},"empty":{"bytes":""},"b":{"bytes":"AP8Q"},"epoch":{"timestamp":"1970-01-01T00:00:00.000000Z"},"before":{"timestamp":"1969-12-31T23:59:59.999999Z"},"last":{"timestamp":"9999-12-31T23:59:59.999999Z"}}"#))
        #expect(try EventJSON.decode(text).after == row)
        // Input may be laxer: unpadded base64, '\/' escapes, timestamps with offsets.
        let lax = try EventJSON.decode(line(#"{"b":{"bytes":"AP8Q\/w"},"t":{"timestamp":"1970-01-01T01:00:00+01:00"}}"#)).after
        #expect(lax == ["b": .bytes([0, 0xFF, 0x10, 0xFF]), "t": .timestamp(Timestamp(microseconds: 0))])
    }

    @Test(arguments: ["0", "-12", "+3", "10.50", ".5", "5.", "1.5e-3", "2E+10", "NaN", "Infinity", "-Infinity",
                      "123456789012345678901234567890.000000000000000000001"])
    func decimalTextIsKeptAsWritten(text: String) throws {
        #expect(try EventJSON.decode(line(#"{"d":{"decimal":"\#(text)"}}"#)).after == ["d": .decimal(text)])
    }

    @Test(arguments: ["", "-", ".", "1e", "1.2.3", " 1", "1 ", "nan", "Infinity1", "0x10", "1,5", "١"])
    func nonDecimalTextIsRejected(text: String) throws {
        let reason = #"field "after", column "d": "\#(text)" is not a decimal number"#
        #expect(throws: JSONError(offset: 61, reason: reason)) {
            try EventJSON.decode(line(#"{"d":{"decimal":"\#(text)"}}"#))
        }
    }

    @Test func stringsKeepEveryUnicodeScalarIncludingNulAndControls() throws {
        let text = "a\u{0}b\u{1}\u{1F}\t\n\r\"\\/\u{7F}é€😀\u{10FFFF}\u{2028}"
        let row: Row = [text: .string(text), "": .string("")]
        let out = encode(row)
        let escaped = #""a\u0000b\u0001\u001f\t\n\r\"\\/"# + "\u{7F}é€😀\u{10FFFF}\u{2028}\""
        #expect(out == #"{"entity":"t","key":{},"op":"insert","after":{"# + escaped + ":" + escaped + #","":""}}"#)
        #expect(try EventJSON.decode(out).after == row)
        // Escaped input decodes to the same text, surrogate pairs included.
        let viaEscapes = #"{"s":"a\u0000b\u0001\u001F\t\n\r\"\\\/\u007f\u00e9\u20AC\ud83d\ude00\udbff\udfff\u2028"}"#
        #expect(try EventJSON.decode(line(viaEscapes)).after == ["s": .string(text)])
        #expect(try EventJSON.decode(line(#"{"s":"\b\f"}"#)).after == ["s": .string("\u{8}\u{C}")])
    }

    @Test func emptyRowsAndEmptyKeys() throws {
        let e = Event(entity: "t", key: Row(), op: .update, before: Row(), after: Row())
        let text = EventJSON.string(e)
        #expect(text == #"{"entity":"t","key":{},"op":"update","before":{},"after":{}}"#)
        #expect(try EventJSON.decode(text) == e)
    }

    @Test func escapedSpellingsOfNamesAreTheSameNames() throws {
        let e = try EventJSON.decode(#"{"\u0065ntity":"t","k\u0065y":{"a":{"d\u0065cimal":"1"},"b":{"double":"N\u0061N"}},"op":"ins\u0065rt"}"#)
        #expect(e.entity == "t")
        #expect(e.op == .insert)
        #expect(e.key["a"] == .decimal("1"))
        #expect(e.key["b"].map { if case .double(let d) = $0 { d.isNaN } else { false } } == true)
        #expect(throws: JSONError(offset: 37, reason: #"unknown field "tenan\t""#)) {
            try EventJSON.decode(#"{"entity":"t","key":{},"op":"insert","tenan\t":"x"}"#)
        }
    }

    @Test func everyOpRoundTrips() throws {
        for op in ChangeKind.allCases {
            let text = EventJSON.string(Event(entity: "t", key: Row(), op: op))
            #expect(text.contains(#""op":"\#(op.rawValue)""#))
            #expect(try EventJSON.decode(text).op == op)
        }
    }
}

/// Rows and values outside an event line, for sources that carry row images as JSON.
@Suite struct EventJSONRowTests {
    @Test func standaloneRowsUseTheEventValueRules() throws {
        let row = try EventJSON.decodeRow(#" {"id":42,"price":{"decimal":"9.99"},"ratio":0.5,"name":"Zoë","gone":null} "#)
        #expect(row == ["id": .int(42), "price": .decimal("9.99"), "ratio": .double(0.5), "name": .string("Zoë"), "gone": .null])
        #expect(try EventJSON.decodeRow("{}") == Row())
        #expect(throws: JSONError(offset: 0, reason: "expected an object, found '['")) { try EventJSON.decodeRow("[]") }
    }

    @Test func standaloneRowErrorsNameTheColumn() {
        #expect(throws: JSONError(offset: 6, reason: #"column "a": arrays are not a value type"#)) {
            try EventJSON.decodeRow(#"{"a": [1]}"#)
        }
        #expect(throws: JSONError(offset: 8, reason: "unexpected ',' after the row")) { try EventJSON.decodeRow(#"{"a": 1},"#) }
    }

    @Test func wideRowsRoundTripAndRepeatedColumnsAreFoundInThem() throws {
        var row = Row()
        for k in 0..<5_000 { row.appendUnchecked("c\(k)", .int(Int64(k))) }
        var text = [UInt8]()
        EventJSON.write(row, into: &text)
        #expect(try text.withUnsafeBytes { try EventJSON.decodeRow($0) } == row)
        text.removeLast()
        text.append(contentsOf: Array(#","c4999":0}"#.utf8))
        #expect(throws: JSONError(offset: text.count - 10, reason: #"duplicate column "c4999""#)) {
            try text.withUnsafeBytes { try EventJSON.decodeRow($0) }
        }
    }

    @Test func valuesFromParsedJSON() throws {
        #expect(try EventJSON.value(.number("9007199254740993")) == .int(9_007_199_254_740_993))
        #expect(try EventJSON.value(.number("1e2")) == .double(100))
        #expect(try EventJSON.value(.object([("timestamp", .string("1970-01-01T00:00:00Z"))])) == .timestamp(Timestamp(microseconds: 0)))
        #expect(throws: JSONError(offset: 0, reason: "arrays are not a value type")) { try EventJSON.value(.array([])) }
    }

    @Test func doublesBeyondRangeAreErrorsNotInfinity() {
        #expect(throws: JSONError(offset: 5, reason: #"column "a": number 1e400 is out of the range of a double"#)) {
            try EventJSON.decodeRow(#"{"a":1e400}"#)
        }
        #expect(throws: JSONError(offset: 15, reason: #"column "a": number -2e308 is out of the range of a double"#)) {
            try EventJSON.decodeRow(#"{"a":{"double":-2e308}}"#)
        }
    }
}

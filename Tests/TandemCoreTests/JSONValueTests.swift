import Testing
@testable import TandemCore

/// The generic JSON reader others build on (Debezium envelopes, config files).
@Suite struct JSONValueTests {
    static let envelope = #"""
    {"schema":{"type":"struct","optional":false},
     "payload":{"before":null,"after":{"id":42,"email":"a@b.c","score":1.5e3},"op":"c",
                "source":{"db":"shop","table":"customers","txId":9007199254740993,"lsn":123},"ts_ms":1732442400000}}
    """#

    @Test func parsesADebeziumEnvelope() throws {
        let v = try JSONValue.parse(Self.envelope)
        let payload = try #require(v["payload"])
        #expect(payload["before"]?.isNull == true)
        #expect(payload["after"]?["id"]?.int64 == 42)
        #expect(payload["after"]?["email"]?.string == "a@b.c")
        #expect(payload["after"]?["score"]?.double == 1500)
        #expect(payload["after"]?["score"]?.int64 == nil, "a number with an exponent is not an integer")
        #expect(payload["op"]?.string == "c")
        #expect(payload["source"]?["txId"]?.int64 == 9_007_199_254_740_993)
        #expect(payload["ts_ms"]?.int64 == 1_732_442_400_000)
        #expect(v["schema"]?["optional"]?.bool == false)
        #expect(v["missing"] == nil)
        #expect(payload.object?.map(\.key) == ["before", "after", "op", "source", "ts_ms"], "members keep their order")
    }

    @Test func writesCompactTextThatParsesBack() throws {
        let v = try JSONValue.parse(Self.envelope)
        let text = v.description
        #expect(text.hasPrefix(#"{"schema":{"type":"struct","optional":false},"payload":{"before":null,"after":{"id":42,"#))
        #expect(try JSONValue.parse(text) == v)
    }

    @Test func scalarsArraysAndNumbers() throws {
        #expect(try JSONValue.parse(" [1, -0, 2.50, 1E+2, true, false, null, \"\\u00e9\", [], {}] ") == .array([
            .number("1"), .number("-0"), .number("2.50"), .number("1E+2"), .bool(true), .bool(false), .null,
            .string("é"), .array([]), .object([]),
        ]))
        #expect(JSONValue.number("2.50").double == 2.5)
        #expect(JSONValue.number("9223372036854775807").int64 == .max)
        #expect(JSONValue.number("9223372036854775808").int64 == nil)
        #expect(JSONValue.number("-9223372036854775808").int64 == .min)
        #expect(JSONValue.int(-5).description == "-5")
        #expect(JSONValue.double(0.1).description == "0.1")
        #expect(JSONValue.double(.nan) == .null)
        var out: [UInt8] = []
        JSONWriter.double(.infinity, into: &out)
        JSONWriter.double(-0.0, into: &out)
        JSONWriter.int(.min, into: &out)
        JSONWriter.string("\u{1}\"x", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"null-0.0-9223372036854775808"\u0001\"x""#)
        #expect(try JSONValue.parse("[1,2]")[1] == .number("2"))
        #expect(try JSONValue.parse(#"{"a":1,"a":2}"#)["a"] == .number("1"), "duplicate keys: the first wins")
    }

    @Test func nestingIsBoundedSoHostileInputCannotExhaustTheStack() throws {
        let ok = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: JSONError(offset: 512, reason: "nesting deeper than 512 levels")) { try JSONValue.parse(deep) }
        let objects = String(repeating: #"{"a":"#, count: 600)
        #expect(throws: JSONError(offset: 2560, reason: "nesting deeper than 512 levels")) { try JSONValue.parse(objects) }
    }

    @Test func errorsInMultiLineFilesHaveALineAndColumn() {
        let text = Array("{\n  \"a\": 1,\n  \"b\": tru\n}".utf8)
        do {
            _ = try JSONValue.parse(text)
            Issue.record("no error")
        } catch {
            #expect(error.description == "invalid literal (expected true, false or null) at byte 19")
            #expect(error.location(in: text) == (3, 8))
        }
    }

    @Test(arguments: [
        ("", "unexpected end of input at byte 0"),
        ("{", "unexpected end of input at byte 1"),
        (#"{"a":1"#, "unexpected end of input at byte 6"),
        (#"{"a" 1}"#, "expected ':' after a key, found '1' at byte 5"),
        ("[1,]", "expected a JSON value, found ']' at byte 3"),
        ("[1 2]", "expected ',' or ']' after an array element, found '2' at byte 3"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}' after an object member, found '\"' at byte 7"),
        ("{1:2}", "expected a string key, found '1' at byte 1"),
        ("nul", "invalid literal (expected true, false or null) at byte 0"),
        ("1 2", "unexpected '2' after the JSON value at byte 2"),
        ("-", "invalid number: expected a digit at byte 1"),
        ("\"a\\", "unexpected end of input inside a string at byte 3"),
        ("'a'", "expected a JSON value, found ''' at byte 0"),
        ("\u{FEFF}{}", "expected a JSON value, found byte 0xEF at byte 0"),
    ])
    func rejectsWithExactReason(text: String, message: String) {
        do { _ = try JSONValue.parse(text); Issue.record("no error for \(text)") } catch { #expect(error.description == message) }
    }

    /// Valid JSON a config must not hold: a key named twice, a number beyond a double; each with its path.
    @Test func strictnessFaultNamesTheFirstDuplicateKeyOrOutOfRangeNumber() throws {
        #expect(try JSONValue.parse(#"{"a":[1,2e307,{"b":-1e-999}],"c":{"a":1}}"#).strictnessFault(at: "x") == nil)
        #expect(try JSONValue.parse(#"{"a":[1,{"b":1,"b":2}]}"#).strictnessFault(at: "x")?.path == "x.a[1].b")
        #expect(try JSONValue.parse(#"{"a":[1,1e309]}"#).strictnessFault(at: "x")?.message
                == "the number 1e309 is out of range (beyond ±1.8e308)")
    }
}

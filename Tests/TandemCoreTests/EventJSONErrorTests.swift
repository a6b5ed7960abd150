import Testing
@testable import TandemCore

/// Malformed event lines: each is rejected with the exact reason and byte offset an operator reads.
@Suite struct EventJSONErrorTests {
    static let cases: [(String, String)] = [
        ("", "empty line: expected an event object at byte 0"),
        ("   ", "empty line: expected an event object at byte 3"),
        ("[1]", "expected \'{\' at the start of an event, found \'[\' at byte 0"),
        ("{\"entity\":\"t\",\"key\":{\"id\":1},\"op\":\"ins", "unexpected end of line inside a string at byte 38"),
        ("{\"entity\":\"t\",\"key\":{\"id\":1},\"op\":\"insert\"", "unexpected end of line at byte 42"),
        ("{\"entity\":\"t\",\"key\":{\"id\":1},\"op\":\"insert\"} {}", "unexpected \'{\' after the event at byte 44"),
        ("{\"entity\":\"t\",\"key\":{\"id\":1},\"op\":\"insert\"}x", "unexpected \'x\' after the event at byte 43"),
        ("{\"entity\":\"t\",\"key\":{\"id\":1}}", "missing required field \"op\" at byte 28"),
        ("{\"key\":{\"id\":1},\"op\":\"insert\"}", "missing required field \"entity\" at byte 29"),
        ("{\"entity\":\"t\",\"op\":\"insert\"}", "missing required field \"key\" at byte 27"),
        ("{\"entity\":\"t\",\"key\":[1],\"op\":\"insert\"}", "field \"key\": expected an object, found \'[\' at byte 20"),
        ("{\"entity\":\"t\",\"key\":\"1\",\"op\":\"insert\"}", "field \"key\": expected an object, found \'\"\' at byte 20"),
        ("{\"entity\":1,\"key\":{},\"op\":\"insert\"}", "field \"entity\": expected a string, found \'1\' at byte 10"),
        ("{\"entity\":\"\",\"key\":{},\"op\":\"insert\"}", "field \"entity\": must not be empty at byte 10"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":\"upsert\"}", "field \"op\": unknown op \"upsert\" (expected insert, update, delete, snapshot or truncate) at byte 28"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":3}", "field \"op\": expected a string, found \'3\' at byte 28"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":\"insert\",\"tenant\":5}", "field \"tenant\": expected a string or null, found \'5\' at byte 46"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":\"insert\",\"tennant\":\"acme\"}", "unknown field \"tennant\" at byte 37"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":\"insert\",\"entity\":\"u\"}", "duplicate field \"entity\" at byte 37"),
        ("{\"entity\":\"t\",\"key\":{\"a\":1,\"a\":2},\"op\":\"insert\"}", "field \"key\": duplicate column \"a\" at byte 27"),
        ("{\"entity\":\"t\",\"key\":{\"a\":[1]},\"op\":\"insert\"}", "field \"key\", column \"a\": arrays are not a value type at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":{\"money\":\"1\"}},\"op\":\"insert\"}", "field \"key\", column \"a\": unknown value object \"money\" (expected \"decimal\", \"bytes\", \"timestamp\" or \"double\") at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":{\"decimal\":\"1\",\"x\":1}},\"op\":\"insert\"}", "field \"key\", column \"a\": expected \'}\' after the value (a value object has exactly one member), found \',\' at byte 39"),
        ("{\"entity\":\"t\",\"key\":{\"a\":{\"decimal\":1.5}},\"op\":\"insert\"}", "field \"key\", column \"a\": a decimal must be a string, found \'1\' at byte 36"),
        ("{\"entity\":\"t\",\"key\":{\"a\":{\"decimal\":\"1,5\"}},\"op\":\"insert\"}", "field \"key\", column \"a\": \"1,5\" is not a decimal number at byte 36"),
        ("{\"entity\":\"t\",\"key\":{\"a\":{\"bytes\":\"AP8*\"}},\"op\":\"insert\"}", "field \"key\", column \"a\": \'*\' is not a base64 character (invalid base64) at byte 38"),
        ("{\"entity\":\"t\",\"key\":{\"a\":{\"timestamp\":\"2026-11-24\"}},\"op\":\"insert\"}", "field \"key\", column \"a\": invalid timestamp \"2026-11-24\": text ends before \'T\' between date and time at byte 49"),
        ("{\"entity\":\"t\",\"key\":{\"a\":{\"double\":\"nan\"}},\"op\":\"insert\"}", "field \"key\", column \"a\": a double as text must be \"NaN\", \"Infinity\" or \"-Infinity\" at byte 35"),
        ("{\"entity\":\"t\",\"key\":{\"a\":9223372036854775808},\"op\":\"insert\"}", "field \"key\", column \"a\": integer 9223372036854775808 does not fit in int64 at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":-9223372036854775809},\"op\":\"insert\"}", "field \"key\", column \"a\": integer -9223372036854775809 does not fit in int64 at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":01},\"op\":\"insert\"}", "field \"key\", column \"a\": invalid number: leading zero at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":1.},\"op\":\"insert\"}", "field \"key\", column \"a\": invalid number: expected a digit after \'.\' at byte 27"),
        ("{\"entity\":\"t\",\"key\":{\"a\":.5},\"op\":\"insert\"}", "field \"key\", column \"a\": expected a value, found \'.\' at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":1e},\"op\":\"insert\"}", "field \"key\", column \"a\": invalid number: expected a digit in the exponent at byte 27"),
        ("{\"entity\":\"t\",\"key\":{\"a\":+1},\"op\":\"insert\"}", "field \"key\", column \"a\": expected a value, found \'+\' at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":tru},\"op\":\"insert\"}", "field \"key\", column \"a\": invalid literal (expected true, false or null) at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":\"x\\qy\"},\"op\":\"insert\"}", "field \"key\", column \"a\": invalid escape \'\\q\' in a string at byte 27"),
        ("{\"entity\":\"t\",\"key\":{\"a\":\"\\ud800x\"},\"op\":\"insert\"}", "field \"key\", column \"a\": lone surrogate \\uD800 in a string at byte 26"),
        ("{\"entity\":\"t\",\"key\":{\"a\":\"\\udc00\"},\"op\":\"insert\"}", "field \"key\", column \"a\": lone surrogate \\uDC00 in a string at byte 26"),
        ("{\"entity\":\"t\",\"key\":{\"a\":\"\\u12G4\"},\"op\":\"insert\"}", "field \"key\", column \"a\": invalid \\u escape: expected 4 hex digits at byte 26"),
        ("{\"entity\":\"t\",\"key\":{\"a\":\"x\ty\"},\"op\":\"insert\"}", "field \"key\", column \"a\": control character U+0009 in a string must be escaped at byte 27"),
        ("{\"entity\":\"t\",\"key\":{\"a\":1,},\"op\":\"insert\"}", "field \"key\": expected a column name, found \'}\' at byte 27"),
        ("{\"entity\":\"t\",\"key\":{\"a\" 1},\"op\":\"insert\"}", "field \"key\": expected \':\' after column \"a\", found \'1\' at byte 25"),
        ("{\"entity\":\"t\",\"key\":{a:1},\"op\":\"insert\"}", "field \"key\": expected a column name, found \'a\' at byte 21"),
        ("{\"entity\":\"t\",\"key\":{\"a\":1}\"op\":\"insert\"}", "expected \',\' or \'}\' after a field, found \'\"\' at byte 27"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":\"insert\",\"committedAt\":\"yesterday\"}", "field \"committedAt\": invalid timestamp \"yesterday\": expected a digit of the year at byte 52"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":\"insert\",\"committedAt\":12}", "field \"committedAt\": expected an RFC 3339 timestamp string, found \'1\' at byte 51"),
        ("{\"seq\":-1,\"entity\":\"t\",\"key\":{},\"op\":\"insert\"}", "field \"seq\": expected a non-negative integer, found \'-\' at byte 7"),
        ("{\"seq\":1.5,\"entity\":\"t\",\"key\":{},\"op\":\"insert\"}", "field \"seq\": 1.5 is not an integer in 0…18446744073709551615 at byte 7"),
        ("{\"entity\":\"t\",\"key\":{},\"op\":\"insert\",\"before\":[]}", "field \"before\": expected an object or null, found \'[\' at byte 46"),
        ("{\"entity\":\"t\",\"key\":{\"a\":", "field \"key\", column \"a\": unexpected end of line at byte 25"),
        ("{\"entity\":\"t\",\"key\":{\"a\":\"abc", "field \"key\", column \"a\": unexpected end of line inside a string at byte 29"),
        ("{\"entity\":\"t\",\"key\":{\"a\":\"abc\\", "field \"key\", column \"a\": unexpected end of line inside a string at byte 30"),
        ("{\"ent", "unexpected end of line inside a string at byte 5"),
    ]

    @Test(arguments: cases)
    func rejectsWithExactReason(line: String, message: String) {
        #expect(throws: EventJSONError.self) { try EventJSON.decode(line) }
        do { _ = try EventJSON.decode(line) } catch { #expect(error.description == message) }
    }

    static func message(_ bytes: [UInt8]) -> String? {
        do { _ = try EventJSON.decode(bytes); return nil } catch { return error.description }
    }

    @Test func invalidUTF8IsRejectedWhereItStarts() {
        let head = Array(#"{"entity":"t","key":{"a":"x"#.utf8), tail = Array(#""},"op":"insert"}"#.utf8)
        #expect(Self.message(head + [0xFF] + tail) == #"field "key", column "a": invalid UTF-8 in a string at byte 27"#)
        // An encoded surrogate (U+D800), an overlong '/', a truncated 3-byte sequence, beyond U+10FFFF.
        for bad: [UInt8] in [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]] {
            #expect(Self.message(head + bad + tail) == #"field "key", column "a": invalid UTF-8 in a string at byte 27"#)
        }
        let name = Array(#"{"entity":"t","key":{"a"#.utf8) + [0xC3] + Array(#"":1},"op":"insert"}"#.utf8)
        #expect(Self.message(name) == #"field "key": invalid UTF-8 in a string at byte 23"#)
        let entity = Array(#"{"entity":"t"#.utf8) + [0x80] + Array(#"","key":{},"op":"insert"}"#.utf8)
        #expect(Self.message(entity) == #"invalid UTF-8 in a string at byte 12"#)
    }

    @Test func everyCutOfALineIsAnErrorNotACrash() {
        let line = Array(EventJSONTests.designExample.utf8)
        for n in 0..<line.count {
            #expect(Self.message(Array(line[..<n])) != nil, "cut at \(n)")
        }
        #expect(Self.message(Array(line[..<57])) == #"unexpected end of line inside a string at byte 57"#)
        #expect(Self.message(Array(line[..<137])) == #"field "key": unexpected end of line at byte 137"#)
        #expect(Self.message(Array(line[..<140])) == #"unexpected end of line at byte 140"#)
    }

    @Test func bigNumbersInRowsAreErrorsNotRounding() {
        #expect(Self.message(Array(#"{"entity":"t","key":{"n":99999999999999999999999},"op":"insert"}"#.utf8))
                == #"field "key", column "n": integer 99999999999999999999999 does not fit in int64 at byte 25"#)
    }
}

import Foundation
import XCTest
import TandemCore
@testable import TandemSources
import TandemTesting

/// A mapping with an error is rejected at load time with the JSON path of the fault.
final class MappingLoadTests: XCTestCase {
    func loadError(_ json: String) -> String {
        do {
            _ = try Mapping.parse(Data(json.utf8))
            return "loaded"
        } catch {
            return error.description
        }
    }

    func testUnknownTransformNamesItsPathAndTheChoices() {
        let e = loadError(#"{"entities":{"customers":{"columns":{"email":{"transforms":["trim","lowercase"]}}}}}"#)
        XCTAssertEqual(e, #"mapping.entities.customers.columns.email.transforms[1]: unknown transform "lowercase"; expected one of trim, lower, upper, emptyToNull, parseTimestamp, map"#)
    }

    func testUnknownFieldTypeAndRuleAreRejectedWithPaths() {
        XCTAssertEqual(loadError(#"{"entities":{"c":{"colums":{}}}}"#),
                       #"mapping.entities.c.colums: unknown field "colums"; expected one of target, primaryKey, tenant, unlistedColumns, columns"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"age":{"type":"integer"}}}}}"#),
                       #"mapping.entities.c.columns.age.type: unknown type "integer"; expected one of bool, int, double, decimal, string, bytes, timestamp"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"age":{"validate":{"minimum":3}}}}}}"#),
                       #"mapping.entities.c.columns.age.validate.minimum: unknown field "minimum"; expected one of required, regex, min, max, maxLength, oneOf"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"e":{"validate":{"regex":"([a-z"}}}}}}"#),
                       #"mapping.entities.c.columns.e.validate.regex: not a valid regular expression: ([a-z"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"d":{"transforms":[{"parseTimestamp":"%d.%m.%Q"}]}}}}}"#),
                       "mapping.entities.c.columns.d.transforms[0].parseTimestamp: unknown directive %Q; expected one of \(TimePattern.directives)")
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"d":{"transforms":[{"parseTimestamp":"%Y","zone":"Mars/Olympus"}]}}}}}"#),
                       "mapping.entities.c.columns.d.transforms[0].zone: unknown zone \"Mars/Olympus\"; expected UTC, an offset like +01:00, or an IANA name like Europe/Berlin")
    }

    func testStructuralErrors() {
        XCTAssertEqual(loadError("[1]"), "mapping: expected an object, found an array")
        XCTAssertEqual(loadError("{}"), #"mapping: missing field "entities""#)
        XCTAssertTrue(loadError("{").hasPrefix("mapping: not valid JSON"))
        XCTAssertEqual(loadError(#"{"entities":{"c":{"primaryKey":["id"],"columns":{"id":{"drop":true}}}}}"#),
                       #"mapping.entities.c.primaryKey[0]: column "id" is dropped; a key column must be kept"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"a":"x","b":{"rename":"x"}}}}}"#),
                       #"mapping.entities.c.columns.b: target column "x" is also the target of "a""#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"s":{"transforms":[{"map":{"A":"active"},"unlisted":"ignore"}]}}}}}"#),
                       #"mapping.entities.c.columns.s.transforms[0].unlisted: unknown value "ignore"; expected one of keep, reject"#)
    }

    func testLoadFromFileNamesTheFile() throws {
        let dir = makeTempDir(); defer { removeDir(dir) }
        let path = dir + "/mapping.json"
        try Data(#"{"entities":{"c":{"target":7}}}"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Mapping.load(path: path)) { e in
            XCTAssertEqual("\(e)", "\(path): mapping.entities.c.target: expected a string, found a number")
        }
        XCTAssertThrowsError(try Mapping.load(path: dir + "/missing.json")) { e in
            XCTAssertEqual("\(e)", "\(dir)/missing.json: mapping: cannot read the file")
        }
    }

    func testTheSchemaExampleLoads() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schemas/mapping.schema.json")
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let example = (schema["examples"] as! [Any])[0]
        let m = try Mapping.parse(JSONSerialization.data(withJSONObject: example))
        XCTAssertEqual(m.entities["customers"]?.target, "clients")
        XCTAssertEqual(m.entities["customers"]?.tenantColumn, "tenant")
        XCTAssertEqual(m.reverseRules().faults.map(\.description), [], "the example goes back too")
    }

    func testMaxLengthBeyondIntIsRejectedWithItsPath() {
        let path = "mapping.entities.c.columns.e.validate.maxLength: expected a whole number from 0 to \(Int.max)"
        for n in ["1e300", "9223372036854775808", "-1", "1.5"] {
            XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"e":{"validate":{"maxLength":\#(n)}}}}}}"#), path, n)
        }
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"e":{"validate":{"maxLength":12}}}}}}"#), "loaded")
    }

    func testTextThatIsNotJSONSaysWhereItBreaks() throws {
        let dir = makeTempDir(); defer { removeDir(dir) }
        let path = dir + "/mapping.json"
        try Data("{\n  \"entities\": {\n    \"c\": {\"target\": 'x'}\n  }\n}\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Mapping.load(path: path)) { e in
            let text = "\(e)"
            XCTAssertTrue(text.hasPrefix("\(path): mapping: not valid JSON: "), text)
            XCTAssertTrue(text.hasSuffix(" at line 3, column 21"), text)
            XCTAssertFalse(text.contains("could not be completed"), text)
            XCTAssertEqual((e as? MappingError)?.category, .badData)
        }
    }

    /// Duplicate keys (the last would silently win) and numbers beyond a double are faults with their JSON path.
    func testDuplicateKeysAndOutOfRangeNumbersAreRefusedWithTheirPath() {
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"email":"mail","email":"drop"}}}}"#),
                       #"mapping.entities.c.columns.email: duplicate key "email"; each key may appear once in an object"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{}},"entities":{}}"#),
                       #"mapping.entities: duplicate key "entities"; each key may appear once in an object"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"n":{"validate":{"oneOf":[1,-1e999]}}}}}}"#),
                       "mapping.entities.c.columns.n.validate.oneOf[1]: the number -1e999 is out of range (beyond ±1.8e308)")
    }

    /// A mapping that would journal changes without their key (or lose the key or tenant column) is refused.
    func testKeyAndTenantColumnsMustSurviveTheMapping() {
        XCTAssertEqual(loadError(#"{"entities":{"c":{"columns":{"id":false}}}}"#),
                       #"mapping.entities.c.columns.id: column "id" is dropped, but without a primaryKey it is the key column; keep it, or name the key in primaryKey"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"primaryKey":["id"],"unlistedColumns":"drop","columns":{"email":true}}}}"#),
                       #"mapping.entities.c.primaryKey[0]: key column "id" is not listed in columns and unlistedColumns is drop; a key column must be kept"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"tenant":"mandant","unlistedColumns":"drop","columns":{"id":true}}}}"#),
                       #"mapping.entities.c.tenant: tenant column "mandant" is not listed in columns and unlistedColumns is drop; the tenant column must be kept"#)
        XCTAssertEqual(loadError(#"{"entities":{"c":{"primaryKey":"cid","unlistedColumns":"drop","columns":{"id":"cid"}}}}"#), "loaded")
    }
}

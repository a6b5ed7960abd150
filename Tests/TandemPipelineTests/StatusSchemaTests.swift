import Foundation
import TandemCore
import XCTest
@testable import TandemPipeline

/// `schemas/status.schema.json` and the `/status` document describe the same thing: every document the
/// daemon or `tandem status` writes validates, and the schema names no member the document lacks.
final class StatusSchemaTests: XCTestCase {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/status.schema.json")

    private func schema() throws -> JSONValue {
        try JSONValue.parse([UInt8](try Data(contentsOf: Self.schemaURL)))
    }

    func testALiveDocumentValidates() throws {
        let schema = try schema()
        for status in [fixedStatus(), fixedStatus(healthy: true)] {
            let doc = try JSONValue.parse(Array(status.json.description.utf8))
            XCTAssertEqual(SchemaCheck(root: schema).faults(doc), [])
        }
    }

    func testAnOfflineDocumentWithItsNullsValidates() throws {
        let status = DaemonStatus(
            live: false, takenAt: Timestamp(microseconds: 0),
            source: SourceStatus(spec: "jsonl:changes.log", state: .stopped, reason: DaemonStatus.notRunningReason),
            journal: JournalStatus(directory: "/j", state: .stopped, reason: DaemonStatus.notRunningReason, headSeq: 0,
                                   firstSeq: 0, bytes: 0, segments: 0),
            sinks: [])
        let doc = try JSONValue.parse(Array(status.json.description.utf8))
        XCTAssertEqual(SchemaCheck(root: try schema()).faults(doc), [])
    }

    /// The check itself finds what it is meant to find (else the tests above prove nothing).
    func testTheCheckFindsAMissingMemberAWrongTypeAnUnknownMemberAndABadState() throws {
        var text = fixedStatus().json.description
        text = text.replacingOccurrences(of: #""headSeq":123,"#, with: "")
        text = text.replacingOccurrences(of: #""parked":2"#, with: #""parked":"2""#)
        text = text.replacingOccurrences(of: #""live":true"#, with: #""live":true,"extra":1"#)
        text = text.replacingOccurrences(of: #""state":"stopped""#, with: #""state":"asleep""#)
        let faults = SchemaCheck(root: try schema()).faults(try JSONValue.parse(text))
        XCTAssertEqual(Set(faults), ["$.journal: missing required headSeq", "$.sinks[1].parked: expected integer",
                                     "$: extra is not in the schema", "$.sinks[1].state: \"asleep\" is not one of the enum"])
    }
}

/// The subset of JSON Schema that `schemas/status.schema.json` uses: type, required, properties,
/// additionalProperties, items, enum, const, minimum and local `$ref`. A member not in `properties` is a
/// fault unless `additionalProperties` allows it, so the schema and the encoder cannot drift apart.
struct SchemaCheck {
    let root: JSONValue

    func faults(_ value: JSONValue) -> [String] { check(value, root, "$") }

    private func check(_ value: JSONValue, _ schema: JSONValue, _ path: String) -> [String] {
        var schema = schema
        if let ref = schema["$ref"]?.string, ref.hasPrefix("#/$defs/"), let target = root["$defs"]?[String(ref.dropFirst(8))] {
            schema = target
        }
        var out: [String] = []
        if let type = schema["type"] {
            let allowed = type.array?.compactMap(\.string) ?? [type.string ?? ""]
            if !allowed.contains(where: { Self.isType(value, $0) }) {
                return ["\(path): expected \(allowed.joined(separator: " or "))"]
            }
        }
        if let options = schema["enum"]?.array, !options.contains(value) {
            out.append("\(path): \(value) is not one of the enum")
        }
        if let constant = schema["const"], constant != value { out.append("\(path): expected \(constant)") }
        if let minimum = schema["minimum"]?.double, let d = value.double, d < minimum {
            out.append("\(path): below \(minimum)")
        }
        if let members = value.object {
            for name in schema["required"]?.array?.compactMap(\.string) ?? [] where value[name] == nil {
                out.append("\(path): missing required \(name)")
            }
            let properties = schema["properties"]
            for (name, member) in members {
                if let p = properties?[name] {
                    out += check(member, p, "\(path).\(name)")
                } else if let extra = schema["additionalProperties"] {
                    out += check(member, extra, "\(path).\(name)")
                } else if properties != nil {
                    out.append("\(path): \(name) is not in the schema")
                }
            }
        }
        if let elements = value.array, let items = schema["items"] {
            for (i, e) in elements.enumerated() { out += check(e, items, "\(path)[\(i)]") }
        }
        return out
    }

    private static func isType(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
             ("number", .number): return true
        case ("integer", .number(let text)): return !text.contains(where: { ".eE".contains($0) })
        default: return false
        }
    }
}

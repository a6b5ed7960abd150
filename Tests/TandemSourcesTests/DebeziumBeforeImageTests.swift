import Foundation
import XCTest
import TandemCore
@testable import TandemSources

/// Issue 10: a Debezium before-image is marked complete only when it cannot be a key-only image.
final class DebeziumBeforeImageTests: XCTestCase {
    func decoded(_ line: String) -> Event? {
        let bytes = Array(line.utf8)
        let result = bytes.withUnsafeBytes { DebeziumDecoder.decode($0, position: "1") }
        guard case .change(let e) = result else { XCTFail("\(result)"); return nil }
        return e
    }

    func envelope(_ op: String, before: String, after: String) -> String {
        #"{"before":\#(before),"after":\#(after),"source":{"table":"customers","txId":1,"ts_ms":1},"op":"\#(op)"}"#
    }

    /// Promise: key-only before-images (REPLICA IDENTITY DEFAULT) are never vouched for; full ones
    /// (REPLICA IDENTITY FULL) are.
    func testOnlyAFullBeforeImageIsMarkedComplete() {
        let full = #"{"id":1,"name":"Anne","email":"a@x"}"#, changed = #"{"id":1,"name":"Anne","email":"b@x"}"#
        XCTAssertEqual(decoded(envelope("u", before: #"{"id":1}"#, after: changed))?.beforeComplete, false)
        XCTAssertEqual(decoded(envelope("u", before: "null", after: changed))?.beforeComplete, false)
        XCTAssertEqual(decoded(envelope("u", before: full, after: changed))?.beforeComplete, true)
        // A delete has no after-image to compare with: without a schema nothing says the image is whole.
        XCTAssertEqual(decoded(envelope("d", before: full, after: "null"))?.beforeComplete, false)
        let schema = #"{"type":"struct","fields":[{"type":"struct","field":"before","fields":[{"type":"int32","field":"id"},{"type":"string","field":"name"},{"type":"string","field":"email"}]},{"type":"struct","field":"after","fields":[{"type":"int32","field":"id"},{"type":"string","field":"name"},{"type":"string","field":"email"}]}]}"#
        func wrapped(_ before: String) -> String {
            #"{"schema":\#(schema),"payload":\#(envelope("d", before: before, after: "null"))}"#
        }
        XCTAssertEqual(decoded(wrapped(full))?.beforeComplete, true)
        // Debezium fills a key-only image's struct with nulls.
        XCTAssertEqual(decoded(wrapped(#"{"id":1,"name":null,"email":null}"#))?.beforeComplete, false)
    }
}

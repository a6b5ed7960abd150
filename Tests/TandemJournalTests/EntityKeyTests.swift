import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: keys are the store's keys. The writer keeps each entity's key durably, refuses a batch holding an
/// event of another key (the other batches of the group go on), and learns the keys of a journal written
/// before they were kept from its events.
final class EntityKeyTests: XCTestCase {
    func event(_ entity: String, _ key: Row) -> Event { Event(entity: entity, key: key, op: .delete) }

    func testWriterRefusesABatchWhoseKeyIsNotTheEntitysKeyAndKeepsKeysAcrossReopen() throws {
        let dir = try temporaryPath(self) + "/j"
        let options = JournalOptions(logger: { _ in })
        try Journal.create(at: dir, options: options)
        do {
            let w = try JournalWriter(directory: dir, options: options)
            defer { w.close() }
            XCTAssertEqual(try w.append([event("a", ["id": .int(1)]), event("b", ["x": .string("k"), "y": .int(1)])]), 1...2)
            XCTAssertThrowsError(try w.append([event("a", ["id": .int(2)]), event("a", ["id": .string("2")])])) {
                XCTAssertEqual($0 as? JournalError, .keyRefused(entity: "a", reason:
                    "key column \"id\" is string \"2\", but the entity's key is (id int), fixed by its first event; values of another kind are other keys to a store"))
            }
            XCTAssertEqual(try w.append(event("b", ["y": .int(2), "x": .string("k")])), 3, "the same key columns in another order")
        }
        let stored = try String(contentsOfFile: dir + "/entity-keys.json", encoding: .utf8)
        XCTAssertTrue(stored.contains("\"columns\" : [\n        \"x\",\n        \"y\"\n      ]"), stored)
        let w = try JournalWriter(directory: dir, options: options)
        defer { w.close() }
        XCTAssertThrowsError(try w.append(event("b", ["x": .string("k")]))) {
            guard case JournalError.keyRefused("b", let reason) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.hasPrefix("key columns (x string) are not the entity's key (x string, y int)"), reason)
        }
        XCTAssertEqual(try readAll(dir, options: options).count, 3)
    }

    func testAJournalWithoutKeyFileLearnsTheKeysFromItsEvents() throws {
        let dir = try temporaryPath(self) + "/j"
        let log = LogLines()
        let options = JournalOptions(logger: log.sink)
        try Journal.create(at: dir, options: options)
        do {
            let w = try JournalWriter(directory: dir, options: options)
            defer { w.close() }
            try w.append([event("a", ["id": .int(1)]), event("c", ["k": .bool(true)])])
        }
        // As a journal written by an older Tandem.
        try FileManager.default.removeItem(atPath: dir + "/entity-keys.json")
        let w = try JournalWriter(directory: dir, options: options)
        defer { w.close() }
        XCTAssertTrue(log.all.contains { $0.contains("learning each entity's key from its first event") }, "\(log.all)")
        XCTAssertEqual(try w.entityKeyCatalog().keys, [EntityKey(entity: "a", columns: ["id"], kinds: [.int]),
                                                       EntityKey(entity: "c", columns: ["k"], kinds: [.bool])])
        XCTAssertThrowsError(try w.append(event("c", ["k": .int(1)])))
        XCTAssertEqual(try w.append(event("c", ["k": .bool(false)])), 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/entity-keys.json"), "written at the next append")
    }
}

import Foundation
import TandemCore
@testable import TandemJournal
import TandemTesting
import XCTest

/// Promise (issue 11): a sink's parked list keeps each parked event with its reason durably, in an owner-only
/// file whose name is safe for any sink name; unparking is recorded, not rewritten; a torn last line (never
/// acknowledged) is ignored and cut; a damaged line is named, never skipped.
final class ParkedListTests: XCTestCase {
    func testParkUnparkAndTheFileAsOnDisk() throws {
        let journal = try temporaryPath(self)
        let list = ParkedList(journal: journal, sink: "cohort/1 ü")
        XCTAssertEqual(try list.entries(), [])
        XCTAssertEqual(list.version(), -1)
        XCTAssertTrue(list.path.hasSuffix("/parked/cohort%2F1%20%C3%BC.jsonl"), list.path)
        let e3 = journaled(3), e5 = journaled(5)
        let first = try list.park(ParkedEvent(event: e3, sink: list.sink, target: "sqlite:/n.db", reason: "NOT NULL"))
        try list.park(ParkedEvent(event: e5, sink: list.sink, target: "sqlite:/n.db", reason: "CHECK v < 100"))
        // Parking a parked seq again keeps the first entry.
        XCTAssertEqual(try list.park(ParkedEvent(event: e3, sink: list.sink, target: "sqlite:/n.db", reason: "other")), first)
        XCTAssertEqual(try list.entries().map(\.seq), [3, 5])
        XCTAssertEqual(try list.entries().map(\.reason), ["NOT NULL", "CHECK v < 100"])
        XCTAssertEqual(try list.entries()[0].event, e3, "the event itself, with its seq")
        XCTAssertEqual(try list.seqs(target: "sqlite:/n.db"), [3, 5])
        XCTAssertEqual(try list.seqs(target: "sqlite:/other.db"), [])
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: list.path)[.posixPermissions] as? Int, 0o600)
        let folder = journal + "/" + ParkedList.folder
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int, 0o700)

        let before = list.version()
        XCTAssertTrue(try list.unpark(seq: 3))
        XCTAssertFalse(try list.unpark(seq: 3))
        XCTAssertNotEqual(list.version(), before)
        XCTAssertEqual(try list.entries().map(\.seq), [5])
        let lines = try String(contentsOfFile: list.path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3, "append-only: two entries and the unpark record")
        XCTAssertTrue(lines[0].hasPrefix(#"{"seq":3,"entity":"customers","key":{"id":3},"op":"update","reason":"NOT NULL","parkedAt":""#), String(lines[0]))
        XCTAssertTrue(lines[2].hasPrefix(#"{"unparked":3,"at":""#), String(lines[2]))

        // A torn last line (a crash during an append) is not an entry, and the next append cuts it.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: list.path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":9,"enti"#.utf8))
        handle.closeFile()
        XCTAssertEqual(try list.entries().map(\.seq), [5])
        try list.park(ParkedEvent(event: journaled(7), sink: list.sink, target: "sqlite:/n.db", reason: "type"))
        XCTAssertEqual(try list.entries().map(\.seq), [5, 7])
        XCTAssertFalse(try String(contentsOfFile: list.path, encoding: .utf8).contains(#""enti{"#))

        // A damaged line stops the reading, naming the file and line.
        var text = try String(contentsOfFile: list.path, encoding: .utf8)
        text = text.replacingOccurrences(of: #"{"unparked":3"#, with: #"{"unparked:3"#)
        try text.write(toFile: list.path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try list.entries()) { e in
            guard case .parkedListDamaged(list.path, 3, _)? = e as? JournalError else { return XCTFail("\(e)") }
            XCTAssertTrue("\(e)".hasPrefix("parked list \(list.path), line 3: not JSON"), "\(e)")
        }
    }
}

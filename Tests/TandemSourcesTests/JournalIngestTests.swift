import Foundation
import XCTest
import TandemCore
import TandemJournal
import TandemSQLite
import TandemPipeline
@testable import TandemSources
import TandemTesting

/// Ingest into the real journal: after restarts the journal holds every change once, in source order.
final class JournalIngestTests: XCTestCase {
    var dir = ""
    var journalDir: String { dir + "/journal" }

    override func setUp() {
        dir = makeTempDir()
        try! Journal.create(at: journalDir, options: JournalOptions(logger: { _ in }))
    }
    override func tearDown() { removeDir(dir) }

    func journaled() throws -> [Event] {
        let r = try JournalReader(directory: journalDir, options: JournalOptions(logger: { _ in }))
        var out: [Event] = []
        while let e = try r.next() { out.append(e) }
        return out
    }

    func ingest(_ source: any ChangeSource, batch: Int = 16) throws -> Ingestor.Summary {
        let writer = try JournalWriter(directory: journalDir, options: JournalOptions(logger: { _ in }))
        defer { writer.close() }
        var settings = Ingestor.Settings()
        settings.batchSize = batch
        return try Ingestor(source: source, journal: writer, quarantine: try Quarantine(journal: journalDir), settings: settings).run(once: true)
    }

    func testJSONLinesAcrossRestartsExactlyOnceInOrder() throws {
        let path = dir + "/changes.log"
        for i in 1...200 { appendFile(path, eventLine(i) + "\n") }
        XCTAssertEqual(try ingest(JSONLinesSource(.init(path: path))).journaled, 200)
        for i in 201...300 { appendFile(path, eventLine(i) + "\n") }
        XCTAssertEqual(try ingest(JSONLinesSource(.init(path: path))).journaled, 100)
        XCTAssertEqual(try ingest(JSONLinesSource(.init(path: path))).journaled, 0)
        let events = try journaled()
        XCTAssertEqual(events.map(\.seq), Array(1...300).map(UInt64.init))
        XCTAssertEqual(events.map { $0.key["id"] }, (1...300).map { Value.int(Int64($0)) })
        XCTAssertTrue(events.allSatisfy { $0.origin == "legacy" && $0.sourcePosition != nil })
    }

    /// More hand-appended events than one scan window (4,096) above the source's last event: the resume
    /// position is still the source's own newest, found by scanning back from the head.
    func testResumeFindsTheSourcesOwnPositionBelowManyEventsWithout() throws {
        let path = dir + "/changes.log"
        for i in 1...20 { appendFile(path, eventLine(i) + "\n") }
        XCTAssertEqual(try ingest(JSONLinesSource(.init(path: path))).journaled, 20)
        let writer = try JournalWriter(directory: journalDir, options: JournalOptions(logger: { _ in }))
        let manual = (1...5_000).map { Event(entity: "notes", key: ["id": .int(Int64($0))], op: .insert, after: ["id": .int(Int64($0))]) }
        try writer.append(manual)
        let own = try writer.lastSourcePosition(where: JSONLinesSource(.init(path: path)).recognizes)
        XCTAssertEqual(own, try journaled()[19].sourcePosition)
        XCTAssertNil(try writer.lastSourcePosition(where: { _ in false }))
        writer.close()
        for i in 21...22 { appendFile(path, eventLine(i) + "\n") }
        XCTAssertEqual(try ingest(JSONLinesSource(.init(path: path))).journaled, 2)
        XCTAssertEqual(try journaled().suffix(2).map { $0.key["id"] }, [.int(21), .int(22)])
    }

    func testChangeTableWrittenConcurrentlyIsJournaledOnceAndPrunedOnlyAfterTheJournal() throws {
        let dbPath = dir + "/legacy.db"
        let db = try Database(path: dbPath)
        try db.execute("PRAGMA journal_mode=WAL; CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            let w = try! Database(path: dbPath)
            for t in 0..<30 {
                try! w.transaction {
                    for i in 0..<10 { try w.execute("INSERT INTO customers VALUES (\(t * 10 + i + 1), 'n')") }
                }
            }
            try! w.execute("UPDATE customers SET name = 'm' WHERE id <= 50")
            writerDone.signal()
        }
        writer.start()
        // Ingest in several runs while the legacy application writes (each run a restart).
        var total = 0
        while writerDone.wait(timeout: .now()) == .timedOut {
            total += try ingest(SQLiteChangeLogSource(.init(path: dbPath, prune: true)), batch: 25).journaled
        }
        total += try ingest(SQLiteChangeLogSource(.init(path: dbPath, prune: true)), batch: 25).journaled
        XCTAssertEqual(total, 350)
        let events = try journaled()
        XCTAssertEqual(events.map { SQLiteChangeLogSource.parse($0.sourcePosition ?? "")?.id }, (1...350).map { Int64($0) })
        for t in 0..<30 {
            XCTAssertEqual(Set(events[(t * 10)..<(t * 10 + 10)].map(\.txn)).count, 1, "legacy transaction \(t) is one txn across restarts")
        }
        XCTAssertEqual(Set(events.suffix(50).map(\.txn)).count, 1, "one UPDATE statement is one txn")
        XCTAssertEqual(events.prefix(300).map { $0.key["id"] }, (1...300).map { Value.int(Int64($0)) })
        XCTAssertEqual(events.suffix(50).map(\.op), Array(repeating: .update, count: 50))
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM _tandem_changes"), .int(0), "every journaled row was pruned")
    }
}

extension JournalIngestTests {
    func testAFailedAppendStopsTheRunAndNothingIsAcknowledged() throws {
        let dbPath = dir + "/legacy.db"
        let db = try Database(path: dbPath)
        try db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        for i in 1...10 { try db.execute("INSERT INTO customers VALUES (\(i), 'n')") }
        let writer = try JournalWriter(directory: journalDir, options: JournalOptions(logger: { _ in }))
        writer.close()  // every append now fails
        let ing = Ingestor(source: SQLiteChangeLogSource(.init(path: dbPath, prune: true, log: { _ in })), journal: writer,
                           quarantine: try Quarantine(journal: journalDir))
        XCTAssertThrowsError(try ing.run(once: true)) { e in XCTAssertTrue("\(e)".contains("closed"), "\(e)") }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM _tandem_changes"), .int(10), "nothing pruned")
        XCTAssertEqual(try ingest(SQLiteChangeLogSource(.init(path: dbPath, prune: true))).journaled, 10)
    }
}

import Foundation
import XCTest
import TandemCore
import TandemJournal
import TandemSQLite
import TandemPipeline
@testable import TandemSources
import TandemTesting

/// The snapshot source on a real SQLite database: the order it hands out the stream and the copy in, and
/// the positions that let it and `ingest` resume.
final class SnapshotSourceTests: XCTestCase {
    var dir = ""
    var dbPath: String { dir + "/legacy.db" }

    override func setUp() {
        dir = makeTempDir()
        makeTenRowLegacy(at: dbPath)
        try! FileManager.default.createDirectory(atPath: dir + "/journal", withIntermediateDirectories: true)
    }

    override func tearDown() { removeDir(dir) }

    private func source() -> SQLiteSnapshotSource {
        var s = SQLiteSnapshotSource.Settings(path: dbPath, journal: dir + "/journal")
        s.maxChunkRows = 4
        s.batchRows = 4
        s.countStep = 3
        s.log = { _ in }
        return SQLiteSnapshotSource(s)
    }

    /// A change committed before a chunk's cut comes before the chunk's rows; the copy already holds it.
    func testAChangeDuringTheSnapshotIsJournaledBeforeTheCopyOfItsChunkAndAfterEarlierChunks() throws {
        let s = source()
        try s.open(after: nil)
        let first = try s.read(limit: 100, wait: nil, stop: nil)
        XCTAssertEqual(first.flatMap(\.changes).map { $0.key["id"] }, [1, 2, 3, 4].map { Value.int($0) })
        XCTAssertEqual(first.flatMap(\.changes).map(\.op), Array(repeating: .snapshot, count: 4))
        XCTAssertEqual(s.progress.tableEstimate, 10, "counted in steps of 3")
        let legacy = try Database(path: dbPath)
        try legacy.execute("UPDATE t SET v = 'new' WHERE id IN (2, 6)")
        // One batch (one journal append): the changes up to the cut first, then the chunk.
        let batch = try s.read(limit: 100, wait: nil, stop: nil)
        XCTAssertEqual(batch.flatMap(\.changes).map(\.op), [.update, .update, .snapshot, .snapshot, .snapshot, .snapshot])
        let second = Array(batch.flatMap(\.changes).dropFirst(2))
        XCTAssertEqual(second.map { $0.key["id"] }, [5, 6, 7, 8].map { Value.int($0) })
        XCTAssertEqual(second[1].after?["v"], .string("new"), "the copy is as of the cut")
        XCTAssertEqual(SnapshotPosition(second[3].sourcePosition!), SnapshotPosition(changeID: 2, progress: .init(table: "t", lastKey: [.int(8)])))
        XCTAssertEqual(batch.last?.position, second[3].sourcePosition, "the batch ends after the chunk's last row")
        _ = try s.read(limit: 100, wait: nil, stop: nil)
        XCTAssertEqual(try s.read(limit: 100, wait: nil, stop: nil).count, 0, "then nothing")
        s.close()
        legacy.close()
    }

    /// A batch ending with a page of a long legacy transaction does not announce a transaction end (the daemon's
    /// sinks would commit half of it); a batch ending with copied rows or a whole range does.
    func testABatchEndingInsideALegacyTransactionDoesNotEndATransaction() throws {
        let s = source()
        try s.open(after: nil)
        XCTAssertEqual(try s.read(limit: 1, wait: nil, stop: nil).flatMap(\.changes).map(\.op), Array(repeating: .snapshot, count: 4))
        XCTAssertTrue(s.lastReadEndsTransaction, "copied rows end no transaction of their own")
        let legacy = try Database(path: dbPath)
        try legacy.execute("BEGIN; UPDATE t SET v = 'a'; UPDATE t SET v = 'b'; COMMIT")  // changes 1…20, one range
        legacy.close()
        var ends: [(position: SnapshotPosition, ends: Bool)] = []
        while let last = try s.read(limit: 1, wait: nil, stop: nil).last {
            ends.append((try XCTUnwrap(SnapshotPosition(last.position)), s.lastReadEndsTransaction))
        }
        XCTAssertTrue(ends.contains { $0.position.changeID == 4 && $0.position.rangeEnd == 20 && !$0.ends }, "\(ends)")
        for e in ends { XCTAssertEqual(e.ends, e.position.changeID >= e.position.rangeEnd, "\(e.position.text)") }
        XCTAssertEqual(ends.last?.ends, true)
        s.close()
    }

    /// Resumed after a row's position, the copy goes on with the next row; `ingest` reads after its change id.
    func testResumingAfterARowsPositionContinuesWithTheNextRowAndIngestAfterItsChangeID() throws {
        let s = source()
        try s.open(after: SnapshotPosition(changeID: 0, progress: .init(table: "t", lastKey: [.int(6)])).text)
        let rows = try s.read(limit: 100, wait: nil, stop: nil)
        XCTAssertEqual(rows.flatMap(\.changes).map { $0.key["id"] }, [7, 8, 9, 10].map { Value.int($0) })
        XCTAssertEqual(s.progress.tableEstimate, 4, "the rows after the last journaled one")
        s.close()
        let legacy = try Database(path: dbPath)
        try legacy.execute("UPDATE t SET v = 'a' WHERE id = 1; UPDATE t SET v = 'b' WHERE id = 2;")
        legacy.close()
        let ingest = SQLiteChangeLogSource(.init(path: dbPath))
        XCTAssertTrue(ingest.recognizes(rows.flatMap(\.changes)[3].sourcePosition!))
        try ingest.open(after: SnapshotPosition(changeID: 1, progress: .init(table: "t", lastKey: [.int(10)])).text)
        XCTAssertEqual(try ingest.read(limit: 10, wait: nil, stop: nil).map(\.position), ["2"])
        ingest.close()
    }

    /// In WAL mode (where a reader never makes the writer wait) a fresh table's estimate is one count.
    func testInWALModeTheEstimateOfAFreshTableIsItsRowCount() throws {
        let legacy = try Database(path: dbPath)
        try legacy.execute("PRAGMA journal_mode=WAL; DELETE FROM t WHERE id = 3")
        let s = source()
        try s.open(after: nil)
        let rows = try s.read(limit: 100, wait: nil, stop: nil)
        XCTAssertEqual(s.progress.tableEstimate, 9)
        let changes = rows.flatMap(\.changes)
        XCTAssertEqual(changes.map(\.op), [.delete] + Array(repeating: .snapshot, count: 4), "the delete, then the first chunk")
        XCTAssertEqual(changes.dropFirst().map { $0.key["id"] }, [1, 2, 4, 5].map { Value.int($0) })
        s.close()
        legacy.close()
    }

    func testSnapshotPositionsRoundTripEveryKeyType() throws {
        let keys: [[Value]] = [[.int(-5)], [.double(0.1 + 0.2)], [.string("a;snapshot:\"x\"")], [.bytes([0, 255, 7])],
                               [.int(3), .string("é")], []]
        for k in keys {
            let p = SnapshotPosition(changeID: 42, progress: .init(table: "we;ird\"table", lastKey: k))
            XCTAssertEqual(SnapshotPosition(p.text), p, p.text)
            XCTAssertEqual(SnapshotPosition.changeID(of: p.text), 42)
        }
        XCTAssertEqual(SnapshotPosition("17"), SnapshotPosition(changeID: 17))
        // Inside a read range of the change-log source (one legacy txn): the range end travels along, so a
        // resumed stream finishes the range under the same txn.
        let inRange = SnapshotPosition(changeID: 17, rangeEnd: 40, progress: .init(table: "t", lastKey: [.int(1)]))
        XCTAssertEqual(inRange.text, #"17/40;snapshot:["t",[1]]"#)
        XCTAssertEqual(SnapshotPosition(inRange.text), inRange)
        XCTAssertEqual(SnapshotPosition(inRange.text)?.streamText, "17/40")
        XCTAssertEqual(SnapshotPosition("17/40")?.rangeEnd, 40)
        XCTAssertNil(SnapshotPosition("17;other"))
        XCTAssertNil(SnapshotPosition("-1"))
        XCTAssertNil(SnapshotPosition("x;snapshot:[\"t\",[1]]"))
    }
}

/// Resume across runs through the real Ingestor and journal: after an interrupted snapshot, an `ingest` run
/// in between, and a rerun, each row is copied once; `--again` copies complete tables again.
final class SnapshotResumeTests: XCTestCase {
    var dir = ""
    var dbPath: String { dir + "/legacy.db" }
    var journal: String { dir + "/journal" }

    override func setUp() {
        dir = makeTempDir()
        makeTenRowLegacy(at: dbPath)
        try! Journal.create(at: journal)
    }

    override func tearDown() { removeDir(dir) }

    private func snapshot(again: Bool = false, stopAfter rows: Int? = nil) throws {
        var s = SQLiteSnapshotSource.Settings(path: dbPath, journal: journal)
        s.maxChunkRows = 4
        s.batchRows = 4
        s.again = again
        s.log = { _ in }
        let source = SQLiteSnapshotSource(s)
        defer { source.close() }
        let w = try JournalWriter(directory: journal)
        defer { w.close() }
        source.findProgress = { table in
            try w.lastSourcePosition(where: { SnapshotPosition($0)?.progress?.table == table }).flatMap { SnapshotPosition($0)?.progress }
        }
        let stop = StopSignal()
        try Ingestor(source: source, journal: w, quarantine: try Quarantine(journal: journal))
            .run(once: true, stop: stop) { _ in if let rows, source.progress.rows >= rows { stop.fire() } }
    }

    private func copies() throws -> [Int64: Int] {
        let r = try JournalReader(directory: journal)
        var out: [Int64: Int] = [:]
        while let e = try r.next() {
            if e.op == .snapshot, case .int(let id)? = e.key["id"] { out[id, default: 0] += 1 }
        }
        return out
    }

    func testASnapshotInterruptedThenIngestedPastContinuesAfterItsLastRowAndCopiesEachRowOnce() throws {
        try snapshot(stopAfter: 4)
        XCTAssertEqual(try copies().count, 4)
        let legacy = try Database(path: dbPath)
        try legacy.execute("UPDATE t SET v = 'new' WHERE id = 9")
        legacy.close()
        let w = try JournalWriter(directory: journal)
        try Ingestor(source: SQLiteChangeLogSource(.init(path: dbPath)), journal: w, quarantine: try Quarantine(journal: journal)).run(once: true)
        w.close()
        try snapshot()
        XCTAssertEqual(try copies(), Dictionary(uniqueKeysWithValues: (1...10).map { (Int64($0), 1) }))
        XCTAssertEqual(try SnapshotState.load(journal: journal).tables["t"]?.complete, true)
        try snapshot()
        XCTAssertEqual(try copies().values.max(), 1, "a complete table is not copied again")
        try snapshot(again: true)
        XCTAssertEqual(try copies(), Dictionary(uniqueKeysWithValues: (1...10).map { (Int64($0), 2) }), "--again copies it once more")
    }
}

/// A legacy database with table `t` of ten rows (`id` 1…10, `v` "old") and change capture on it.
private func makeTenRowLegacy(at path: String) {
    let db = try! Database(path: path)
    try! db.execute("""
        CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) INSERT INTO t SELECT i, 'old' FROM n;
        """)
    try! ChangeTableTriggers.install(db: db, tables: ["t"])
    db.close()
}

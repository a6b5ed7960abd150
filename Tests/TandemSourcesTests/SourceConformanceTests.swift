import Foundation
import XCTest
import TandemCore
import TandemSQLite
@testable import TandemSources
import TandemTesting

/// The `ChangeSource` contract, run against every implementation: ordered positions, resume strictly after
/// any position (no gap, no duplicate), empty reads at the end, and source transactions kept in one batch.
final class SourceConformanceTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTempDir() }
    override func tearDown() { removeDir(dir) }

    /// A source factory with `count` changes already written, and a function that writes more.
    struct Fixture {
        var make: () -> any ChangeSource
        var writeMore: (Int) throws -> Void
    }

    func jsonl(_ count: Int) -> Fixture {
        let path = dir + "/changes.log"
        var next = 1
        func write(_ n: Int) {
            for _ in 0..<n {
                // Three events a transaction.
                appendFile(path, eventLine(next).replacingOccurrences(of: #""op""#, with: #""txn":"t\#((next - 1) / 3)","op""#) + "\n")
                next += 1
            }
        }
        write(count)
        return Fixture(make: { JSONLinesSource(.init(path: path, log: { _ in })) }, writeMore: { write($0) })
    }

    func sqlite(_ count: Int) throws -> Fixture {
        let path = dir + "/legacy.db"
        let db = try Database(path: path)
        try db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT)")
        try ChangeTableTriggers.install(db: db, tables: ["customers"])
        var next = 1
        func write(_ n: Int) throws {
            for _ in 0..<n { try db.execute("INSERT INTO customers VALUES (\(next), 'u\(next)@example.com')"); next += 1 }
        }
        try write(count)
        return Fixture(make: { SQLiteChangeLogSource(.init(path: path, log: { _ in })) }, writeMore: write)
    }

    func readAll(_ s: any ChangeSource, limit: Int = 4) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        while true {
            let b = try s.read(limit: limit, wait: nil, stop: nil)
            if b.isEmpty { return out }
            out += b
        }
    }

    func ids(_ r: [SourceRecord]) -> [Int64] {
        r.compactMap { if case .int(let i)? = $0.change?.key["id"] { return i } else { return nil } }
    }

    func checkContract(_ f: Fixture) throws {
        let s = f.make()
        try s.open(after: nil)
        let all = try readAll(s)
        XCTAssertEqual(ids(all), Array(1...20))
        XCTAssertEqual(Set(all.map(\.position)).count, 20, "every record has its own position")
        XCTAssertTrue(all.allSatisfy { $0.change?.sourcePosition == $0.position })
        XCTAssertEqual(try s.read(limit: 4, wait: nil, stop: nil).count, 0, "an empty read at the end")
        XCTAssertEqual(try s.read(limit: 4, wait: .milliseconds(20), stop: nil).count, 0, "a bounded wait returns")
        // Resume strictly after every position: the rest, exactly.
        for k in [0, 6, 13, 19] {
            let r = f.make()
            try r.open(after: all[k].position)
            XCTAssertEqual(ids(try readAll(r)), Array(Int64(k + 2)..<21), "after record \(k + 1)")
            r.close()
        }
        try f.writeMore(5)
        XCTAssertEqual(ids(try readAll(s)), Array(21...25), "growth is picked up after the end")
        s.close()
    }

    func testJSONLinesSourceMeetsTheContract() throws { try checkContract(jsonl(20)) }

    func testSQLiteChangeLogSourceMeetsTheContract() throws { try checkContract(try sqlite(20)) }

    func testATransactionIsNeverSplitAcrossBatches() throws {
        let f = jsonl(20)
        let s = f.make()
        try s.open(after: nil)
        var batches: [[SourceRecord]] = []
        while true {
            let b = try s.read(limit: 2, wait: nil, stop: nil)
            if b.isEmpty { break }
            batches.append(b)
        }
        for b in batches {
            XCTAssertEqual(Set(b.compactMap(\.change?.txn)).count, 1, "one transaction a batch at limit 2: \(b.map { $0.change?.txn ?? "-" })")
        }
        XCTAssertEqual(batches.flatMap { ids($0) }, Array(1...20))
    }
}

import Foundation
import XCTest
import TandemCore
import TandemSQLite
@testable import TandemSources
import TandemTesting

/// The `ChangeSource` contract (`SourceConformance`, TandemTesting) run against every implementation, and
/// source transactions kept in one batch.
final class SourceConformanceTests: XCTestCase {
    var dir = ""
    override func setUp() { dir = makeTempDir() }
    override func tearDown() { removeDir(dir) }

    typealias Fixture = SourceConformance.Fixture

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

    func ids(_ r: [SourceRecord]) -> [Int64] { SourceConformance.ids(r) }

    func testJSONLinesSourceMeetsTheContract() throws { try SourceConformance.check(jsonl(20)) }

    func testSQLiteChangeLogSourceMeetsTheContract() throws { try SourceConformance.check(try sqlite(20)) }

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

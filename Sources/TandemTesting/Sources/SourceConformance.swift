import TandemCore
import TandemSources
import XCTest

/// The `ChangeSource` contract, for every implementation: ordered positions, resume strictly after any position
/// (no gap, no duplicate), empty reads at the end, growth picked up after it. A source's test target gives it a
/// fixture of 20 changes whose keys are `id` 1…20 and a way to write more (ids 21…).
public enum SourceConformance {
    /// A source factory with 20 changes already written, and a function that writes `n` more.
    public struct Fixture {
        /// Makes a new source over the same input (not opened).
        public var make: () -> any ChangeSource
        /// Writes `n` more changes, ids continuing.
        public var writeMore: (Int) throws -> Void

        /// A fixture.
        public init(make: @escaping () -> any ChangeSource, writeMore: @escaping (Int) throws -> Void) {
            self.make = make; self.writeMore = writeMore
        }
    }

    /// Every record the opened source gives until an empty read, `limit` a read.
    public static func readAll(_ s: any ChangeSource, limit: Int = 4) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        while true {
            let b = try s.read(limit: limit, wait: nil, stop: nil)
            if b.isEmpty { return out }
            out += b
        }
    }

    /// The integer `id` key of each decoded record.
    public static func ids(_ r: [SourceRecord]) -> [Int64] {
        r.compactMap { if case .int(let i)? = $0.change?.key["id"] { return i } else { return nil } }
    }

    /// Checks the contract on a fixture of 20 changes (XCTest assertions, attributed to the caller's line).
    public static func check(_ f: Fixture, file: StaticString = #filePath, line: UInt = #line) throws {
        let s = f.make()
        try s.open(after: nil)
        let all = try readAll(s)
        XCTAssertEqual(ids(all), Array(1...20), file: file, line: line)
        XCTAssertEqual(Set(all.map(\.position)).count, 20, "every record has its own position", file: file, line: line)
        XCTAssertTrue(all.allSatisfy { $0.change?.sourcePosition == $0.position }, file: file, line: line)
        XCTAssertEqual(try s.read(limit: 4, wait: nil, stop: nil).count, 0, "an empty read at the end", file: file, line: line)
        XCTAssertEqual(try s.read(limit: 4, wait: .milliseconds(20), stop: nil).count, 0, "a bounded wait returns",
                       file: file, line: line)
        // Resume strictly after every position: the rest, exactly.
        for k in [0, 6, 13, 19] {
            let r = f.make()
            try r.open(after: all[k].position)
            XCTAssertEqual(ids(try readAll(r)), Array(Int64(k + 2)..<21), "after record \(k + 1)", file: file, line: line)
            r.close()
        }
        try f.writeMore(5)
        XCTAssertEqual(ids(try readAll(s)), Array(21...25), "growth is picked up after the end", file: file, line: line)
        s.close()
    }
}

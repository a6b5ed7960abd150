import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: a reader beside the writer sees every durable event once, in order, across segment rolls,
/// and a follower waiting at the head wakes when new events are appended.
final class FollowTests: XCTestCase {
    let options = JournalOptions(segmentSize: 4096, indexInterval: 512, logger: { _ in })

    /// Follows from seq 1 on another thread until `count` events arrived (or a generous deadline passed).
    func follow(_ reader: JournalReader, count: Int) -> (Thread, LockedArray<Event>, DispatchSemaphore) {
        let got = LockedArray<Event>()
        let done = DispatchSemaphore(value: 0)
        let box = UncheckedBox(reader)
        let thread = Thread {
            let deadline = Date(timeIntervalSinceNow: 60)
            while got.values.count < count && Date() < deadline {
                do {
                    if let e = try box.value.next(timeout: 5) { got.append(e) }
                } catch {
                    XCTFail("follower: \(error)"); break
                }
            }
            done.signal()
        }
        thread.start()
        return (thread, got, done)
    }

    func testFollowerInTheWritersProcessWakesOnAppend() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        let (_, got, done) = follow(try writer.makeReader(), count: 300)
        for i in 1...300 { try writer.append(sampleEvent(i)) }
        done.wait()
        writer.close()
        XCTAssertEqual(got.values, (1...300).map { journaled($0) })
    }

    func testIndependentReaderBesideTheWriterFollowsAcrossRolls() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        try writer.append((1...5).map { sampleEvent($0) })
        let reader = try JournalReader(directory: dir, options: options)
        let (_, got, done) = follow(reader, count: 400)
        for start in stride(from: 6, through: 400, by: 5) {
            try writer.append((start..<(start + 5)).map { sampleEvent($0) })
        }
        done.wait()
        XCTAssertEqual(got.values, (1...400).map { journaled($0) })
        XCTAssertGreaterThan(try JournalFiles.segments(in: dir, fs: PosixFileSystem()).count, 5)
        writer.close()
    }

    func testReaderStopsAtTheDurableHeadOfALiveWriter() throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let writer = try JournalWriter(directory: dir, options: options)
        try writer.append((1...3).map { sampleEvent($0) })
        // Bytes beyond the writer's durable head (as if a group were being written) are not returned.
        let segment = dir + "/00000000000000000001.seg"
        let extra = try Data(contentsOf: URL(fileURLWithPath: segment)).suffix(from: 48)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
        try handle.seekToEnd(); try handle.write(contentsOf: extra); try handle.close()
        XCTAssertEqual(try readAll(dir, options: options).map(\.seq), [1, 2, 3])
        writer.close()
    }
}

/// Hands a non-Sendable reader to the one thread that uses it.
struct UncheckedBox<T>: @unchecked Sendable {
    // @unchecked: the value is used by one thread only after the hand-over.
    let value: T
    init(_ value: T) { self.value = value }
}

/// Promise: async callers get the same durable, dense seqs as threads.
final class AsyncAppendTests: XCTestCase {
    func testConcurrentAsyncAppends() async throws {
        let dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir)
        let writer = try JournalWriter(directory: dir)
        let ranges = try await withThrowingTaskGroup(of: ClosedRange<UInt64>?.self) { group in
            for t in 0..<8 {
                group.addTask { try await writer.appendAsync((0..<10).map { sampleEvent(t * 100 + $0) }) }
            }
            var all: [ClosedRange<UInt64>] = []
            for try await r in group { all.append(r!) }
            return all
        }
        writer.close()
        XCTAssertEqual(ranges.flatMap { Array($0) }.sorted(), Array(1...80))
        XCTAssertEqual(try readAll(dir).count, 80)
    }
}

import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: with EIO or ENOSPC on any write, sync or rename, no append is acknowledged that was not
/// synced, nothing acknowledged is lost, and the journal reopens cleanly (also after a power loss).
final class IOErrorTests: XCTestCase {
    let dir = "/data/journal"

    /// An append-and-roll workload; returns the acknowledged events and the first error, if any.
    private func workload(_ fs: SimulatedFileSystem, _ options: JournalOptions) -> (acked: [Event], error: Error?) {
        var acked: [Event] = []
        var next = 1
        func appendSome(_ w: JournalWriter, _ count: Int) throws {
            let events = (next..<(next + count)).map { sampleEvent($0, padding: 60) }
            let range = try w.append(events)!
            XCTAssertEqual(range, UInt64(next)...UInt64(next + count - 1))
            acked += (next..<(next + count)).map { journaled($0, padding: 60) }
            next += count
        }
        do {
            var w = try JournalWriter(directory: dir, options: options)
            for round in 0..<12 { try appendSome(w, 1 + round % 5) }
            w.close()
            w = try JournalWriter(directory: dir, options: options)
            for _ in 0..<4 { try appendSome(w, 3) }
            do {
                try appendSome(w, 2)
            } catch let e as JournalError where e.isDiskFull {
                // A full disk leaves the writer open (`DiskFullTests`); the workload stops here all the same.
                throw e
            } catch {
                // After any other failure the writer stays closed: later appends fail at once.
                XCTAssertThrowsError(try w.append([sampleEvent(9999)])) { e in
                    guard case .writerClosed = e as? JournalError else { return XCTFail("\(e)") }
                }
                throw error
            }
            w.close()
        } catch {
            return (acked, error)
        }
        return (acked, nil)
    }

    private func fresh(seed: UInt64) throws -> (SimulatedFileSystem, JournalOptions) {
        let fs = SimulatedFileSystem(seed: seed)
        let options = JournalOptions(segmentSize: 1500, indexInterval: 256, fileSystem: fs, logger: { _ in })
        try Journal.create(at: dir, options: options)
        return (fs, options)
    }

    func testFaultOnEveryWriteSyncAndRename() throws {
        let (probe, probeOptions) = try fresh(seed: 1)
        let baseline = [SimulatedFileSystem.FaultKind.write, .sync, .rename].map { probe.count($0) }
        let clean = workload(probe, probeOptions)
        XCTAssertNil(clean.error)
        let counts = zip([SimulatedFileSystem.FaultKind.write, .sync, .rename], baseline).map { ($0, probe.count($0) - $1) }
        var runs = 0, failedRuns = 0
        for (kind, total) in counts {
            XCTAssertGreaterThan(total, 3, "\(kind) operations in the workload")
            for errno in [EIO, ENOSPC] {
                for n in 1...total {
                    runs += 1
                    let (fs, options) = try fresh(seed: UInt64(runs))
                    fs.fail(kind, nth: n, errno: errno)
                    let result = workload(fs, options)
                    let what = "\(kind) #\(n) failing with \(errnoName(errno))"
                    // Index and head files are hints written without checking: those faults pass unseen.
                    if result.error != nil { failedRuns += 1 }
                    fs.clearFaults()
                    try check(fs, options, acked: result.acked, what: what + ", reopened")
                    fs.powerLoss()
                    try check(fs, options, acked: result.acked, what: what + ", after a power loss")
                    if testRun?.failureCount ?? 0 > 0 { return }
                }
            }
        }
        XCTAssertGreaterThan(failedRuns, runs / 2, "faults that stopped the workload")
    }

    /// Reopens for writing (recovery must succeed), then checks every acknowledged event is there.
    private func check(_ fs: SimulatedFileSystem, _ options: JournalOptions, acked: [Event], what: String) throws {
        let writer: JournalWriter
        do {
            writer = try JournalWriter(directory: dir, options: options)
        } catch {
            return XCTFail("\(what): reopen failed: \(error)")
        }
        writer.close()
        let events = try readAll(dir, options: options)
        XCTAssertGreaterThanOrEqual(events.count, acked.count, "\(what): acknowledged events lost")
        XCTAssertEqual(Array(events.prefix(acked.count)), acked, what)
        for (i, e) in events.enumerated() {
            XCTAssertEqual(e, journaled(i + 1, padding: 60), "\(what): seq \(i + 1)")
        }
        let report = try Journal.verify(at: dir, options: options)
        XCTAssertNil(report.fault, what)
    }
}

/// Promise: with many threads appending, a failed fdatasync fails every pending append, later
/// appends fail at once, and every acknowledged event survives a power loss.
final class ConcurrentFailureTests: XCTestCase {
    func testFailedSyncUnderConcurrentAppenders() throws {
        for failingSync in [3, 10, 25] {
            let fs = SimulatedFileSystem(seed: UInt64(failingSync))
            let options = JournalOptions(segmentSize: 4096, indexInterval: 512, fileSystem: fs, logger: { _ in })
            let dir = "/data/j"
            try Journal.create(at: dir, options: options)
            let writer = try JournalWriter(directory: dir, options: options)
            fs.fail(.sync, nth: failingSync, errno: EIO)
            let acked = LockedArray<Event>()
            let failures = LockedArray<String>()
            // Each thread appends until it sees the failure (bounded), so none can finish before the
            // failing sync however the threads are scheduled.
            DispatchQueue.concurrentPerform(iterations: 4) { t in
                for i in 0..<100_000 {
                    let e = sampleEvent(t * 1_000_000 + i)
                    do {
                        let seq = try writer.append(e)
                        var j = e; j.seq = seq
                        acked.append(j)
                    } catch {
                        failures.append("\(error)")
                        return
                    }
                }
            }
            XCTAssertEqual(failures.values.count, 4, "every thread saw the failure")
            XCTAssertTrue(failures.values.contains { $0.hasPrefix("journal I/O error: f") }, "\(failures.values)")
            fs.clearFaults()
            fs.powerLoss()
            let reopened = try JournalWriter(directory: dir, options: options)
            reopened.close()
            let events = try readAll(dir, options: options)
            let bySeq = Dictionary(uniqueKeysWithValues: events.map { ($0.seq, $0) })
            for e in acked.values { XCTAssertEqual(bySeq[e.seq], e, "acknowledged seq \(e.seq) after sync #\(failingSync) failed") }
            XCTAssertEqual(events.map(\.seq), Array(1...UInt64(max(events.count, 1))).prefix(events.count).map { $0 })
        }
    }
}

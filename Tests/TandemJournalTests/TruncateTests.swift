import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: truncation refuses to drop what a registered consumer needs (unless forced), is recorded
/// in the manifest, and a crash anywhere in it leaves the old or the new journal.
final class TruncateTests: XCTestCase {
    var dir = ""
    let options = JournalOptions(segmentSize: 2048, indexInterval: 256, logger: { _ in })

    override func setUpWithError() throws {
        dir = try temporaryPath(self) + "/j"
        try Journal.create(at: dir, options: options)
        let w = try JournalWriter(directory: dir, options: options)
        for start in stride(from: 1, through: 100, by: 10) { try w.append((start..<(start + 10)).map { sampleEvent($0) }) }
        w.close()
    }

    /// Only whole segments every event of which is at or below the seq go; the newest segment (the head) stays
    /// even when everything was applied; a consumer behind refuses it.
    func testTruncateSegmentsDropsOnlyWholeSegmentsAndKeepsTheHead() throws {
        let w = try JournalWriter(directory: dir, options: options)
        defer { w.close() }
        let bases = try JournalFiles.segments(in: dir, fs: PosixFileSystem())
        XCTAssertGreaterThan(bases.count, 3, "small segments: several of them")
        XCTAssertNil(try w.truncateSegments(through: bases[1] - 2), "the first segment still holds an unapplied event")
        XCTAssertEqual(try w.truncateSegments(through: bases[1] - 1)?.dropped, 1...(bases[1] - 1))
        XCTAssertEqual(try JournalFiles.segments(in: dir, fs: PosixFileSystem()), Array(bases.dropFirst()))
        try Journal.setConsumerApplied("legacy", seq: bases[2], at: dir)
        XCTAssertThrowsError(try w.truncateSegments(through: 100)) { XCTAssertTrue("\($0)".contains("consumer \"legacy\""), "\($0)") }
        try Journal.setConsumerApplied("legacy", seq: 100, at: dir)
        XCTAssertEqual(try w.truncateSegments(through: 100)?.firstSeq, bases.last)
        XCTAssertEqual(try JournalFiles.segments(in: dir, fs: PosixFileSystem()), [bases.last!])
        XCTAssertNil(try w.truncateSegments(through: 100), "the newest segment stays: it holds the head")
        XCTAssertEqual(try readAll(dir, options: options).last, journaled(100))
        XCTAssertEqual(try w.append(sampleEvent(101)), 101)
    }

    func testBeforeRefusesNamingTheConsumerThenForces() throws {
        try Journal.setConsumerApplied("sqlite-main", seq: 30, at: dir)
        try Journal.setConsumerApplied("pg", seq: 80, at: dir)
        let w = try JournalWriter(directory: dir, options: options)
        defer { w.close() }
        // Applied 30 means 31 is still needed: before 31 is allowed, before 32 is not.
        XCTAssertThrowsError(try w.truncate(before: 45)) {
            XCTAssertEqual("\($0)", "truncate refused: consumer \"sqlite-main\" has applied up to seq 30;"
                           + " truncate --before 45 would drop seqs 31…44, which it has not applied"
                           + " (hint: wait for it, unregister it, or pass --force)")
        }
        XCTAssertEqual(try w.truncate(before: 31), TruncationResult(dropped: 1...30, firstSeq: 31, lastSeq: 100))
        XCTAssertEqual(try readAll(dir, options: options), (31...100).map { journaled($0) })
        XCTAssertEqual(try w.truncate(before: 57, force: true).dropped, 31...56)
        XCTAssertEqual(try readAll(dir, options: options), (57...100).map { journaled($0) })
        XCTAssertEqual(try JournalFiles.segments(in: dir, fs: PosixFileSystem()).first, 57)
        XCTAssertEqual(try w.append(sampleEvent(101)), 101)
        let m = try Journal.manifest(at: dir)
        XCTAssertEqual(m.firstSeq, 57)
        XCTAssertEqual(m.history.map(\.kind), ["before", "before"])
        XCTAssertEqual(m.history.map(\.forced), [false, true])
        XCTAssertEqual(m.history.last?.droppedFirst, 31)
        XCTAssertEqual(m.history.last?.droppedLast, 56)
        let reader = try JournalReader(directory: dir, options: options)
        XCTAssertThrowsError(try reader.seek(to: 10)) {
            XCTAssertEqual("\($0)", "seq 10 is outside the journal (first seq 57, last seq 101)")
        }
        let stats = try Journal.stats(at: dir, options: options)
        XCTAssertEqual(stats.firstSeq, 57)
        XCTAssertEqual(stats.lastSeq, 101)
        XCTAssertEqual(stats.events, 45)
        XCTAssertEqual(stats.consumers, [ConsumerLag(name: "sqlite-main", appliedSeq: 30, lag: 71),
                                         ConsumerLag(name: "pg", appliedSeq: 80, lag: 21)])
    }

    func testAfterRefusesNamingTheConsumerThenForces() throws {
        try Journal.setConsumerApplied("sqlite-main", seq: 70, at: dir)
        let w = try JournalWriter(directory: dir, options: options)
        XCTAssertThrowsError(try w.truncate(after: 60)) {
            XCTAssertEqual("\($0)", "truncate refused: consumer \"sqlite-main\" has applied up to seq 70;"
                           + " truncate --after 60 would drop seqs 61…70, which it has already applied"
                           + " (hint: rewind its store to seq 60 first with `tandem rewind --journal \(self.dir) --into SINK"
                           + " --to 60`, unregister it with `tandem journal consumers \(self.dir) unregister sqlite-main`,"
                           + " or pass --force)")
        }
        XCTAssertEqual(try w.truncate(after: 70).dropped, 71...100)
        XCTAssertEqual(w.lastSeq, 70)
        XCTAssertEqual(try w.truncate(after: 33, force: true).dropped, 34...70)
        XCTAssertEqual(try w.append(sampleEvent(34)), 34)
        XCTAssertEqual(try w.lastEvent(), journaled(34))
        w.close()
        XCTAssertEqual(try readAll(dir, options: options), (1...34).map { journaled($0) })
        XCTAssertTrue(try Journal.verify(at: dir, options: options).isClean)
        XCTAssertEqual(try Journal.manifest(at: dir).history.map(\.seq), [70, 33])
        XCTAssertNil(try Journal.manifest(at: dir).pendingTruncateAfter)
    }

    func testTruncateEverything() throws {
        XCTAssertEqual(try Journal.truncate(before: 101, at: dir, options: options).dropped, 1...100)
        XCTAssertEqual(try readAll(dir, options: options), [])
        let w = try JournalWriter(directory: dir, options: options)
        XCTAssertEqual(try w.append(sampleEvent(101)), 101)
        XCTAssertEqual(try w.truncate(after: 100).dropped, 101...101)
        XCTAssertEqual(try w.append(sampleEvent(101)), 101)
        w.close()
        XCTAssertEqual(try readAll(dir, options: options), [journaled(101)])
    }

    /// A power loss at every step of a truncation leaves the old or the new journal.
    func testTruncationSurvivesPowerLossAtEveryStep() throws {
        for kind in ["before", "after"] {
            var step = 1
            while true {
                let fs = SimulatedFileSystem(seed: UInt64(step))
                let sim = JournalOptions(segmentSize: 2048, indexInterval: 256, fileSystem: fs, logger: { _ in })
                let d = "/data/j"
                try Journal.create(at: d, options: sim)
                let w = try JournalWriter(directory: d, options: sim)
                for start in stride(from: 1, through: 100, by: 10) {
                    try w.append((start..<(start + 10)).map { sampleEvent($0) })
                }
                fs.powerLossAtOperation = fs.operations + step
                var finished = false
                do {
                    if kind == "before" { try w.truncate(before: 47) } else { try w.truncate(after: 47) }
                    finished = !fs.lostPower
                } catch {}
                if !fs.lostPower { fs.powerLoss() }
                fs.powerLossAtOperation = nil
                let events: [Event]
                do {
                    try JournalWriter(directory: d, options: sim).close()
                    events = try readAll(d, options: sim)
                } catch {
                    return XCTFail("\(kind), power loss at step \(step): reopen failed: \(error)")
                }
                let old = (1...100).map { journaled($0) }
                let new = kind == "before" ? (47...100).map { journaled($0) } : (1...47).map { journaled($0) }
                XCTAssertTrue(events == old || events == new,
                              "\(kind), power loss at step \(step): \(events.first?.seq ?? 0)…\(events.last?.seq ?? 0)")
                if finished { XCTAssertEqual(events, new, "\(kind): done means done"); break }
                step += 1
                if step > 200 { return XCTFail("truncation never finished") }
            }
        }
    }
}

import Foundation
import TandemCore
@testable import TandemJournal
import XCTest
import TandemTesting

/// Promise: an acknowledged append survives power loss, and recovery never fails on a state a real
/// disk could leave — also when power fails in the middle of a roll or a truncation.
///
/// Heavy: TANDEM_TRIALS trials (default 200; `scripts/soak journal` runs 1,000+).
final class PowerLossTests: XCTestCase {
    static let trials = Int(ProcessInfo.processInfo.environment["TANDEM_TRIALS"] ?? "") ?? 200

    /// Event contents depend on an epoch, so an event dropped by a truncation cannot pass for a re-append.
    static func event(seq: UInt64, epoch: Int) -> Event {
        var e = sampleEvent(Int(seq), padding: Int(seq % 5) * 40)
        e.origin = "epoch-\(epoch)"
        return e
    }

    func testAcknowledgedAppendsSurvivePowerLoss() throws {
        var repairs = 0
        for trial in 0..<Self.trials {
            if try runTrial(seed: UInt64(trial) &* 7919 &+ 17, trial: trial) { repairs += 1 }
            if testRun?.failureCount ?? 0 > 0 { break }
        }
        // The simulation must really tear tails, or this test proves nothing. How many trials end in a torn tail
        // depends on how the appending threads group their writes (7 to 15 of 200 seen), so the bound is low.
        if Self.trials >= 100 { XCTAssertGreaterThanOrEqual(repairs, max(2, Self.trials / 100), "torn tails repaired") }
    }

    /// Runs one trial; true when recovery cut a torn tail.
    private func runTrial(seed: UInt64, trial: Int) throws -> Bool {
        var rng = SplitMix64(seed: seed)
        let fs = SimulatedFileSystem(seed: seed ^ 0xABCDEF)
        let log = LogLines()
        var options = JournalOptions(segmentSize: 1024 + rng.below(3000), indexInterval: 256, fileSystem: fs,
                                     logger: log.sink)
        // A small space reserve: its crash states are the same, and a power loss settles fewer sectors.
        options.spaceReserve = 1024
        let dir = "/data/journal"
        try Journal.create(at: dir, options: options)
        fs.powerLossAtOperation = fs.operations + 1 + rng.below(260)
        fs.powerLossAtSyncOnly = rng.chance(60)

        // The model: what must survive (acked) and what may (attempted but not acknowledged).
        var acked: [Event] = []          // acked[i] has seq firstSeq + i
        var firstSeq: UInt64 = 1
        var allowedFirst: Set<UInt64> = [1]
        var mayHave: [UInt64: Set<Event>] = [:]
        var epoch = 0
        var writer: JournalWriter?
        workload: for _ in 0..<40 {
            do {
                if writer == nil { writer = try JournalWriter(directory: dir, options: options) }
                let w = writer!
                let next = w.lastSeq + 1
                switch rng.below(20) {
                case 0:
                    // truncate --after: what is dropped must stay dropped once acknowledged.
                    guard w.lastSeq >= firstSeq else { continue }
                    let cut = firstSeq - 1 + UInt64(rng.below(Int(w.lastSeq - firstSeq + 2)))
                    acked.removeSubrange(min(acked.count, Int(cut + 1 - firstSeq))...)
                    try w.truncate(after: cut, force: true)
                    for s in mayHave.keys where s > cut { mayHave[s] = nil }
                    epoch += 1
                case 1:
                    guard w.lastSeq >= firstSeq else { continue }
                    let to = firstSeq + UInt64(rng.below(Int(w.lastSeq - firstSeq + 2)))
                    allowedFirst.insert(to)
                    try w.truncate(before: to, force: true)
                    acked.removeFirst(Int(to - firstSeq))
                    firstSeq = to
                    allowedFirst = [to]
                case 2:
                    w.close()
                    writer = nil
                default:
                    // Now and then a batch large enough to be framed on two cores.
                    let count = rng.chance(4) ? PreFramedBatch.threshold + rng.below(100) : 1 + rng.below(rng.chance(20) ? 60 : 8)
                    let events = (0..<count).map { Self.event(seq: next + UInt64($0), epoch: epoch) }
                    for (i, e) in events.enumerated() {
                        var j = e; j.seq = next + UInt64(i)
                        mayHave[j.seq, default: []].insert(j)
                    }
                    let range = try w.append(events)!
                    XCTAssertEqual(range, next...(next + UInt64(count) - 1))
                    acked.append(contentsOf: events.enumerated().map { var e = $1; e.seq = next + UInt64($0); return e })
                }
            } catch {
                if fs.lostPower { break workload }
                XCTFail("trial \(trial) (seed \(seed)): unexpected error before the power loss: \(error)")
                return false
            }
        }
        if !fs.lostPower { fs.powerLoss() }
        fs.powerLossAtOperation = nil
        fs.powerLossAtSyncOnly = false
        writer = nil  // the process died with the power

        // Reboot: recovery must succeed and keep every acknowledged event.
        let reopened: JournalWriter
        do {
            reopened = try JournalWriter(directory: dir, options: options)
        } catch {
            XCTFail("trial \(trial) (seed \(seed)): recovery failed: \(error)\nlog: \(log.all)")
            return false
        }
        let manifest = try Journal.manifest(at: dir, options: options)
        XCTAssertTrue(allowedFirst.contains(manifest.firstSeq),
                      "trial \(trial): first seq \(manifest.firstSeq), expected one of \(allowedFirst)")
        let events = try readAll(dir, options: options)
        let offset = Int(manifest.firstSeq) - Int(firstSeq)
        let mustHave = offset >= 0 ? Array(acked.dropFirst(offset)) : acked
        XCTAssertGreaterThanOrEqual(events.count, mustHave.count,
                                    "trial \(trial) (seed \(seed)): acknowledged events lost; log: \(log.all)")
        for (i, e) in events.enumerated() {
            XCTAssertEqual(e.seq, manifest.firstSeq + UInt64(i), "trial \(trial): seqs not dense")
            if i < mustHave.count {
                XCTAssertEqual(e, mustHave[i], "trial \(trial) (seed \(seed)): acknowledged seq \(e.seq) differs")
            } else {
                XCTAssertTrue(mayHave[e.seq]?.contains(e) ?? false,
                              "trial \(trial) (seed \(seed)): seq \(e.seq) was never appended or was truncated")
            }
        }
        let report = try Journal.verify(at: dir, options: options)
        XCTAssertNil(report.fault, "trial \(trial) (seed \(seed)): verify after recovery")
        XCTAssertNil(report.tornTail)
        // And the writer goes on from there.
        let next = reopened.lastSeq + 1
        XCTAssertEqual(try reopened.append([Self.event(seq: next, epoch: 99)]), next...next)
        reopened.close()
        return log.all.contains { $0.hasPrefix("journal: torn tail") }
    }
}

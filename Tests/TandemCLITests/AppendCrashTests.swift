import Foundation
import TandemCore
import XCTest
import TandemTesting

/// Promise: an acknowledged append survives `kill -9`, and restart resumes with nothing lost or doubled.
///
/// A child `tandem journal append --acks` is fed events without end; after a random number of
/// acknowledgements it is killed with SIGKILL. After each kill the journal must verify clean and hold
/// events 1…M in order, each once and byte-for-byte as sent, with M at least the last acknowledged seq.
final class AppendCrashTests: XCTestCase {
    /// Trials in the suite; `scripts/soak journal` raises it with TANDEM_TRIALS.
    static let trials = Int(ProcessInfo.processInfo.environment["TANDEM_TRIALS"] ?? "") ?? 50

    func testAcknowledgedAppendsSurviveSIGKILL() throws {
        signal(SIGPIPE, SIG_IGN)
        let dir = try temporaryDirectory(self).appendingPathComponent("j")
        XCTAssertEqual(try CLI.run(["journal", "init", dir.path]).status, 0)
        var rng = SplitMix64(seed: 0x7A4D_E11A)
        var journaled = 0   // events in the journal after the last trial
        for trial in 0..<Self.trials {
            let acked = try killAfterAcks(dir: dir, firstID: journaled + 1, acks: Int(rng.next() % 12),
                                          thenWaitMicroseconds: UInt32(rng.next() % 3000))
            // Earlier trials' events were checked already; this trial's must follow them exactly.
            let lines = try CLI.run(["journal", "inspect", dir.path, "--from", "\(journaled + 1)"]).stdout
                .split(separator: "\n")
            XCTAssertGreaterThanOrEqual(journaled + lines.count, acked, "trial \(trial): acknowledged seq \(acked) is missing")
            for (i, line) in lines.enumerated() {
                var expected = CrashWorkload.event(journaled + i + 1)
                expected.seq = UInt64(journaled + i + 1)
                XCTAssertEqual(String(line), EventJSON.string(expected), "trial \(trial): seq \(journaled + i + 1) differs")
            }
            journaled += lines.count
            let verify = try CLI.run(["journal", "verify", dir.path])
            XCTAssertEqual(verify.status, 0, "trial \(trial): verify failed: \(verify.stdout)\(verify.stderr)")
            if testRun?.failureCount ?? 0 > 0 { break }
        }
        XCTAssertGreaterThan(journaled, 0)
    }

    /// Starts a child appending events from `firstID`, kills it `delay` µs after `acks + 1` acknowledgements
    /// and returns the highest acknowledged seq (0 if none).
    private func killAfterAcks(dir: URL, firstID: Int, acks: Int, thenWaitMicroseconds delay: UInt32) throws -> Int {
        let child = Process()
        child.executableURL = CLI.executable
        child.arguments = ["journal", "append", dir.path, "--acks"]
        let input = Pipe(), output = Pipe()
        child.standardInput = input; child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        let feeder = Thread {
            let fd = input.fileHandleForWriting.fileDescriptor
            var id = firstID
            while true {
                var chunk = [UInt8]()
                for _ in 0..<64 {
                    EventJSON.encode(CrashWorkload.event(id), into: &chunk); chunk.append(10); id += 1
                }
                let ok = chunk.withUnsafeBytes { raw -> Bool in
                    var off = 0
                    while off < raw.count {
                        let n = write(fd, raw.baseAddress! + off, raw.count - off)
                        if n <= 0 { return false }
                        off += n
                    }
                    return true
                }
                if !ok { return }
            }
        }
        feeder.start()
        var lastAcked = 0
        var seen = 0
        var pending = [UInt8]()
        let outFD = output.fileHandleForReading.fileDescriptor
        var buf = [UInt8](repeating: 0, count: 4096)
        reading: while seen <= acks {
            let n = read(outFD, &buf, buf.count)
            if n <= 0 { break }
            pending.append(contentsOf: buf[0..<n])
            while let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                // "acked FIRST..LAST"
                if line.hasPrefix("acked "), let last = line.split(separator: ".").last, let v = Int(last) {
                    lastAcked = v; seen += 1
                    if seen > acks { break reading }
                }
            }
        }
        usleep(delay)  // a random moment within the next group's write and sync, not a wait for a condition
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        try? input.fileHandleForWriting.close()
        XCTAssertEqual(child.terminationReason, .uncaughtSignal)
        return lastAcked
    }
}

/// The crash test's deterministic events: the i-th is always the same bytes.
enum CrashWorkload {
    static func event(_ i: Int) -> Event {
        Event(sourcePosition: "crash.log:\(i)", txn: "t-\(i / 3)", entity: "orders",
              key: ["id": .int(Int64(i))], op: i % 5 == 0 ? .delete : .insert,
              before: nil, after: ["id": .int(Int64(i)), "note": .string("order \(i) ✓"),
                                   "amount": .decimal("\(i).25")],
              tenant: "t\(i % 7)")
    }
}


import Foundation
import TandemCore
@testable import TandemJournal
import TandemTesting
import XCTest

/// Promise (issue 11): the journal's disk filling up fails the batch with `JournalError.diskFull` (retryable),
/// leaves nothing of it on disk, and the SAME writer appends again once space returns; the journal verifies
/// clean and a reopen (also after a power loss) finds exactly what was acknowledged.
final class DiskFullTests: XCTestCase {
    let dir = "/data/journal"

    private func fresh(seed: UInt64, log: LogLines) throws -> (SimulatedFileSystem, JournalOptions) {
        try simulatedJournal(at: dir, seed: seed, segmentSize: 16 << 10, log: log)
    }

    func testTheSameWriterAppendsAgainOnceSpaceReturns() throws {
        // A full disk for writes (the usual case), a quota, and a one-off ENOSPC from fdatasync (thin
        // provisioning, NFS); batches that fit the segment and one that crosses a roll.
        for (kind, errno, size, seed) in [(SimulatedFileSystem.FaultKind.write, ENOSPC, 5, UInt64(1)), (.write, ENOSPC, 300, 2),
                                          (.write, EDQUOT, 300, 3), (.sync, ENOSPC, 300, 4)] {
            let what = "\(kind) \(errnoName(errno)), batch of \(size)"
            let log = LogLines()
            let (fs, options) = try fresh(seed: seed, log: log)
            let writer = try JournalWriter(directory: dir, options: options)
            XCTAssertEqual(try writer.append((1...10).map { sampleEvent($0) }), 1...10)
            if kind == .write { fs.failAll(.write, errno: errno) } else { fs.fail(.sync, nth: 1, errno: errno) }
            for attempt in 1...(kind == .write ? 3 : 1) {
                XCTAssertThrowsError(try writer.append((11...(10 + size)).map { sampleEvent($0, padding: 100) })) { e in
                    guard let j = e as? JournalError, case .diskFull(_, let path, errno) = j else { return XCTFail("\(what): \(e)") }
                    XCTAssertTrue(j.isRetryable, what)
                    XCTAssertTrue(path.hasPrefix(dir), "\(what): \(path)")
                    XCTAssertTrue("\(j)".hasPrefix("journal disk full at \(path) ("), "\(what): \(j)")
                    XCTAssertTrue("\(j)".hasSuffix("nothing of the batch was written; free space and run again"), "\(what): \(j)")
                }
                XCTAssertEqual(writer.lastSeq, 10, "\(what), attempt \(attempt)")
            }
            fs.clearFaults()
            // Nothing half-written: a reader sees exactly the acknowledged events while the writer is still open.
            XCTAssertEqual(try readAll(dir, options: options).map(\.seq), Array(1...10), what)
            XCTAssertEqual(try writer.append((11...(10 + size)).map { sampleEvent($0, padding: 100) }), 11...UInt64(10 + size), what)
            XCTAssertEqual(try writer.lastEvent()?.seq, UInt64(10 + size), what)
            writer.close()
            XCTAssertNil(try Journal.verify(at: dir, options: options).fault, what)
            let expected = (1...10).map { journaled($0) } + (11...(10 + size)).map { journaled($0, padding: 100) }
            XCTAssertEqual(try readAll(dir, options: options), expected, what)
            fs.powerLoss()
            let reopened = try JournalWriter(directory: dir, options: options)
            XCTAssertEqual(reopened.lastSeq, UInt64(10 + size), "\(what): acknowledged events after a power loss")
            reopened.close()
            XCTAssertTrue(log.all.contains { $0.contains("cut the unacknowledged tail back to seq 10") && $0.hasSuffix("appends go on once there is room") },
                          "\(what): \(log.all)")
        }
    }

    /// The disk fills in the middle of a group, after a segment roll recorded its new segment in the manifest:
    /// cutting back must rewrite the manifest on a full disk, which the space reserve makes room for.
    func testADiskThatFillsAfterARollIsCutBackWithTheReserve() throws {
        for room in [20_000, 40_000, 70_000] {
            let log = LogLines()
            let (fs, options) = try fresh(seed: UInt64(room), log: log)
            let writer = try JournalWriter(directory: dir, options: options)
            XCTAssertEqual(try writer.append((1...10).map { sampleEvent($0) }), 1...10)
            XCTAssertTrue(fs.exists(dir + "/space.reserve"))
            fs.capacity = fs.usedBytes() + room
            XCTAssertThrowsError(try writer.append((11...1000).map { sampleEvent($0, padding: 100) })) { e in
                guard case .diskFull? = e as? JournalError else { return XCTFail("room \(room): \(e)") }
            }
            XCTAssertTrue(log.all.contains { $0.contains("in the room of space.reserve") }, "room \(room): \(log.all)")
            XCTAssertEqual(try readAll(dir, options: options).map(\.seq), Array(1...10), "room \(room)")
            fs.capacity = nil
            XCTAssertEqual(try writer.append((11...20).map { sampleEvent($0) }), 11...20, "room \(room)")
            XCTAssertTrue(fs.exists(dir + "/space.reserve"), "made again after the append that succeeded")
            writer.close()
            XCTAssertNil(try Journal.verify(at: dir, options: options).fault, "room \(room)")
            fs.powerLoss()
            XCTAssertEqual(try readAll(dir, options: options).map(\.seq), Array(1...20), "room \(room), after a power loss")
        }
    }

    /// The same on a real file system that fills up: a 1 MiB tmpfs (mounting needs root; skipped otherwise).
    func testARealFullFileSystem() throws {
        guard getuid() == 0 else { throw XCTSkip("mounting a 1 MiB tmpfs needs root") }
        let mountPoint = try temporaryPath(self)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]) == 0 else {
            throw XCTSkip("mount -t tmpfs failed (no CAP_SYS_ADMIN in this container)")
        }
        addTeardownBlock { _ = self.run("/bin/umount", [mountPoint]) }
        let journal = mountPoint + "/journal"
        let options = JournalOptions(segmentSize: 128 << 10, logger: { _ in })
        try Journal.create(at: journal, options: options)
        let writer = try JournalWriter(directory: journal, options: options)
        defer { writer.close() }
        // Fill what the journal leaves with a file, then append until the disk is full.
        let filler = mountPoint + "/filler"
        XCTAssertTrue(FileManager.default.createFile(atPath: filler, contents: Data(count: 700 << 10)))
        var next = 1, full: JournalError?
        while full == nil, next < 100_000 {
            do {
                try writer.append((next..<(next + 20)).map { sampleEvent($0, padding: 200) })
                next += 20
            } catch let e as JournalError {
                full = e
            }
        }
        guard case .diskFull? = full else { return XCTFail("expected diskFull, got \(String(describing: full))") }
        XCTAssertEqual(writer.lastSeq, UInt64(next - 1))
        // The same batch again, with nothing freed: refused the same way, the writer still open.
        XCTAssertThrowsError(try writer.append((next..<(next + 20)).map { sampleEvent($0, padding: 200) })) { e in
            guard case .diskFull? = e as? JournalError else { return XCTFail("\(e)") }
        }
        try FileManager.default.removeItem(atPath: filler)
        XCTAssertEqual(try writer.append((next..<(next + 20)).map { sampleEvent($0, padding: 200) }),
                       UInt64(next)...UInt64(next + 19))
        XCTAssertNil(try Journal.verify(at: journal, options: options).fault)
        XCTAssertEqual(try readAll(journal, options: options).map(\.seq), Array(1...UInt64(next + 19)))
    }

    private func run(_ tool: String, _ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}

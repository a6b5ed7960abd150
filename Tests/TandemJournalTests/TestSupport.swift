import Foundation
import TandemCore
@testable import TandemJournal
import TandemTesting
import XCTest

/// The i-th test event: always the same content, ~150-250 bytes framed.
func sampleEvent(_ i: Int, padding: Int = 0) -> Event {
    Event(sourcePosition: "changes.log:\(i)", txn: "t-\(i / 3)",
          committedAt: Timestamp(microseconds: 1_795_000_000_000_000 + Int64(i)),
          entity: "customers", key: ["id": .int(Int64(i))], op: i % 7 == 0 ? .delete : .update,
          before: ["id": .int(Int64(i)), "email": .string("old\(i)@example.com")],
          after: ["id": .int(Int64(i)), "email": .string("new\(i)@example.com"),
                  "note": .string(String(repeating: "x", count: padding))],
          tenant: "tenant-\(i % 5)", origin: "legacy")
}

/// `sampleEvent(i)` with its seq set, as a reader returns it.
func journaled(_ i: Int, padding: Int = 0) -> Event {
    var e = sampleEvent(i, padding: padding); e.seq = UInt64(i); return e
}

/// Reads every event from `seq` on.
func readAll(_ dir: String, from seq: UInt64? = nil, options: JournalOptions = JournalOptions()) throws -> [Event] {
    let reader = try JournalReader(directory: dir, options: options)
    if let seq { try reader.seek(to: seq) }
    var out: [Event] = []
    while let e = try reader.next() { out.append(e) }
    return out
}

/// The hint of a corruption error at `seq` in journal `dir`, when a cut keeps the events before it.
func expectedCorruptionHint(_ dir: String, seq: UInt64) -> String {
    "(hint: keep a copy of \(dir); restore the segment from a backup, then `tandem journal verify \(dir)` clears the"
        + " record; or give up seq \(seq) and everything after it with `tandem journal truncate --after \(seq - 1)"
        + " \(dir)` (refused while a consumer has applied beyond seq \(seq - 1)))"
}

/// A journal created at `dir` on a fresh `SimulatedFileSystem`, logging into `log`.
func simulatedJournal(at dir: String, seed: UInt64, segmentSize: Int, log: LogLines) throws -> (SimulatedFileSystem, JournalOptions) {
    let fs = SimulatedFileSystem(seed: seed)
    let options = JournalOptions(segmentSize: segmentSize, indexInterval: 1024, fileSystem: fs, logger: log.sink)
    try Journal.create(at: dir, options: options)
    return (fs, options)
}

import Foundation
import XCTest
import TandemCore
import TandemPipeline
import TandemTesting
@testable import TandemSources

/// A fresh directory under the system temp dir, removed by the caller's `defer` (`removeDir`).
func makeTempDir(_ name: String = "tandem-sources") -> String { try! makeTemporaryDirectory(name) }

func removeDir(_ path: String) { removeDirectory(path) }

/// Appends bytes to a file (creating it), as a legacy writer would, with O_APPEND.
func appendFile(_ path: String, _ text: String) { appendFile(path, Array(text.utf8)) }

func appendFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    precondition(fd >= 0, "open \(path)")
    bytes.withUnsafeBytes { b in
        var done = 0
        while done < b.count { done += write(fd, b.baseAddress! + done, b.count - done) }
    }
    close(fd)
}

/// A journal for ingest tests: Tandem event lines in a real file, fsync'd before an append returns.
/// (The real TandemJournal is used through the same protocol where it is available.)
final class LineFileJournal: QuarantineRetryJournal {
    let path: String
    private(set) var events: [Event] = []

    init(path: String) {
        self.path = path
        if let data = FileManager.default.contents(atPath: path) {
            for line in data.split(separator: UInt8(ascii: "\n")) {
                var e = try! EventJSON.decode(Array(line), keepSeq: true)
                e.seq = UInt64(events.count + 1)
                events.append(e)
            }
        }
    }

    func appendDurably(_ batch: [Event]) throws -> ClosedRange<UInt64>? {
        guard !batch.isEmpty else { return nil }
        var out: [UInt8] = []
        let first = UInt64(events.count + 1)
        for var e in batch {
            e.seq = UInt64(events.count + 1)
            EventJSON.encode(e, into: &out)
            out.append(0x0A)
            events.append(e)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        precondition(fd >= 0)
        out.withUnsafeBytes { _ = write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        return first...UInt64(events.count)
    }

    func lastSourcePosition(where belongs: (String) -> Bool) throws -> String? {
        events.last { $0.sourcePosition.map(belongs) == true }?.sourcePosition
    }

    var lastSeq: UInt64 { UInt64(events.count) }

    func event(at seq: UInt64) throws -> Event? { seq >= 1 && seq <= lastSeq ? events[Int(seq) - 1] : nil }
}

/// A Tandem event line for entity `customers` with id `i`.
func eventLine(_ i: Int, entity: String = "customers", extra: String = "") -> String {
    #"{"entity":"\#(entity)","key":{"id":\#(i)},"op":"insert","after":{"id":\#(i),"email":"u\#(i)@example.com"\#(extra)}}"#
}

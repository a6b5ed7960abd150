import Foundation
import XCTest
import TandemJournal
import TandemTesting

/// The CLI's signal handling (`SignalWatcher.stopping`), with real signals sent to a real `tandem` process:
/// a test process cannot send itself a signal reliably (a thread that does not block it may take it).
final class SignalCLITests: XCTestCase {
    func testSIGINTStopsAFollowingIngestAfterTheBatchInHandWithALogLine() throws {
        let dir = try temporaryDirectory(self)
        let changes = (1...2).map {
            #"{"txn":"\#($0)","entity":"customers","key":{"id":\#($0)},"op":"insert","after":{"id":\#($0)}}"#
        }
        try Data((changes.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("changes.jsonl"))
        let journal = dir.appendingPathComponent("journal").path
        let ingest = try DaemonProcess(arguments: ["ingest", "--source", "jsonl:" + dir.appendingPathComponent("changes.jsonl").path,
                                                   "--journal", journal],
                                       logFile: dir.appendingPathComponent("ingest.log").path)
        // Both lines journaled: the run (and so the watcher installed before it) has started.
        XCTAssertTrue(waitUntil("both changes journaled") { ((try? Journal.stats(at: journal))?.lastSeq ?? 0) == 2 })
        ingest.signal(SIGINT)
        XCTAssertNotNil(ingest.waitForExit())
        XCTAssertEqual(ingest.process.terminationStatus, 0, ingest.log)
        XCTAssertEqual(ingest.process.terminationReason, .exit, ingest.log)
        XCTAssertTrue(ingest.log.contains("received SIGINT; stopping after the batch in hand"), ingest.log)
    }
}

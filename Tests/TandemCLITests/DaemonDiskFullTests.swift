import Foundation
import TandemTesting
import XCTest

/// Promise (issue 11): the journal's disk filling up under `tandem run` stops ingestion cleanly — the source and
/// the journal `degraded` with the reason on /healthz (503) and /status, nothing half-written — and the daemon
/// resumes by itself when space returns, journaling and applying every change once. On a real full file
/// system: a 1 MiB tmpfs (mounting needs root; skipped otherwise, with the reason).
final class DaemonDiskFullTests: DaemonTestCase {
    func testAFullJournalDiskDegradesTheDaemonWhichResumesWhenSpaceReturns() throws {
        guard getuid() == 0 else { throw XCTSkip("mounting a 1 MiB tmpfs needs root") }
        let mount = dir.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        guard try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]).status == 0 else {
            throw XCTSkip("mount -t tmpfs failed (no CAP_SYS_ADMIN in this container)")
        }
        addTeardownBlock { _ = try? runTool("/bin/umount", [mount]) }
        let journalDir = mount + "/journal"
        let pad = String(repeating: "x", count: 300)
        let lines = (1...2000).map { #"{"txn":"t\#($0)","entity":"t","key":{"id":\#($0)},"op":"insert","after":{"id":\#($0),"note":"\#(pad)"}}"# }
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("changes.jsonl"), atomically: true, encoding: .utf8)
        try (#"{"journal": "\#(journalDir)", "segmentSize": "64KiB", "source": "jsonl:changes.jsonl","#
             + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "retry": {"initialMs": 100, "maxMs": 500},"#
             + #" "http": {"listen": "127.0.0.1:0"}}"#).write(toFile: configPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["journal", "init", journalDir, "--segment-size", "64KiB"]).status, 0)
        // Leave the journal about 300 KiB: the changes need more than twice that.
        let filler = mount + "/filler"
        XCTAssertTrue(FileManager.default.createFile(atPath: filler, contents: Data(count: 700 << 10)))

        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        d.waitForLog("journal disk full at \(journalDir)/")
        var health = (status: 0, body: "")
        try waitUntil("/healthz 503 naming the full disk") {
            health = try get(d, "/healthz")
            return health.status == 503 && health.body.contains("journal degraded: journal disk full at \(journalDir)/")
        }
        XCTAssertTrue(health.body.contains("source degraded: journal disk full at"), health.body)
        let degraded = try statusDocument(d)
        let journal = try XCTUnwrap(degraded["journal"] as? [String: Any])
        XCTAssertEqual(journal["state"] as? String, "degraded")
        XCTAssertTrue((journal["reason"] as? String)?.hasSuffix("nothing of the batch was written; free space and run again") == true,
                      "\(journal)")
        XCTAssertLessThan(try XCTUnwrap(journal["headSeq"] as? Int), 2000, "the changes do not fit")
        XCTAssertTrue(d.log.contains("nothing half-written stays in the journal"), d.log)
        XCTAssertFalse(d.log.contains("sink new degraded") || d.log.contains("sink new stopped"), "the sink was not touched: \(d.log)")

        try FileManager.default.removeItem(atPath: filler)
        try waitUntil("every change journaled and applied after space returned", timeout: 60) {
            let s = try statusDocument(d)
            let sink = (s["sinks"] as? [[String: Any]])?.first
            return (s["journal"] as? [String: Any])?["headSeq"] as? Int == 2000 && sink?["appliedSeq"] as? Int == 2000
        }
        try waitUntil("/healthz ok again") { try get(d, "/healthz").status == 200 }
        XCTAssertTrue(d.log.contains("source jsonl:changes.jsonl is running again after"), d.log)
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
        XCTAssertEqual(d.process.terminationStatus, 0, d.log)

        let verified = try CLI.run(["journal", "verify", journalDir])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        let ids = try CLI.run(["journal", "inspect", journalDir]).stdout.split(separator: "\n").map { line -> Int in
            guard let after = line.range(of: #""key":{"id":"#)?.upperBound else { return -1 }
            return Int(line[after...].prefix { $0.isNumber }) ?? -1
        }
        XCTAssertEqual(ids, Array(1...2000), "every change once, in order")
        XCTAssertEqual(try sqlite3(newDB, "SELECT count(*), min(id), max(id) FROM t"), "2000|1|2000\n")
    }
}

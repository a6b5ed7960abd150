import Foundation
import XCTest

/// The reverse journal does not grow forever: a real `tandem run` drops its segments once the legacy store has
/// applied every event in them (never the newest: the capture resumes from its head), and the flow goes on
/// with nothing journaled twice.
final class ReverseJournalTrimCLITests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    /// The reverse journal's segment bases, sorted.
    func reverseSegments() -> [UInt64] {
        (((try? FileManager.default.contentsOfDirectory(atPath: journal + "-reverse")) ?? [])
            .filter { $0.hasSuffix(".seg") }.compactMap { UInt64($0.dropLast(4)) }).sorted()
    }

    func legacyCount() -> String { (try? sqlite3(legacy, "SELECT count(*) FROM items WHERE id > 20000")) ?? "" }

    func testSegmentsTheLegacyStoreAppliedAreDropped() throws {
        try writeMigrationConfig()
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        try text.replacingOccurrences(of: #"{"journal": "journal","#, with: #"{"journal": "journal", "segmentSize": 4096,"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1);")
        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        waitUntil("the legacy row replicated") { sqliteRows().contains("acme") }
        try cutOverPilotWithTheCLI()
        let long = String(repeating: "x", count: 200)
        let inserts = (20001...20060).map { "INSERT INTO items VALUES (\($0), 'acme', '\(long)', 1);" }.joined()
        _ = try sqlite3(newDB, inserts)
        waitUntil("the new-store rows in legacy") { legacyCount() == "60\n" }
        d.waitForLog("reverse journal: dropped seqs 1…")
        let segments = reverseSegments()
        XCTAssertGreaterThan(segments.first ?? 0, 1, "the first segments are gone: \(segments)")

        // The capture resumes from the kept head: the next change is journaled once, nothing before it again.
        _ = try sqlite3(newDB, "INSERT INTO items VALUES (20061, 'acme', 'last', 1);")
        waitUntil("the last row in legacy") { legacyCount() == "61\n" }
        let reverse = try XCTUnwrap(try statusDocument(d)["reverse"] as? [String: Any])
        XCTAssertEqual(reverse["headSeq"] as? Int, 61, "\(reverse)")
        XCTAssertEqual(reverse["appliedSeq"] as? Int, 61, "\(reverse)")
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
    }
}

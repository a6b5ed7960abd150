import Foundation
import XCTest

/// SIGHUP reloads the reverse flow's mapping too (a real `tandem run`, a cohort in cut-over): the next new-store
/// change goes back to legacy through the new mapping in reverse; a mapping with no way back is refused and the
/// running one kept.
final class ReverseReloadCLITests: DaemonTestCase {
    func tandem(_ args: [String]) throws -> CLIResult { try CLI.run(args + ["--config", configPath]) }

    func writeMapping(_ columns: String) throws {
        try #"{"entities": {"items": {"tenant": "tenant"\#(columns)}}}"#
            .write(toFile: dir.appendingPathComponent("mapping.json").path, atomically: true, encoding: .utf8)
    }

    func legacyRow() -> String { (try? sqlite3(legacy, "SELECT name, qty FROM items WHERE id = 1")) ?? "" }

    func testSighupGivesTheReverseFlowTheNewMapping() throws {
        try writeMigrationConfig()
        _ = try sqlite3(legacy, "INSERT INTO items VALUES (1, 'acme', 'a', 1);")
        let d = try startDaemon()
        defer { if d.process.isRunning { d.signal(SIGKILL); d.process.waitUntilExit() } }
        d.waitForLog("ready:")
        waitUntil("the legacy row replicated") { sqliteRows().contains("acme") }
        try cutOverPilotWithTheCLI()
        _ = try sqlite3(newDB, "UPDATE items SET name = 'n1', qty = 2 WHERE id = 1;")
        waitUntil("the first change in legacy") { legacyRow() == "n1|2\n" }

        // Two codes to one value: no way back. Refused; the running mapping goes on.
        try writeMapping(#", "columns": {"name": {"transforms": [{"map": {"a": "x", "b": "x"}}]}}"#)
        d.signal(SIGHUP)
        d.waitForLog("reload refused, keeping the running config: ")
        _ = try sqlite3(newDB, "UPDATE items SET name = 'n2', qty = 3 WHERE id = 1;")
        waitUntil("the second change in legacy") { legacyRow() == "n2|3\n" }

        // `keep`: the name is not written back any more, the quantity is.
        try writeMapping(#", "columns": {"name": {"reverse": "keep"}}"#)
        d.signal(SIGHUP)
        d.waitForLog("reloaded; the next pass uses it in reverse")
        _ = try sqlite3(newDB, "UPDATE items SET name = 'n3', qty = 4 WHERE id = 1;")
        waitUntil("the third change in legacy") { legacyRow().hasSuffix("|4\n") }
        XCTAssertEqual(legacyRow(), "n2|4\n")
        d.signal(SIGTERM)
        XCTAssertNotNil(d.waitForExit())
    }
}

import Foundation
import XCTest

extension DaemonTestCase {
    /// A daemon config with a migration block: legacy.db (its change log) → sink `new` (new.db), the mapping
    /// naming `items.tenant` the tenant, state in state.db, an HTTP server on a free port.
    func writeMigrationConfig() throws {
        try #"{"entities": {"items": {"tenant": "tenant"}}}"#.write(toFile: dir.appendingPathComponent("mapping.json").path,
                                                                  atomically: true, encoding: .utf8)
        try (#"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "mapping": "mapping.json","#
            + #" "sinks": [{"name": "new", "into": "sqlite:new.db"}], "http": {"listen": "127.0.0.1:0"},"#
            + #" "migration": {"new": "new", "legacy": "sqlite:legacy.db", "state": "state.db", "maxForwardLagSeconds": 30}}"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Moves cohort `pilot` (tenant acme) to `cut-over` with the CLI, as an operator does (create, shadow, a
    /// verify, a drill, cut-over) while the daemon runs; fails the test on a step that does not exit 0.
    func cutOverPilotWithTheCLI(file: StaticString = #filePath, line: UInt = #line) throws {
        for step in [["cohort", "create", "pilot", "--tenants", "acme"], ["cohort", "advance", "pilot", "--to", "shadow"],
                     ["verify", "--cohort", "pilot", "--settle", "0.2"], ["drill", "--cohort", "pilot"],
                     ["cohort", "advance", "pilot", "--to", "cut-over"]] {
            let r = try CLI.run(step + ["--config", configPath])
            XCTAssertEqual(r.status, 0, "\(step): \(r.stdout) \(r.stderr)", file: file, line: line)
        }
    }
}

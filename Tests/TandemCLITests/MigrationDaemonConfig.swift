import Foundation

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
}

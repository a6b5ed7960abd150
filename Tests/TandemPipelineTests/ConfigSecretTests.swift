import Foundation
import TandemSinks
import XCTest
@testable import TandemPipeline

/// Secrets come from the environment or a file, are resolved at load, and never appear in any error text.
final class ConfigSecretTests: XCTestCase {
    let secret = "s3cr/t'pw"

    func testEnvironmentVariableInIntoIsResolvedAtLoad() throws {
        let dir = try configDirectory(self)
        let path = try write(smallest(sinks: #"[{"name": "pg", "into": "postgres://app:${PGPASS}@db.internal/newdb"}]"#), in: dir)
        let c = try DaemonConfig.load(path: path, environment: ["PGPASS": "hunter2"])
        XCTAssertEqual(c.sinks[0].spec.kind, .postgres(conninfo: "postgres://app:hunter2@db.internal/newdb"))
        XCTAssertFalse(c.summary.contains("hunter2"), c.summary)
        XCTAssertFalse(c.sinks[0].description.contains("hunter2"))
    }

    func testCredentialIsReadFromCredentialsDirectory() throws {
        let dir = try configDirectory(self)
        try FileManager.default.createDirectory(atPath: dir + "/creds", withIntermediateDirectories: true)
        try write(secret + "\n", "creds/pg-password", in: dir)
        let path = try write(smallest(sinks: #"[{"name": "pg", "into": "postgres:///newdb?host=/run/postgresql", "passwordCredential": "pg-password"}]"#), in: dir)
        let c = try DaemonConfig.load(path: path, environment: ["CREDENTIALS_DIRECTORY": dir + "/creds"])
        XCTAssertEqual(c.sinks[0].spec.kind, .postgres(conninfo: "postgres:///newdb?host=/run/postgresql&password=s3cr%2Ft%27pw"))
        XCTAssertEqual(c.sinks[0].description, "pg → postgres://[/run/postgresql]/newdb")
    }

    func testPasswordFileIsRelativeToTheConfigFile() throws {
        let dir = try configDirectory(self)
        try write(secret, "pw.txt", in: dir)
        let path = try write(smallest(sinks: #"[{"name": "pg", "into": "postgres://app@db/newdb", "passwordFile": "pw.txt"}]"#), in: dir)
        let c = try DaemonConfig.load(path: path, environment: [:])
        XCTAssertEqual(c.sinks[0].spec.kind, .postgres(conninfo: "postgres://app@db/newdb?password=s3cr%2Ft%27pw"))
    }

    func testPasswordIsAddedToAKeyValueConnectionString() throws {
        let dir = try configDirectory(self)
        try write(secret + "\\x", "pw.txt", in: dir)
        let into = #"{\"kind\":\"postgres\",\"url\":\"host=/run/postgresql dbname=newdb\"}"#
        let path = try write(smallest(sinks: #"[{"name": "pg", "into": "\#(into)", "passwordFile": "pw.txt"}]"#), in: dir)
        let c = try DaemonConfig.load(path: path, environment: [:])
        XCTAssertEqual(c.sinks[0].spec.kind, .postgres(conninfo: #"host=/run/postgresql dbname=newdb password='s3cr/t\'pw\\x'"#))
        XCTAssertEqual(c.sinks[0].description, "pg → postgres://[/run/postgresql]/newdb")
    }

    func testSecretFaultsAreNamedByPath() throws {
        let dir = try configDirectory(self)
        try write("", "empty.txt", in: dir)
        let sinks = #"""
        [{"name": "a", "into": "postgres://app:${UNSET}@db/x"},
         {"name": "b", "into": "postgres:///x", "passwordCredential": "pw"},
         {"name": "c", "into": "sqlite:c.db", "passwordFile": "empty.txt"},
         {"name": "d", "into": "postgres:///x", "passwordFile": "missing.txt"},
         {"name": "e", "into": "postgres:///x", "passwordFile": "empty.txt", "passwordCredential": "pw"},
         {"name": "f", "into": "postgres:///x", "passwordCredential": "../pw"}]
        """#
        XCTAssertEqual(try faults(smallest(sinks: sinks), in: dir), [
            "$.sinks[0].into: environment variable UNSET is not set",
            "$.sinks[1].passwordCredential: $CREDENTIALS_DIRECTORY is not set (systemd sets it for LoadCredential=)",
            "$.sinks[2].passwordFile: \(dir)/empty.txt is empty",
            "$.sinks[3].passwordFile: cannot read \(dir)/missing.txt",
            "$.sinks[4].passwordCredential: give passwordFile or passwordCredential, not both",
            #"$.sinks[5].passwordCredential: a credential name is a file name in $CREDENTIALS_DIRECTORY, without "/""#,
        ])
    }

    /// Whatever goes wrong around a sink that holds a secret, no error text carries the secret.
    func testSecretNeverAppearsInAnyErrorText() throws {
        let dir = try configDirectory(self)
        try write(secret, "pw.txt", in: dir)
        let env = ["PGPASS": secret, "PGURL": "postgres://app:\(secret)@db/x?sslmode=bogus&&=", "CREDENTIALS_DIRECTORY": dir]
        let cases = [
            // a duplicate name next to a sink whose URL holds the password
            #"[{"name": "pg", "into": "postgres://app:${PGPASS}@db/x"}, {"name": "pg", "into": "sqlite:b.db"}]"#,
            // the password twice: in the URL and in a file
            #"[{"name": "pg", "into": "postgres://app:${PGPASS}@db/x", "passwordFile": "pw.txt"}]"#,
            #"[{"name": "pg", "into": "postgres://app:${PGPASS}@db/x", "passwordCredential": "pw.txt"}]"#,
            // an environment variable that is a whole URL libpq cannot parse
            #"[{"name": "pg", "into": "${PGURL}"}]"#,
            #"[{"name": "pg", "into": "postgres://app:${PGPASS}@db:notaport/x"}]"#,
            // a password for a store that takes none
            #"[{"name": "pg", "into": "sqlite:x.db", "passwordFile": "pw.txt"}]"#,
        ]
        for sinks in cases {
            let path = try write(smallest(sinks: sinks, http: #"{"listen": "1.2.3.4:1"}"#), in: dir)
            XCTAssertThrowsError(try DaemonConfig.load(path: path, environment: env), sinks) { error in
                let text = "\(error)"
                XCTAssertFalse(text.isEmpty)
                XCTAssertFalse(text.contains(secret), "\(sinks) → \(text)")
                XCTAssertFalse(text.contains("s3cr"), "\(sinks) → \(text)")
            }
        }
    }

    func testPasswordGivenTwiceIsRefused() throws {
        let dir = try configDirectory(self)
        try write(secret, "pw.txt", in: dir)
        XCTAssertEqual(try faults(smallest(sinks: #"[{"name": "pg", "into": "postgres://app:x@db/x", "passwordFile": "pw.txt"}]"#), in: dir),
                       ["$.sinks[0].passwordFile: the connection string already holds a password"])
        XCTAssertEqual(try faults(smallest(sinks: #"[{"name": "s", "into": "sqlite:s.db", "passwordFile": "pw.txt"}]"#), in: dir),
                       ["$.sinks[0].passwordFile: a password applies to a postgres sink only"])
    }
}

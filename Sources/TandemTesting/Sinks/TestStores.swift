import Foundation
import TandemCore
import TandemJournal
import XCTest
import TandemPostgres
import TandemSinks

/// Real stores for tests: a fresh SQLite file, or a fresh database in the test PostgreSQL cluster.
public enum TestStores {
    /// A fresh directory for a store or journal.
    public static func temporaryDirectory() throws -> String { try makeTemporaryDirectory("tandem-sinks") }

    /// A path for a new SQLite store in a fresh directory.
    public static func sqlitePath() throws -> String { try temporaryDirectory() + "/target.db" }

    /// The cluster named by TANDEM_TEST_POSTGRES (started by `scripts/postgres start`, which `scripts/test`
    /// runs). Under CI=true its absence fails the test: the PostgreSQL tests must run there.
    public static func postgresBase(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let env = ProcessInfo.processInfo.environment
        if let base = env["TANDEM_TEST_POSTGRES"], !base.isEmpty { return base }
        if env["CI"] == "true" {
            XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true: run the tests with scripts/test (it starts scripts/postgres)", file: file, line: line)
            throw SinkError.badSpec(spec: "TANDEM_TEST_POSTGRES", reason: "unset")
        }
        throw XCTSkip("TANDEM_TEST_POSTGRES is not set (run `eval \"$(scripts/postgres start)\"` or scripts/test)")
    }

    /// A fresh, empty database in the test cluster, as a key=value connection string.
    public static func postgresDatabase(base: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let base = try base ?? postgresBase(file: file, line: line)
        let r = try PostgresRedactor(conninfo: base)
        let admin = try PostgresConnection(conninfo: base, redactor: r)
        defer { admin.close() }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try admin.query("CREATE DATABASE \(SQL.quote(name))")
        var parts = ["dbname=\(name)"]
        for k in ["host", "port", "user", "password"] { if let v = r.fields[k] { parts.append("\(k)=\(v)") } }
        return parts.joined(separator: " ")
    }

    /// A journal on disk holding `events` (their seqs reassigned from 1, one append per txn).
    public static func journal(_ events: [Event]) throws -> (dir: String, id: String) {
        let dir = try temporaryDirectory() + "/journal"
        let id = try Journal.create(at: dir)
        let w = try JournalWriter(directory: dir)
        defer { w.close() }
        var i = 0
        while i < events.count {
            var j = i + 1
            while j < events.count, events[j].txn != nil, events[j].txn == events[i].txn { j += 1 }
            try w.append(events[i..<j].map { var e = $0; e.seq = 0; return e })
            i = j
        }
        return (dir, id.uuidString)
    }
}

import Foundation
import TandemTesting
import XCTest

/// Shared set-up of the `tandem run` tests: a legacy SQLite database with change-capture triggers, a config
/// file, and the stores to compare (a SQLite file and, when TANDEM_TEST_POSTGRES is set, a fresh database in
/// the test cluster).
class DaemonTestCase: XCTestCase {
    var dir: URL!
    var legacy: String { dir.appendingPathComponent("legacy.db").path }
    var journal: String { dir.appendingPathComponent("journal").path }
    var newDB: String { dir.appendingPathComponent("new.db").path }
    var configPath: String { dir.appendingPathComponent("tandem.json").path }
    /// The PostgreSQL sink's URI and psql arguments for its database (nil without a test cluster).
    var postgres: (spec: String, psql: [String], admin: [String], name: String)?
    private var logs = 0

    static let schema = "CREATE TABLE items (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, name TEXT, qty INTEGER);"
    static let rows = "SELECT id, tenant, name, qty FROM items ORDER BY id"

    override func setUpWithError() throws {
        dir = try temporaryDirectory(self, name)
        _ = try sqlite3(legacy, Self.schema)
        let r = try CLI.run(["source", "install-triggers", "--db", legacy, "--tables", "items"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Creates a fresh PostgreSQL database; throws XCTSkip (with the reason) without a test cluster.
    func requirePostgres() throws {
        let env = ProcessInfo.processInfo.environment
        guard let base = env["TANDEM_TEST_POSTGRES"], !base.isEmpty, let url = URLComponents(string: base) else {
            if env["CI"] == "true" { XCTFail("TANDEM_TEST_POSTGRES is not set under CI=true") }
            throw XCTSkip("TANDEM_TEST_POSTGRES is not set: start a cluster with scripts/postgres start")
        }
        let args = psqlArguments(for: url)
        let name = "daemon_" + UUID().uuidString.prefix(8).lowercased()
        let admin = args + ["-d", String(url.path.dropFirst())]
        try checkedPSQL(admin + ["-c", "CREATE DATABASE \(name)"])
        addTeardownBlock { _ = try? psql(admin + ["-c", "DROP DATABASE \(name) WITH (FORCE)"]) }
        var spec = url
        spec.path = "/" + name
        postgres = (spec.string ?? base, args + ["-d", name], admin, name)
    }

    /// Runs psql; its output, failing on an error.
    @discardableResult
    func checkedPSQL(_ args: [String]) throws -> String {
        let r = try psql(args)
        guard r.status == 0 else { throw NSError(domain: "psql", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return r.stdout
    }

    /// Writes the config: the SQLite sink "new", plus "pg" when `withPostgres`; `extra` sink members merged in.
    func writeConfig(withPostgres: Bool = false, sqliteInto: String? = nil, pgInto: String? = nil,
                     extra: String = "", retry: String = #"{"initialMs": 100, "maxMs": 1000}"#,
                     listen: String = "127.0.0.1:0") throws {
        var sinks = [#"{"name": "new", "into": "sqlite:\#(sqliteInto ?? newDB)"\#(extra)}"#]
        if withPostgres, let pg = postgres { sinks.append(#"{"name": "pg", "into": "\#(pgInto ?? pg.spec)"\#(extra)}"#) }
        let text = #"{"journal": "journal", "source": "sqlite-changelog:legacy.db", "sinks": [\#(sinks.joined(separator: ", "))],"#
            + #" "retry": \#(retry), "http": {"listen": "\#(listen)"}}"#
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts `tandem run` on the config, logging to its own file.
    func startDaemon(environment: [String: String] = [:], extra: [String] = []) throws -> DaemonProcess {
        logs += 1
        return try DaemonProcess(config: configPath, extra: extra, environment: environment,
                                 logFile: dir.appendingPathComponent("run\(logs).log").path)
    }

    /// The legacy rows as lines `id|tenant|name|qty`.
    func legacyRows() throws -> String { try sqlite3(legacy, Self.rows) }
    /// The SQLite sink's rows (empty before its table exists).
    func sqliteRows() -> String { (try? runTool("/usr/bin/sqlite3", [newDB, Self.rows]).stdout) ?? "" }
    /// The PostgreSQL sink's rows, formatted as sqlite3 prints them.
    func postgresRows() -> String {
        guard let pg = postgres, let r = try? psql(pg.psql + ["-c", Self.rows]), r.status == 0 else { return "" }
        return r.stdout
    }

    /// The journal's events as (op, key id, change id): a change's id is its source position up to any
    /// `;snapshot:…` (a change journaled during the start-up snapshot carries the snapshot's progress too).
    func journalEvents() throws -> [(op: String, id: Int, change: String)] {
        let r = try CLI.run(["journal", "inspect", journal])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n").map { line in
            func after(_ marker: String, _ stop: (Character) -> Bool) -> String {
                guard let range = line.range(of: marker) else { return "" }
                return String(line[range.upperBound...].prefix { !stop($0) })
            }
            return (after(#""op":""#) { $0 == "\"" }, Int(after(#""key":{"id":"#) { !$0.isNumber }) ?? -1,
                    after(#""sourcePosition":""#) { $0 == ";" || $0 == "\"" })
        }
    }

    /// Every journaled change's id in the change table (the start-up snapshot's row copies and events without
    /// a source position, such as `verify --repair`'s, left out): each change must be there once.
    func journalPositions() throws -> [String] {
        try journalEvents().filter { $0.op != "snapshot" && !$0.change.isEmpty }.map(\.change)
    }

    /// Asserts that the journal holds each captured change exactly once.
    func assertJournalHoldsEachChangeOnce(file: StaticString = #filePath, line: UInt = #line) throws {
        let positions = try journalPositions()
        let changes = Int(try sqlite3(legacy, "SELECT count(*) FROM _tandem_changes").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertEqual(Set(positions).count, positions.count, "a change journaled twice", file: file, line: line)
        XCTAssertEqual(positions.count, changes, "every captured change journaled", file: file, line: line)
    }
}

extension DaemonTestCase {
    /// `GET path` on the daemon's HTTP port: status code and body.
    func get(_ d: DaemonProcess, _ path: String) throws -> (status: Int, body: String) {
        guard let port = d.port else { XCTFail("no HTTP port in the log: \(d.log)"); return (0, "") }
        let r = try runTool("/usr/bin/curl", ["-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        var lines = r.stdout.components(separatedBy: "\n")
        let code = Int(lines.popLast() ?? "") ?? 0
        return (code, lines.joined(separator: "\n"))
    }

    /// The daemon's `/status` document (failing the test on another answer than 200).
    func statusDocument(_ d: DaemonProcess, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let r = try get(d, "/status")
        XCTAssertEqual(r.status, 200, r.body, file: file, line: line)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any], r.body, file: file, line: line)
    }

    /// Runs `scripts/postgres ARGS…`; returns its stdout. (posix_spawn and waitpid with stdout in a file: Foundation's
    /// `Process.waitUntilExit` can hang once the script has left a server running in the background.)
    @discardableResult
    func postgresScript(_ args: [String]) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let outPath = dir.appendingPathComponent("postgres-script.out").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([root.appendingPathComponent("scripts/postgres").path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        XCTAssertEqual(posix_spawn(&pid, argv[0]!, &actions, nil, argv, environ), 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        XCTAssertEqual(status, 0, "scripts/postgres \(args.joined(separator: " ")) exited with status \(status)")
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// A private PostgreSQL cluster for a test that stops its server (stopping the shared one would break tests
    /// running beside it): sets `postgres` to its database and returns the cluster's directory.
    func privatePostgres() throws -> String {
        try requirePostgres()  // the same rule as every PostgreSQL test: skipped, with the reason, without a cluster
        var exports: [String: String] = [:]
        for line in try postgresScript(["start"]).split(separator: "\n") where line.hasPrefix("export ") {
            for part in line.dropFirst(7).split(separator: " ") {
                let kv = part.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { exports[String(kv[0])] = String(kv[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            }
        }
        let clusterDir = try XCTUnwrap(exports["TANDEM_PG_DIR"])
        addTeardownBlock { [self] in _ = try? postgresScript(["stop", clusterDir]) }
        let spec = try XCTUnwrap(exports["TANDEM_TEST_POSTGRES"])
        let args = ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", exports["PGHOST"] ?? "", "-p", exports["PGPORT"] ?? "",
                    "-U", exports["PGUSER"] ?? "", "-d", "tandem_test"]
        postgres = (spec, args, args, "tandem_test")
        return clusterDir
    }

    /// A loopback port nobody listens on now (the kernel's pick, released at once): for a config that
    /// `tandem status --config` must reach, which port 0 cannot name.
    func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw XCTSkip("no socket: errno \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        XCTAssertTrue(bound, "bind 127.0.0.1:0: errno \(errno)")
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Parses the daemon's `/metrics` with the real Prometheus parser (`scripts/check-metrics`, prometheus_client):
    /// every sample as name → [labels → value]. Fails the test when the page does not parse.
    func parsedMetrics(_ d: DaemonProcess, file: StaticString = #filePath, line: UInt = #line) throws -> [String: [[String: String]: Double]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let port = try XCTUnwrap(d.port, "no HTTP port in the log: \(d.log)", file: file, line: line)
        let r = try runTool("/usr/bin/env", ["python3", root.appendingPathComponent("scripts/check-metrics").path,
                                              "http://127.0.0.1:\(port)/metrics"])
        if r.status == 69, r.stderr.contains("prometheus_client package is missing") { throw XCTSkip(r.stderr) }
        XCTAssertEqual(r.status, 0, "check-metrics: \(r.stderr)", file: file, line: line)
        let families = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: Any]],
                                     r.stdout, file: file, line: line)
        var samples: [String: [[String: String]: Double]] = [:]
        for family in families.values {
            for case let sample as [Any] in family["samples"] as? [Any] ?? [] where sample.count == 3 {
                guard let name = sample[0] as? String, let labels = sample[1] as? [String: String],
                      let value = (sample[2] as? NSNumber)?.doubleValue else { continue }
                samples[name, default: [:]][labels] = value
            }
        }
        return samples
    }

    /// Inserts rows `range` into the legacy table in one transaction.
    func insertLegacy(_ range: ClosedRange<Int>, tenant: String = "acme", qty: Int = 1) throws {
        _ = try sqlite3(legacy, "BEGIN; " + range.map { "INSERT INTO items VALUES (\($0), '\(tenant)', 'row \($0)', \(qty));" }.joined() + " COMMIT;")
    }
}

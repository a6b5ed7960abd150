import Foundation
import TandemCore
import XCTest
import TandemPipeline
import TandemPostgres
@testable import TandemSinks
import TandemTesting

/// PostgreSQL stopped and started under a running replay: the batch in flight is lost with its
/// transaction, the sink reconnects with back-off and replays from its checkpoint, and the end state is exact.
final class PostgresRestartTests: XCTestCase {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `scripts/postgres ARGS…` and returns its stdout. (posix_spawn and waitpid: Foundation's
    /// `Process.waitUntilExit` can hang here once the script has left a server running in the background.)
    func postgresScript(_ args: [String]) throws -> String {
        let outPath = try TestStores.temporaryDirectory() + "/stdout"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([Self.repoRoot + "/scripts/postgres"] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0]!, &actions, nil, argv, environ)
        XCTAssertEqual(rc, 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        XCTAssertEqual(status, 0, "scripts/postgres \(args.joined(separator: " ")) exited with status \(status)")
        return try String(contentsOfFile: outPath, encoding: .utf8)
    }

    func testReplayRecoversWhenPostgresRestartsMidBatch() throws {
        _ = try TestStores.postgresBase()  // the same rule as every PostgreSQL test: required under CI
        // A private cluster: restarting the shared one would break tests running in parallel.
        var exports: [String: String] = [:]
        for line in try postgresScript(["start"]).split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let eq = assignment.firstIndex(of: "=") else { continue }
            exports[String(assignment[..<eq])] = String(assignment[assignment.index(after: eq)...].split(separator: " ")[0]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        let dir = try XCTUnwrap(exports["TANDEM_PG_DIR"])
        defer { _ = try? postgresScript(["stop", dir]) }
        let db = try TestStores.postgresDatabase(base: XCTUnwrap(exports["TANDEM_TEST_POSTGRES"]))

        let events = EventGenerator.stream(seed: 77, count: 600, truncates: true)
        let batches = EventBatcher.batches(events, size: 25)
        let log = LogLines()
        let sink = try PostgresSink(conninfo: db, retry: .init(attempts: 400, initialDelay: 0.02, maxDelay: 0.25), log: { log.add($0) })
        let half = batches.count / 2
        for b in batches[..<half] { try sink.apply(b, journalID: "j") }

        // Hold a lock the next batch needs, so it is provably inside its transaction when the server stops.
        let blocker = try PostgresConnection(conninfo: db, redactor: PostgresRedactor(conninfo: db))
        try blocker.query("BEGIN")
        try blocker.query("LOCK TABLE customers, orders, line_items IN ACCESS EXCLUSIVE MODE")
        let runner = BackgroundReplay(sink: sink, batches: Array(batches[half...]))
        runner.start()
        try poll("the replay to wait on the lock inside its batch") {
            let r = try blocker.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
            return r[0, 0] != "0"
        }
        let before = try XCTUnwrap(try PostgresSink(conninfo: db, retry: .init(attempts: 1)).checkpoint())
        XCTAssertLessThan(before.seq, events.last!.seq)
        _ = try postgresScript(["restart", dir])
        try poll("the replay to finish") { runner.finished }
        XCTAssertNil(runner.error, "\(runner.error.map { "\($0)" } ?? "")")
        XCTAssertTrue(log.all.contains { $0.contains("connection lost; reconnecting") }, "\(log.all)")

        let check = try PostgresSink(conninfo: db, retry: .init(attempts: 1))
        XCTAssertEqual(try check.checkpoint(), SinkCheckpoint(journalID: "j", seq: events.last!.seq))
        XCTAssertEqual(try StoreDump.postgres(db), StoreDump.model(.replay(events), .postgres))
    }

    /// Polls `condition` until it holds, failing after `seconds`.
    func poll(_ what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            if Date() > deadline { XCTFail("timed out waiting for \(what)"); throw CancellationError() }
            usleep(10_000)
        }
    }
}

/// Runs batches into a sink on a thread of its own.
final class BackgroundReplay: @unchecked Sendable {
    // Safe: the sink is only touched by the background thread after `start()`; `done`/`failure` are
    // guarded by `lock`.
    private let sink: PostgresSink
    private let batches: [[Event]]
    private let lock = NSLock()
    private var done = false
    private var failure: Error?

    init(sink: PostgresSink, batches: [[Event]]) {
        self.sink = sink
        self.batches = batches
    }

    func start() {
        Thread.detachNewThread { [self] in
            var err: Error?
            do { for b in batches { try sink.apply(b, journalID: "j") } } catch { err = error }
            lock.lock(); done = true; failure = err; lock.unlock()
        }
    }

    var finished: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var error: Error? { lock.lock(); defer { lock.unlock() }; return failure }
}

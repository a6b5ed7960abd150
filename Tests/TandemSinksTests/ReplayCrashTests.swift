import Foundation
import TandemCore
import TandemJournal
import XCTest
@testable import TandemSinks

/// A replay SIGKILLed at random moments and restarted ends with the exact reference state and checkpoint.
///
/// The replay runs in a child: this test binary re-run with `ReplayCrashTests/testCrashChild` and
/// TANDEM_CRASH_JOURNAL/TANDEM_CRASH_SINK set (the swift-nio crash-tester pattern).
final class ReplayCrashTests: XCTestCase {
    static let trials = 30

    /// The child's body: replays the journal into the sink, in small batches. A no-op in a normal run.
    func testCrashChild() throws {
        let env = ProcessInfo.processInfo.environment
        guard let journal = env["TANDEM_CRASH_JOURNAL"], let spec = env["TANDEM_CRASH_SINK"] else { return }
        let sink = try SinkSpec.parse(spec).open()
        try Replayer(journal: journal, sink: sink, options: ReplayOptions(batchSize: 5)).run()
        sink.close()
        exit(0)
    }

    func testSQLiteReplayKilledAtRandomMomentsEndsExact() throws {
        try crashTrials(kind: .sqlite) { _ in
            let path = try TestStores.sqlitePath()
            return (spec: "sqlite:\(path)", dump: { try StoreDump.sqlite(path) }, checkpoint: { try SQLiteSink(path: path).checkpoint()?.seq ?? 0 })
        }
    }

    func testPostgresReplayKilledAtRandomMomentsEndsExact() throws {
        let base = try TestStores.postgresBase()
        try crashTrials(kind: .postgres) { _ in
            let db = try TestStores.postgresDatabase(base: base)
            let probe = try PostgresSink(conninfo: db, retry: .init(attempts: 1))
            return (spec: "{\"kind\":\"postgres\",\"url\":\"\(db)\"}", dump: { try StoreDump.postgres(db) },
                    checkpoint: { try probe.checkpoint()?.seq ?? 0 })
        }
    }

    typealias Store = (spec: String, dump: () throws -> Dump, checkpoint: () throws -> UInt64)

    func crashTrials(kind: StoreKind, makeStore: (Int) throws -> Store) throws {
        var rng = SplitMix(seed: 2026)
        var kills = 0
        for trial in 0..<Self.trials {
            let events = EventGenerator.stream(seed: 500 + UInt64(trial), count: 150, truncates: true)
            let (journal, _) = try TestStores.journal(events)
            let store = try makeStore(trial)
            let last = events.last!.seq
            var runs = 0
            while true {
                runs += 1
                XCTAssertLessThan(runs, 50, "trial \(trial): the replay never finished")
                if runs >= 50 { return }
                let pid = try spawnChild(journal: journal, spec: store.spec)
                // Kill at a random checkpoint (or at once) for the first runs; then let it finish.
                if runs <= 3, let target = Optional(UInt64.random(in: 0...last, using: &rng)), target < last {
                    let deadline = Date().addingTimeInterval(60)
                    while (try? store.checkpoint()) ?? 0 < target, !exited(pid), Date() < deadline { usleep(500) }
                    usleep(UInt32.random(in: 0...3000, using: &rng))  // chaos: land anywhere inside the next batch
                    kill(pid, SIGKILL)
                    kills += 1
                }
                let status = wait(pid)
                if status == 0 { break }
                XCTAssertEqual(status & 0x7f, SIGKILL, "trial \(trial): the child failed with status \(status)")
            }
            XCTAssertEqual(try store.checkpoint(), last, "trial \(trial)")
            XCTAssertEqual(try store.dump(), StoreDump.model(.replay(events), kind), "trial \(trial)")
        }
        XCTAssertGreaterThan(kills, Self.trials)
    }

    private var reaped: [pid_t: Int32] = [:]

    private func spawnChild(journal: String, spec: String) throws -> pid_t {
        var env = ProcessInfo.processInfo.environment
        env["TANDEM_CRASH_JOURNAL"] = journal
        env["TANDEM_CRASH_SINK"] = spec
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv = [strdup(CommandLine.arguments[0]), strdup("TandemSinksTests.ReplayCrashTests/testCrashChild"), nil]
        defer { for p in envp { free(p) }; for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0]!, &actions, nil, argv, envp)
        guard rc == 0 else { throw SinkError.badSpec(spec: "child", reason: "posix_spawn failed: \(rc)") }
        return pid
    }

    private func exited(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { reaped[pid] = status; return true }
        return false
    }

    private func wait(_ pid: pid_t) -> Int32 {
        if let s = reaped.removeValue(forKey: pid) { return s }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return status
    }
}

import Foundation
import Synchronization
import TandemSQLite

/// A `tandem` child process of the pipeline bench (the release binary beside `tandem-bench`), its stderr in a
/// file; CPU time and memory read from /proc while it runs.
final class TandemProcess {
    let process = Process()
    let logPath: String

    /// The release `tandem` binary: $TANDEM_BINARY, else the one next to this executable.
    static func binary() throws -> String {
        if let p = ProcessInfo.processInfo.environment["TANDEM_BINARY"], !p.isEmpty { return p }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let p = here.appendingPathComponent("tandem").path
        guard FileManager.default.isExecutableFile(atPath: p) else {
            throw RawDisk.Failure(description: "no tandem binary at \(p); build it: swift build -c release --product tandem")
        }
        return p
    }

    /// Starts `tandem ARGUMENTS`, stdout discarded, stderr appended to `logPath`.
    init(_ arguments: [String], logPath: String, stdout: Pipe? = nil) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = arguments
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// The last lines it logged (for a failure message).
    var logTail: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(8).joined(separator: "\n")
    }

    /// Waits until its log contains `text`; throws (with the log's tail) when it exits first or after `timeout` s.
    func waitForLog(_ text: String, timeout: Double = 30) throws {
        let deadline = now() + timeout
        while true {
            if let log = try? String(contentsOfFile: logPath, encoding: .utf8), log.contains(text) { return }
            try checkRunning("logging \"\(text)\"")
            guard now() < deadline else { throw RawDisk.Failure(description: "tandem did not log \"\(text)\" within \(Int(timeout)) s:\n\(logTail)") }
            usleep(5_000)
        }
    }

    /// Throws (with the log's tail) when the process has exited.
    func checkRunning(_ what: String) throws {
        guard process.isRunning else {
            throw RawDisk.Failure(description: "tandem exited (\(process.terminationStatus)) before \(what):\n\(logTail)")
        }
    }

    /// User + system CPU seconds of the whole process so far (/proc/PID/stat, fields 14 and 15).
    func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Resident set size now and its peak so far (VmRSS, VmHWM of /proc/PID/status), MiB; zeros once gone.
    static func memory(_ pid: Int32) -> (rss: Double, hwm: Double) {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func kib(_ key: String) -> Double {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (kib("VmRSS:") / 1024, kib("VmHWM:") / 1024)
    }

    /// Sends SIGTERM and waits for the exit (SIGKILL after `timeout` s); the exit status and the seconds it took.
    func terminate(timeout: Double = 10) -> (status: Int32, seconds: Double) {
        let start = now()
        kill(pid, SIGTERM)
        while process.isRunning, now() - start < timeout { usleep(2_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationStatus, now() - start)
    }
}

/// Watches sink stores from the bench process: polls each store's `_tandem_checkpoint` row (its own connection,
/// every 0.5 ms) and records when the smallest applied seq moves, with the time it was seen; samples a process's
/// memory every 50 ms. The checkpoint moves in the batch's transaction, so seq k seen means the rows of changes
/// 1…k are visible in the store.
final class StoreWatcher: Sendable {
    private let applied = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let moves = Mutex<[(seq: Int, at: Double)]>([])
    private let peakRSS = Mutex<Double>(0)
    private let done = DispatchSemaphore(value: 0)

    /// Starts watching `stores` (file, sink name); `pid`'s memory is sampled when given.
    init(stores: [(path: String, sink: String)], pid: Int32?) {
        Thread.detachNewThread { [self] in
            loop(stores, pid)
            done.signal()
        }
    }

    /// The smallest checkpoint seq of the stores, as last seen.
    var seq: Int { applied.load(ordering: .acquiring) }
    /// Every move of the smallest seq with the time it was seen (monotonic clock).
    var history: [(seq: Int, at: Double)] { moves.withLock { $0 } }
    /// The largest VmRSS sampled, MiB.
    var maxRSS: Double { peakRSS.withLock { $0 } }

    /// Waits until every store holds seq `target`; throws when `daemon` exits or after `timeout` s.
    func wait(for target: Int, daemon: TandemProcess, timeout: Double = 120) throws {
        let deadline = now() + timeout
        while seq < target {
            try daemon.checkRunning("applying seq \(target) (stores at \(seq))")
            guard now() < deadline else { throw RawDisk.Failure(description: "stores at seq \(seq), not \(target), after \(Int(timeout)) s:\n\(daemon.logTail)") }
            usleep(1_000)
        }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        done.wait()
    }

    private func loop(_ stores: [(path: String, sink: String)], _ pid: Int32?) {
        var dbs: [Database?] = Array(repeating: nil, count: stores.count)
        var queries: [Statement?] = Array(repeating: nil, count: stores.count)
        defer { queries = []; for d in dbs { d?.close() } }
        var last = 0, sampled = 0.0
        while !stopping.load(ordering: .acquiring) {
            var least = Int.max
            for (i, s) in stores.enumerated() {
                if queries[i] == nil {
                    // The daemon creates the file and the table with its first batch: until then seq 0.
                    if dbs[i] == nil { dbs[i] = try? Database(path: s.path, mode: .readWrite, busyTimeoutMilliseconds: 100) }
                    queries[i] = try? dbs[i]?.prepare("SELECT seq FROM _tandem_checkpoint WHERE sink = ?1", persistent: true)
                    try? queries[i]?.bind(s.sink, at: 1)
                }
                var seq = 0
                if let q = queries[i] {
                    if (try? q.step()) == true { seq = Int(q.int64(0)) }
                    try? q.reset()
                }
                least = min(least, seq)
            }
            let t = now()
            if least > last {
                last = least
                moves.withLock { $0.append((least, t)) }
                applied.store(least, ordering: .releasing)
            }
            if let pid, t - sampled >= 0.05 {
                sampled = t
                let rss = TandemProcess.memory(pid).rss
                peakRSS.withLock { $0 = max($0, rss) }
            }
            usleep(500)
        }
    }
}

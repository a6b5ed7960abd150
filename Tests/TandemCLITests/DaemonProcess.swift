import Foundation
import XCTest
import TandemCore

/// A running `tandem run` (or other long-running verb) child process, its stderr going to a file the test reads.
final class DaemonProcess {
    let process = Process()
    let errPath: String

    /// Starts `tandem run --config config extra…` with `environment` added to the test's own.
    convenience init(config: String, extra: [String] = [], environment: [String: String] = [:], logFile: String) throws {
        try self.init(arguments: ["run", "--config", config] + extra, environment: environment, logFile: logFile)
    }

    /// Starts `tandem arguments…` (any long-running verb) with `environment` added to the test's own.
    init(arguments: [String], environment: [String: String] = [:], logFile: String) throws {
        errPath = logFile
        FileManager.default.createFile(atPath: logFile, contents: nil)
        process.executableURL = CLI.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        handle.seekToEndOfFile()
        process.standardError = handle
        try process.run()
    }

    /// What it logged so far.
    var log: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    /// The HTTP port from the `serving … on http://127.0.0.1:PORT` line (the last one logged).
    var port: Int? {
        guard let r = log.range(of: "on http://127.0.0.1:", options: .backwards) else { return nil }
        return Int(log[r.upperBound...].prefix { $0.isNumber })
    }

    /// Waits until the log contains `text` (occurring more than `after` times), or fails the test.
    @discardableResult
    func waitForLog(_ text: String, after count: Int = 0, timeout: TimeInterval = 30,
                    file: StaticString = #filePath, line: UInt = #line) -> Bool {
        var exited = false
        let found = waitUntil("log line \"\(text)\"", timeout: timeout, file: file, line: line) {
            if log.components(separatedBy: text).count - 1 > count { return true }
            exited = !process.isRunning
            return exited
        }
        if exited, log.components(separatedBy: text).count - 1 <= count {
            XCTFail("tandem run exited (\(process.terminationStatus)) before logging \"\(text)\": \(log)", file: file, line: line)
            return false
        }
        return found
    }

    /// Sends `signal`.
    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for the exit; returns the seconds it took, or nil (and fails) after `timeout`.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line) -> TimeInterval? {
        let start = Date()
        guard waitUntil("tandem run to exit", timeout: timeout, file: file, line: line, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return Date().timeIntervalSince(start)
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes (then fails the test).
@discardableResult
func waitUntil(_ what: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line,
               _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while try !condition() {
        guard Date() < deadline else {
            XCTFail("timed out after \(Int(timeout)) s waiting for \(what)", file: file, line: line)
            return false
        }
        usleep(5_000)
    }
    return true
}

/// A legacy application that never pauses for long: an `sqlite3` process fed (unlike `LegacyWriter`, endlessly) inserts, updates and deletes across tenants (some in
/// multi-statement transactions) from a thread, until `stop()`.
final class ContinuousLegacyWriter: @unchecked Sendable {
    // @unchecked Sendable: `stopped` is an atomic flag; the feeding thread owns the pipe's write end.
    private let app = Process()
    private let input = Pipe()
    private let stopped = ManagedAtomicFlag()
    private let done = DispatchSemaphore(value: 0)

    /// Starts writing `db`'s `items` table (id, tenant, name, qty); ids up to `maxID`.
    init(db: String, seed: UInt64, maxID: Int = 300, pauseMicros: UInt32 = 300) throws {
        app.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        app.arguments = ["-bail", db]
        app.standardInput = input
        app.standardOutput = FileHandle.nullDevice
        try app.run()
        let fd = input.fileHandleForWriting.fileDescriptor
        let flag = stopped, finished = done
        Thread.detachNewThread {
            var rng = SplitMix64(seed: seed)
            func send(_ s: String) { _ = (s + "\n").withCString { write(fd, $0, strlen($0)) } }
            send(".timeout 10000")
            let tenants = ["acme", "globex", "initech", "umbrella"]
            var n = 0
            while !flag.isSet {
                n += 1
                func one() -> String {
                    let id = Int(rng.next() % UInt64(maxID)) + 1
                    let tenant = tenants[Int(rng.next() % 4)]
                    switch rng.next() % 10 {
                    case 0...4: return "INSERT INTO items VALUES (\(id), '\(tenant)', 'item \(n)', \(n)) ON CONFLICT(id) DO UPDATE SET tenant = excluded.tenant, name = excluded.name, qty = excluded.qty;"
                    case 5...7: return "UPDATE items SET qty = qty + 1, name = 'upd \(n)' WHERE id = \(id);"
                    default: return "DELETE FROM items WHERE id = \(id);"
                    }
                }
                if rng.next() % 5 == 0 {
                    send("BEGIN; " + (0..<Int(2 + rng.next() % 4)).map { _ in one() }.joined(separator: " ") + " COMMIT;")
                } else {
                    send(one())
                }
                usleep(pauseMicros)
            }
            try? FileHandle(fileDescriptor: fd, closeOnDealloc: false).close()
            finished.signal()
        }
    }

    /// Stops writing and waits for sqlite3 to finish every statement; returns its exit status.
    func stop() -> Int32 {
        stopped.set()
        done.wait()
        app.waitUntilExit()
        return app.terminationStatus
    }
}

/// A flag set once, read from another thread.
final class ManagedAtomicFlag: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

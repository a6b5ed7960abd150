import Foundation
import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// Why a chromium session failed: what was asked and what happened.
public struct ChromiumSessionError: Error, CustomStringConvertible {
    /// In words.
    public let description: String
}

/// A headless chromium kept open on one page and driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: commands on its fd 3, answers on its fd 4, NUL-separated JSON), for tests that
/// watch a page change while it stays open (`--dump-dom` sees one moment only). Console errors and uncaught
/// exceptions are collected in `consoleErrors`.
///
/// - Important: not `Sendable`; one thread drives it.
public final class ChromiumSession {
    private let pid: pid_t
    private let toChrome: Int32
    private let fromChrome: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var session = ""
    private var closed = false
    /// Console messages of level error, uncaught exceptions and failed loads, as chromium reported them.
    public private(set) var consoleErrors: [String] = []

    /// Starts chromium on `url` with its own profile directory and attaches to the page.
    public init(chromium: String, profile: String, url: String, width: Int = 1280, height: Int = 1000) throws {
        var commands: [Int32] = [-1, -1], answers: [Int32] = [-1, -1]
        guard pipe(&commands) == 0, pipe(&answers) == 0 else { throw ChromiumSessionError(description: "pipe: errno \(errno)") }
        // Above 4 and close-on-exec, so that the dup2s below cannot clobber one another and the child keeps only 3 and 4.
        let high = (commands + answers).map { fd -> Int32 in let h = fcntl(fd, F_DUPFD_CLOEXEC, 10); Glibc.close(fd); return h }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, high[0], 3)
        posix_spawn_file_actions_adddup2(&actions, high[3], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let args = [chromium] + HeadlessChromium.arguments(profile: profile)
            + ["--remote-debugging-pipe", "--window-size=\(width),\(height)", "--hide-scrollbars", url]
        var cArgs = args.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, chromium, &actions, nil, &cArgs, environ)
        Glibc.close(high[0]); Glibc.close(high[3])
        guard rc == 0 else {
            Glibc.close(high[1]); Glibc.close(high[2])
            throw ChromiumSessionError(description: "cannot start \(chromium): errno \(rc)")
        }
        pid = child; toChrome = high[1]; fromChrome = high[2]
        do {
            let deadline = ContinuousClock.now + .seconds(30)
            var target: String?
            while target == nil {
                let targets = try call("Target.getTargets")["targetInfos"]?.array ?? []
                target = targets.first { $0["type"]?.string == "page" && $0["url"]?.string == url }?["targetId"]?.string
                    ?? targets.first { $0["type"]?.string == "page" }?["targetId"]?.string
                if target == nil {
                    guard ContinuousClock.now < deadline else { throw ChromiumSessionError(description: "no page target for \(url)") }
                    Thread.sleep(forTimeInterval: 0.1)  // chromium is still opening its first tab
                }
            }
            let attached = try call("Target.attachToTarget", ["targetId": .string(target!), "flatten": .bool(true)])
            session = attached["sessionId"]?.string ?? ""
            _ = try call("Runtime.enable", onPage: true)
            _ = try call("Log.enable", onPage: true)
            _ = try call("Page.enable", onPage: true)
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// The value of `expression` evaluated in the page (nil for `undefined`); a thrown exception is an error.
    public func evaluate(_ expression: String) throws -> JSONValue? {
        let r = try call("Runtime.evaluate", ["expression": .string(expression), "returnByValue": .bool(true)], onPage: true)
        if let exception = r["exceptionDetails"] {
            throw ChromiumSessionError(description: "\(expression): \(exception["exception"]?["description"]?.string ?? exception.description)")
        }
        return r["result"]?["value"]
    }

    /// Evaluates `expression` until it is true or `timeout` passes; whether it became true.
    public func waitUntil(_ expression: String, timeout: Duration = .seconds(30)) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try evaluate(expression)?.bool == true { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// Writes a PNG of the page's viewport to `path`.
    public func screenshot(to path: String) throws {
        let r = try call("Page.captureScreenshot", ["format": .string("png")], onPage: true, timeout: .seconds(30))
        guard let text = r["data"]?.string, let data = Data(base64Encoded: text) else {
            throw ChromiumSessionError(description: "Page.captureScreenshot returned no image")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Closes the browser and reaps it (killed when it does not go within 5 s).
    public func close() {
        guard !closed else { return }
        closed = true
        _ = try? send("Browser.close", [:], onPage: false)
        let deadline = ContinuousClock.now + .seconds(5)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline { kill(pid, SIGKILL); waitpid(pid, &status, 0); break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Glibc.close(toChrome); Glibc.close(fromChrome)
    }

    // MARK: - Protocol

    @discardableResult
    private func send(_ method: String, _ params: [String: JSONValue], onPage: Bool) throws -> Int {
        let id = nextID
        nextID += 1
        var members: [(key: String, value: JSONValue)] = [("id", .int(Int64(id))), ("method", .string(method)),
                                                          ("params", .object(params.map { ($0.key, $0.value) }))]
        if onPage { members.append(("sessionId", .string(session))) }
        let bytes = Array(JSONValue.object(members).description.utf8) + [0]
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { write(toChrome, $0.baseAddress! + sent, $0.count - sent) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ChromiumSessionError(description: "\(method): chromium's pipe is closed") }
            sent += n
        }
        return id
    }

    private func call(_ method: String, _ params: [String: JSONValue] = [:], onPage: Bool = false,
                      timeout: Duration = .seconds(15)) throws -> JSONValue {
        let id = try send(method, params, onPage: onPage)
        let deadline = ContinuousClock.now + timeout
        while true {
            let message = try nextMessage(until: deadline, asking: method)
            if message["id"]?.int64 == Int64(id) {
                if let e = message["error"] { throw ChromiumSessionError(description: "\(method): \(e)") }
                return message["result"] ?? .null
            }
            note(message)
        }
    }

    /// Collects the console errors an event reports.
    private func note(_ m: JSONValue) {
        switch m["method"]?.string {
        case "Runtime.consoleAPICalled" where ["error", "assert"].contains(m["params"]?["type"]?.string ?? ""):
            consoleErrors.append("console.\(m["params"]?["type"]?.string ?? ""): " + (m["params"]?["args"]?.array ?? []).map { $0["value"]?.description ?? $0.description }.joined(separator: " "))
        case "Runtime.exceptionThrown":
            consoleErrors.append("exception: \(m["params"]?["exceptionDetails"]?["exception"]?["description"]?.string ?? m.description)")
        case "Log.entryAdded" where m["params"]?["entry"]?["level"]?.string == "error":
            consoleErrors.append("log: \(m["params"]?["entry"]?["text"]?.string ?? "") \(m["params"]?["entry"]?["url"]?.string ?? "")")
        default: break
        }
    }

    /// Reads events until every one chromium has sent so far is noted (console errors are current).
    public func drainEvents() throws {
        while let m = try nextMessage(until: ContinuousClock.now + .milliseconds(200), asking: nil) { note(m) }
    }

    private func nextMessage(until deadline: ContinuousClock.Instant, asking: String) throws -> JSONValue {
        guard let m = try nextMessage(until: deadline, asking: Optional(asking)) else {
            throw ChromiumSessionError(description: "\(asking): no answer from chromium in time")
        }
        return m
    }

    private func nextMessage(until deadline: ContinuousClock.Instant, asking: String?) throws -> JSONValue? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                do { return try JSONValue.parse(message) } catch {
                    throw ChromiumSessionError(description: "chromium sent what is not JSON: \(error)")
                }
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var pfd = pollfd(fd: fromChrome, events: Int16(POLLIN), revents: 0)
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            let r = poll(&pfd, 1, ms)
            if r < 0 && errno == EINTR { continue }
            if r == 0 { return nil }
            let n = read(fromChrome, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ChromiumSessionError(description: "\(asking ?? "reading events"): chromium closed its pipe") }
            buffer += chunk[..<n]
        }
    }
}

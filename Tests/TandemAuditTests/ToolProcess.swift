import Foundation

/// What one run of a program left behind.
struct ToolResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs real programs for the audit's end-to-end tests: the built `tandem` binary and Debian's chromium.
enum Tool {
    /// The `tandem` binary beside the test bundle (both live in the build products folder).
    static let tandem: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tandem")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return ".build/debug/tandem"
    }()

    /// The first of the usual chromium paths that exists.
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `path args…` and waits for it; output is drained while it runs.
    static func run(_ path: String, _ args: [String]) throws -> ToolResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe; p.standardError = errPipe
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        DispatchQueue.global().async(group: group) { out = outPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err = errPipe.fileHandleForReading.readDataToEndOfFile() }
        p.waitUntilExit()
        group.wait()
        return ToolResult(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

import Foundation
import XCTest
import TandemTesting

/// What one run of the `tandem` executable left behind.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the built `tandem` executable as a child process, as an operator would.
enum CLI {
    /// The `tandem` binary beside the test bundle (both live in the build products folder).
    static var executable: URL { TandemBinary.url }

    /// Runs `tandem args…` with `stdin` as standard input and waits for it to exit.
    @discardableResult
    static func run(_ args: [String], stdin: String = "", environment: [String: String]? = nil,
                    in directory: URL? = nil) throws -> CLIResult {
        let p = Process()
        p.executableURL = executable
        if let directory { p.currentDirectoryURL = directory }
        p.arguments = args
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe; p.standardOutput = outPipe; p.standardError = errPipe
        try p.run()
        // Drain both pipes while the child runs so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        DispatchQueue.global().async(group: group) { out = outPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { err = errPipe.fileHandleForReading.readDataToEndOfFile() }
        inPipe.fileHandleForWriting.write(Data(stdin.utf8))
        try? inPipe.fileHandleForWriting.close()
        p.waitUntilExit()
        group.wait()
        return CLIResult(status: p.terminationStatus,
                         stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: err, as: UTF8.self))
    }
}

import Foundation
import Synchronization
import XCTest

/// A fresh directory under the system temp dir, removed when `test` ends.
public func temporaryPath(_ test: XCTestCase, _ name: String = #function) throws -> String {
    // Short (a unix socket path inside it must stay under 108 bytes): the test's name, cut, and 8 hex digits.
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("tandem-\(name.filter(\.isLetter).prefix(24))-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// A fresh directory under the system temp dir as a URL, removed when `test` ends.
public func temporaryDirectory(_ test: XCTestCase, _ name: String = #function) throws -> URL {
    URL(fileURLWithPath: try temporaryPath(test, name))
}

/// A fresh directory under the system temp dir (`prefix-UUID`), removed by `removeDirectory` or at the latest
/// when the test process exits.
public func makeTemporaryDirectory(_ prefix: String = "tandem-test") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    LeftoverDirectories.register(path)
    return path
}

/// The directories made by `makeTemporaryDirectory`, removed at exit: most callers (store helpers used in
/// hundreds of tests) have no test case to hang a teardown on, and a CI machine must not fill with them.
enum LeftoverDirectories {
    static let paths = Mutex<[String]>([])

    static func register(_ path: String) {
        let first = paths.withLock { p in p.append(path); return p.count == 1 }
        if first { atexit { LeftoverDirectories.removeAll() } }
    }

    static func removeAll() {
        for p in paths.withLock({ p in defer { p.removeAll() }; return p }) { try? FileManager.default.removeItem(atPath: p) }
    }
}

/// Removes a directory made by `makeTemporaryDirectory` (nothing when it is gone already).
public func removeDirectory(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

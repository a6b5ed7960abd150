import Foundation
import TandemTesting
import XCTest
@testable import TandemPipeline

/// A fresh directory for config files, removed when the test ends.
func configDirectory(_ test: XCTestCase) throws -> String {
    let dir = FileManager.default.temporaryDirectory.path + "/tandem-config-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}

/// Writes `text` as `name` in `dir` and returns its path.
@discardableResult
func write(_ text: String, _ name: String = "tandem.json", in dir: String) throws -> String {
    let path = dir + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// The faults loading `text` reports (failing the test when it loads).
func faults(_ text: String, in dir: String, environment: [String: String] = [:],
            file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
    let path = try write(text, in: dir)
    do {
        _ = try DaemonConfig.load(path: path, environment: environment)
        XCTFail("the config loaded", file: file, line: line)
        return []
    } catch {
        return error.faults.map(\.description)
    }
}

/// The smallest config the issue gives, with `sinks` and `http` replaced when given and `extra` top-level members added.
func smallest(sinks: String? = nil, http: String = #"{"listen": "127.0.0.1:9187"}"#, extra: String = "") -> String {
    """
    {"journal": "journal",
     "source": "sqlite-changelog:legacy.db",
     "mapping": "mapping.json",
     "sinks": \(sinks ?? #"[{"name": "new", "into": "sqlite:new.db"}, {"name": "pg", "into": "postgres:///newdb?host=/run/postgresql"}]"#),
     "http": \(http)\(extra.isEmpty ? "" : ", " + extra)}
    """
}

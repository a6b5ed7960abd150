import Foundation
import XCTest

/// README.md is what a clone of the repository has: everything it points to is in the repository, and the
/// architecture and vocabulary are in it, not in a document outside.
final class ReadmeTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func testREADMEPointsOnlyToFilesInTheRepository() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertFalse(readme.contains("../"), "README points outside the repository")
        // Every `schemas/…`, `ops/…` or `scripts/…` path quoted in it exists.
        let quoted = readme.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        let paths = quoted.flatMap { $0.split(separator: " ") }.map(String.init)
            .filter { p in ["schemas/", "ops/", "scripts/"].contains { p.hasPrefix($0) } && !p.hasSuffix("/") }
        XCTAssertFalse(paths.isEmpty)
        for path in paths {
            XCTAssertTrue(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "README names \(path)")
        }
    }

    func testREADMEExplainsTheArchitectureAndEveryTermOfTheVocabulary() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("## How Tandem works"))
        XCTAssertTrue(readme.contains("(#how-tandem-works)"), "the introduction links the section")
        for term in ["event", "value", "journal", "source", "sink", "mapping", "quarantine", "cohort"] {
            XCTAssertTrue(readme.contains("- **\(term)** — "), "README does not define \(term)")
        }
        for target in ["TandemCore", "TandemJournal", "TandemSQLite", "TandemPostgres", "TandemSources", "TandemSinks", "TandemPipeline", "TandemTesting"] {
            XCTAssertTrue(readme.contains("`\(target)`"), "README does not name the layer \(target)")
        }
    }
}

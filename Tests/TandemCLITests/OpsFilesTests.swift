import Foundation
import XCTest

/// The files under ops/ are checked by the tools that run them, and agree with each other.
final class OpsFilesTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func read(_ path: String) throws -> String {
        try String(contentsOf: Self.repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// `promtool check rules` and `promtool test rules` on the alerts, `systemd-analyze verify` on the unit.
    func testCheckOpsPassesWithPromtoolAndSystemdAnalyze() throws {
        let p = Process()
        p.executableURL = Self.repository.appendingPathComponent("scripts/check-ops")
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus == 69 { throw XCTSkip(stderr.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(p.terminationStatus, 0, stdout + stderr)
        XCTAssertTrue(stdout.contains("SUCCESS: 12 rules found"), stdout)
        XCTAssertTrue(stdout.hasSuffix("check-ops: ops/prometheus/alerts.yml and ops/systemd/tandem.service are valid\n"), stdout)
    }

    /// Every `--property=` of the transient unit is a line of the unit file, and both start the same command.
    func testTheSystemdRunExampleHasTheUnitsSettings() throws {
        let unitLines = Set(try read("ops/systemd/tandem.service").split(separator: "\n").map(String.init))
        let example = try read("ops/systemd-run.example").replacingOccurrences(of: "\\\n", with: " ")
        let command = try XCTUnwrap(example.split(separator: "\n").first { $0.hasPrefix("systemd-run ") })
        var properties: [String] = []
        var rest = Substring(command)
        while let range = rest.range(of: "--property=") {
            rest = rest[range.upperBound...]
            let value: Substring
            if rest.hasPrefix("\"") {
                let close = try XCTUnwrap(rest.dropFirst().firstIndex(of: "\""))
                value = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                value = rest.prefix { $0 != " " }
                rest = rest.dropFirst(value.count)
            }
            properties.append(value.replacingOccurrences(of: "\\$", with: "$"))
        }
        XCTAssertGreaterThanOrEqual(properties.count, 20)
        for property in properties { XCTAssertTrue(unitLines.contains(property), "not in the unit: \(property)") }
        for key in ["Type=notify", "WatchdogSec=", "Restart=on-failure", "RestartPreventExitStatus=64 65 78", "NoNewPrivileges=yes",
                    "ProtectSystem=strict", "ReadWritePaths=/var/lib/tandem", "PrivateTmp=yes", "ProtectHome=yes",
                    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "LoadCredential=", "ExecReload=/bin/kill -HUP $MAINPID"] {
            XCTAssertTrue(properties.contains { $0.hasPrefix(key) }, "the transient unit lacks \(key)")
        }
        let start = try XCTUnwrap(unitLines.first { $0.hasPrefix("ExecStart=") }).dropFirst("ExecStart=".count)
        XCTAssertTrue(command.hasSuffix(" " + start), "the transient unit runs another command than \(start)")
    }

    /// Each alert's `runbook:` link names a section of ops/RUNBOOK.md (GitHub's anchor of its heading).
    func testEveryAlertLinksToARunbookSection() throws {
        let anchors = Set(try read("ops/RUNBOOK.md").split(separator: "\n").filter { $0.hasPrefix("#") }.map { heading in
            heading.drop { $0 == "#" || $0 == " " }.lowercased()
                .filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" }.replacingOccurrences(of: " ", with: "-")
        })
        let alerts = try read("ops/prometheus/alerts.yml").split(separator: "\n")
        let links = alerts.compactMap { line -> String? in
            guard let r = line.range(of: "runbook: \"ops/RUNBOOK.md#") else { return nil }
            return String(line[r.upperBound...].dropLast())
        }
        XCTAssertEqual(links.count, alerts.filter { $0.contains("- alert: ") }.count, "an alert without a runbook link")
        for link in links { XCTAssertTrue(anchors.contains(link), "ops/RUNBOOK.md has no section #\(link)") }
    }

    func testThePerVerbUnitsAreGoneAndNothingNamesThem() throws {
        for gone in ["ops/tandem-ingest@.service", "ops/tandem-replay@.service"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(gone).path), gone)
        }
        for doc in ["README.md", "ops/RUNBOOK.md", "ops/systemd-run.example"] {
            XCTAssertFalse(try read(doc).contains("tandem-ingest@"), doc)
            XCTAssertFalse(try read(doc).contains("tandem-replay@"), doc)
        }
    }
}

import Foundation
import XCTest
@testable import TandemPipeline

/// The process_* figures match what the kernel reports and follow what the process does.
final class ProcessMetricsTests: XCTestCase {
    func testOpenDescriptorsFollowFilesOpenedAndClosed() throws {
        let before = try XCTUnwrap(ProcessMetrics.current())
        let fds = (0..<3).map { _ in open("/dev/null", O_RDONLY) }
        XCTAssertEqual(ProcessMetrics.current()?.openFDs, before.openFDs + 3)
        for fd in fds { close(fd) }
        XCTAssertEqual(ProcessMetrics.current()?.openFDs, before.openFDs)
        XCTAssertGreaterThanOrEqual(before.maxFDs, before.openFDs)
    }

    func testMemoryStartTimeAndCPUAreThisProcesssOwn() throws {
        let metrics = try XCTUnwrap(ProcessMetrics.current())
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let rssKiB = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?
            .split(separator: " ").dropFirst().first.flatMap { Int64($0) })
        // RSS moves a little between the two reads: within 10 % of what /proc/self/status says.
        XCTAssertEqual(Double(metrics.residentMemoryBytes), Double(rssKiB * 1024), accuracy: Double(rssKiB * 1024) / 10)
        XCTAssertGreaterThan(metrics.virtualMemoryBytes, metrics.residentMemoryBytes)
        let now = Date().timeIntervalSince1970
        XCTAssertLessThanOrEqual(metrics.startTimeSeconds, now + 1)
        XCTAssertGreaterThan(metrics.startTimeSeconds, now - 3600, "the test process started within the hour")
        var spin = 0.0
        for i in 0..<3_000_000 { spin += Double(i).squareRoot() }
        XCTAssertGreaterThan(spin, 0)
        let later = try XCTUnwrap(ProcessMetrics.current())
        XCTAssertGreaterThan(later.cpuSecondsTotal, 0)
        XCTAssertGreaterThanOrEqual(later.cpuSecondsTotal, metrics.cpuSecondsTotal)
    }
}

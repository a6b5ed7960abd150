import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` metrics of this process, read from Linux's /proc.
public struct ProcessMetrics: Sendable, Equatable {
    /// Resident set size in bytes (/proc/self/statm × page size).
    public let residentMemoryBytes: Int64
    /// Virtual memory size in bytes (/proc/self/statm × page size).
    public let virtualMemoryBytes: Int64
    /// Open file descriptors (entries of /proc/self/fd).
    public let openFDs: Int64
    /// The soft limit on open file descriptors (RLIMIT_NOFILE).
    public let maxFDs: Int64
    /// Start time since the Unix epoch in seconds (/proc/stat btime + /proc/self/stat starttime).
    public let startTimeSeconds: Double
    /// User and system CPU time in seconds (/proc/self/stat utime + stime over CLK_TCK).
    public let cpuSecondsTotal: Double

    /// Reads the current figures; nil where /proc cannot be read (not Linux, or no /proc mounted).
    public static func current() -> ProcessMetrics? {
        guard let statm = read("/proc/self/statm"), let stat = read("/proc/self/stat"),
              let systemStat = read("/proc/stat") else { return nil }
        let pages = statm.split(separator: " ").compactMap { Int64($0) }
        // The command name (field 2) is in parentheses and may hold spaces or ')': fields resume after the last ')'.
        guard pages.count >= 2, let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
        guard fields.count > 19, let utime = Double(fields[11]), let stime = Double(fields[12]),
              let startTicks = Double(fields[19]),
              let btimeLine = systemStat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let bootTime = Double(btimeLine.dropFirst(6)),
              let openFDs = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count else { return nil }
        let pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var limit = rlimit()
        let maxFDs = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int64(clamping: limit.rlim_cur) : -1
        // contentsOfDirectory opened the directory itself while listing it: that descriptor is not ours.
        return ProcessMetrics(residentMemoryBytes: pages[1] * pageSize, virtualMemoryBytes: pages[0] * pageSize,
                              openFDs: Int64(openFDs) - 1, maxFDs: maxFDs,
                              startTimeSeconds: bootTime + startTicks / ticks,
                              cpuSecondsTotal: (utime + stime) / ticks)
    }

    /// Appends the figures under their standard names (those of the Prometheus client libraries).
    public func write(into page: inout MetricsText) {
        page.append("process_cpu_seconds_total", type: .counter, help: "Total user and system CPU time spent in seconds.",
                    value: cpuSecondsTotal)
        page.append("process_open_fds", type: .gauge, help: "Number of open file descriptors.", value: openFDs)
        page.append("process_max_fds", type: .gauge, help: "Maximum number of open file descriptors.", value: maxFDs)
        page.append("process_virtual_memory_bytes", type: .gauge, help: "Virtual memory size in bytes.",
                    value: virtualMemoryBytes)
        page.append("process_resident_memory_bytes", type: .gauge, help: "Resident memory size in bytes.",
                    value: residentMemoryBytes)
        page.append("process_start_time_seconds", type: .gauge,
                    help: "Start time of the process since unix epoch in seconds.", value: startTimeSeconds)
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

import Foundation

/// One measured figure beside the ceiling measured in the same run.
struct Figure {
    let bench: String
    let figure: String
    let value: Double
    let unit: String
    let ceiling: Double?
    /// True when smaller is better (latencies, memory): the ratio is then ceiling / value.
    var lowerIsBetter = false

    var ratio: Double? {
        guard let c = ceiling, c > 0, value > 0 else { return nil }
        return lowerIsBetter ? c / value : value / c
    }
}

/// Collects figures, prints a table for people and then one JSON object a line for scripts.
final class Report {
    private(set) var figures: [Figure] = []
    private var notes: [String] = []

    /// Records a figure and prints it at once, so a long run shows progress.
    func add(_ f: Figure) {
        figures.append(f)
        let ceiling = f.ceiling.map { format($0) } ?? "-"
        let ratio = f.ratio.map { String(format: "%.2f", $0) } ?? "-"
        print(pad(f.figure, 18) + pad(format(f.value), 14, left: true) + "  " + pad(f.unit, 9)
              + pad(ceiling, 14, left: true) + pad(ratio, 8, left: true))
        fflush(nil)
    }

    /// A line of context printed under the table (what the ceiling is, sizes used).
    func note(_ text: String) { notes.append(text) }

    /// Prints the header of the table.
    func header(_ title: String) {
        print(title)
        print(pad("figure", 18) + pad("value", 14, left: true) + "  " + pad("unit", 9)
              + pad("ceiling", 14, left: true) + pad("ratio", 8, left: true))
    }

    /// Prints the notes and the JSON lines.
    func finish() {
        for n in notes { print("  " + n) }
        for f in figures {
            var line = "{\"bench\":\"\(f.bench)\",\"figure\":\"\(f.figure)\",\"value\":\(json(f.value)),\"unit\":\"\(f.unit)\""
            line += ",\"ceiling\":" + (f.ceiling.map(json) ?? "null")
            line += ",\"ratio\":" + (f.ratio.map { String(format: "%.3f", $0) } ?? "null") + "}"
            print(line)
        }
        fflush(nil)
    }

    private func json(_ v: Double) -> String {
        v >= 100 ? String(Int64(v.rounded())) : String(format: "%.4g", v)
    }
    private func format(_ v: Double) -> String {
        v >= 100 ? String(Int64(v.rounded())) : String(format: "%.3f", v)
    }
    private func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
        guard s.count < n else { return s }
        let fill = String(repeating: " ", count: n - s.count)
        return left ? fill + s : s + fill
    }
}

/// Seconds on the monotonic clock.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds (user and system) this process has used so far.
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

/// Peak resident set size of this process image so far, in MiB (VmHWM: unlike getrusage's
/// ru_maxrss it is not carried over from the parent across exec).
func peakRSSMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kib / 1024
}

/// Current resident set size of this process, in MiB (from /proc/self/statm).
func currentRSSMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

import Foundation
import TandemCore
import TandemSources

/// Progress on stderr, only when stderr is a terminal, at most four times a second.
struct TerminalProgress {
    private let enabled = isatty(2) == 1
    private var last = 0.0

    mutating func show(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let t = Date().timeIntervalSince1970
        guard t - last >= 0.25 else { return }
        last = t
        Output.err("\r\u{1B}[K" + text())
    }

    func clear() { if enabled { Output.err("\r\u{1B}[K") } }
}

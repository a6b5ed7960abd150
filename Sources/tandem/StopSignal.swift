import Foundation
import Synchronization

/// SIGTERM / SIGINT as a flag the long-running verbs poll between batches, so they stop cleanly after
/// the last committed batch instead of dying mid-transaction (a second signal still ends them at once).
enum StopSignal {
    // An atomic store is async-signal-safe; nothing else happens inside the handler.
    private static let flag = Atomic<Int>(0)

    /// Installs the handlers; call once before the loop.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            if StopSignal.flag.add(1, ordering: .relaxed).newValue > 1 {
                signal(sig, SIG_DFL); raise(sig)
            }
        }
        signal(SIGTERM, handler)
        signal(SIGINT, handler)
    }

    /// True once SIGTERM or SIGINT has arrived.
    static var requested: Bool { flag.load(ordering: .relaxed) > 0 }
}

/// Progress on stderr, only when stderr is a terminal, at most a few times a second.
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

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

/// SIGTERM and SIGINT fire a `StopSignal`: the long-running verbs finish the batch in hand and exit
/// cleanly. A second signal ends the process at once.
enum Signals {
    // Kept alive for the process's lifetime; a DispatchSource delivers the signal off the handler context.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Routes SIGTERM and SIGINT to `stop`; call once, from main, before the loop.
    static func stop(on stop: StopSignal) {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if stop.isFired { signal(sig, SIG_DFL); raise(sig) }
                OperatorLog.stderr("received \(sig == SIGTERM ? "SIGTERM" : "SIGINT"); stopping after the batch in hand")
                stop.fire()
            }
            source.resume()
            sources.append(source)
        }
    }
}

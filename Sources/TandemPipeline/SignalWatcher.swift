import Foundation
import TandemCore
import TandemSources

/// Delivers process signals to a handler on a dispatch queue instead of their default action, for as long as
/// the watcher lives (or until `cancel`): SIGTERM/SIGINT to stop cleanly, SIGHUP to reload.
///
/// The handler runs on `queue`, off the signal handler's context, so it may log, lock and allocate. Create
/// watchers from the main thread before starting threads of your own: the signals are blocked in the creating
/// thread and inherited by threads it starts later (libdispatch's own threads block them already).
// @unchecked Sendable: `sources` is set once in `init` and never mutated; DispatchSource's `cancel` is thread-safe.
public final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    /// Watches `signals` (e.g. `[SIGTERM, SIGINT, SIGHUP]`); `handler` gets the signal number for each delivery.
    public init(_ signals: [Int32], queue: DispatchQueue = .global(), handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        // libdispatch reads signals through a signalfd: one must be blocked in the thread the kernel picks, or a
        // thread that does not block it takes it with the ignored disposition and it is lost. Blocked here, and
        // in the threads this one starts later.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in signals { sigaddset(&set, sig) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        sources = signals.map { sig in
            // Ignored at the process level: the dispatch source still sees it, the default action never runs.
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { handler(sig) }
            source.resume()
            return source
        }
    }

    deinit { cancel() }

    /// Stops watching: the signals get their default action again.
    public func cancel() {
        for s in sources where !s.isCancelled { s.cancel() }
        for sig in signals { signal(sig, SIG_DFL) }
    }

    /// SIGTERM and SIGINT fire `stop` with a log line (the long-running verbs finish the batch in hand and exit
    /// cleanly); a second one ends the process at once by the signal's default action.
    public static func stopping(_ stop: StopSignal, log: @escaping @Sendable (String) -> Void = OperatorLog.stderr) -> SignalWatcher {
        SignalWatcher([SIGTERM, SIGINT]) { sig in
            if stop.isFired { endProcess(by: sig) }
            log("received \(name(sig)); stopping after the batch in hand")
            stop.fire()
        }
    }

    /// Ends the process by `sig`'s default action (a second SIGTERM while stopping): delivered to the calling
    /// thread, unblocked there, so no other thread's mask can hold it back.
    public static func endProcess(by sig: Int32) -> Never {
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        // Not reached for a signal whose default action ends the process.
        exit(128 + sig)
    }

    /// `SIGTERM`, `SIGINT`, `SIGHUP`, … (`signal N` for others).
    public static func name(_ sig: Int32) -> String {
        switch sig {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        case SIGHUP: return "SIGHUP"
        case SIGQUIT: return "SIGQUIT"
        case SIGUSR1: return "SIGUSR1"
        case SIGUSR2: return "SIGUSR2"
        default: return "signal \(sig)"
        }
    }
}

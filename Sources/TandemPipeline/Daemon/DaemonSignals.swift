import Dispatch
import Foundation
import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// Routes signals to a daemon: SIGTERM and SIGINT stop it (a second one ends the process at once), SIGHUP
/// reloads the mapping and the sinks' settings. Delivered by DispatchSource on a queue, off the signal context.
public enum DaemonSignals {
    // Written once by `install` (from the main thread, before any worker starts), never read: it only keeps the
    // sources alive for the process's lifetime.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers for `daemon`; call once, before `start()`.
    public static func install(for daemon: Daemon) {
        let queue = DispatchQueue(label: "tandem.daemon.signals")
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                switch sig {
                case SIGHUP:
                    daemon.log.notice("received SIGHUP; reloading \(daemon.config.file)")
                    daemon.reload()
                default:
                    let name = sig == SIGTERM ? "SIGTERM" : "SIGINT"
                    if daemon.isStopping {
                        daemon.log.warning("received \(name) again; exiting now")
                        signal(sig, SIG_DFL); raise(sig)
                    }
                    daemon.log.notice("received \(name); stopping: the source after its append in flight, each sink after its batch in hand")
                    daemon.stop()
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}

import Foundation
import TandemCore
import TandemJournal
import TandemSources

/// What the live status shows of the files beside the journal, read by the ticker (not per event): the open
/// quarantine by rule (`Quarantine.openCountsByRule`, the same keys as the offline status) and each sink's
/// parked count (`ParkedList`). Each is re-read only when its file changed — the quarantine store's and its
/// WAL's size and modification time, the parked list's size (`ParkedList.version`, append-only) — so a quiet
/// tick costs a few `stat` calls. Other processes change them too (`tandem quarantine retry`, `tandem sink park`).
struct SideFigures {
    private var quarantineStamp: [Int64]?
    private var parkedVersions: [String: Int64] = [:]
    /// The last read failure logged, so a file that stays unreadable is named once, not every second.
    private var lastFailure: String?

    /// Reads what changed since the last call into the daemon's state.
    mutating func refresh(_ d: Daemon) {
        let journal = d.config.journal
        let store = Quarantine.path(journal: journal)
        let stamp = Self.stamp(store) + Self.stamp(store + "-wal")
        if stamp != quarantineStamp {
            do {
                let counts = try Quarantine.openCountsByRule(journal: journal)
                d.state.update { $0.source.quarantineByReason = counts }
                quarantineStamp = stamp
            } catch {
                failed("could not read the quarantine's open entries: \(error); /status keeps the last counts", d)
            }
        }
        let names = d.state.update { s in s.sinks.map(\.name) }
        for name in names {
            let list = ParkedList(journal: journal, sink: name, options: d.journal.options)
            let version = list.version()
            guard parkedVersions[name] != version else { continue }
            do {
                let count = try list.entries().count
                d.state.updateSink(name) { $0.parked = count }
                parkedVersions[name] = version
            } catch {
                failed("could not read sink \(name)'s parked list: \(error); /status keeps the last count", d)
            }
        }
    }

    private mutating func failed(_ line: String, _ d: Daemon) {
        guard line != lastFailure else { return }
        lastFailure = line
        d.log.warning(line)
    }

    /// Size and modification time (ns) of `path`; [-1] when it does not exist.
    private static func stamp(_ path: String) -> [Int64] {
        var st = stat()
        guard stat(path, &st) == 0 else { return [-1] }
        return [Int64(st.st_size), Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec)]
    }
}

import TandemCore
import TandemSources

extension Daemon {
    /// SIGHUP: reads the config file again and applies the mapping and each sink's store, batch size and filter
    /// (and the back-off); the source and each changed sink restart after their batch in hand, and a stopped sink
    /// is tried again at once; with a migration block the reverse flow takes the mapping (in reverse) from its
    /// next pass. A config or mapping that does not load, or that has no way back to the legacy store, is refused
    /// with a log line and the running one kept. Changes that need a restart (journal, source, HTTP address, the
    /// list of sinks, the migration block) are named in the log line and not applied.
    public func reload() {
        let new: DaemonConfig
        let mapping: Mapping
        do {
            new = try DaemonConfig.load(path: config.file)
            mapping = try new.mapping.map { path throws(MappingError) in try Mapping.load(path: path) } ?? .passThrough
            // With a migration block, a mapping the reverse flow cannot use is refused like one that does not load
            // (the running reverse flow keeps the mapping it built; the file holds the new one, so only it is checked).
            if reverseWorker != nil, new.migration != nil { _ = try ReverseSetup.flow(new) }
        } catch {
            log.error("reload refused, keeping the running config: \(error)")
            return
        }
        let old = runningConfig
        var needRestart: [String] = []
        if new.journal != old.journal { needRestart.append("journal") }
        if new.source != old.source || new.sourceText != old.sourceText { needRestart.append("source") }
        if new.http.listen != old.http.listen { needRestart.append("http.listen") }
        if new.sinks.map(\.name) != old.sinks.map(\.name) { needRestart.append("the list of sinks") }
        if new.migration != old.migration { needRestart.append("migration") }
        var applied = old
        applied.mapping = new.mapping
        applied.retry = new.retry
        sourceWorker.reload(mapping: mapping, retry: new.retry)
        var changed: [String] = []
        for (i, sink) in old.sinks.enumerated() {
            guard let n = new.sink(named: sink.name) else { continue }
            applied.sinks[i] = n
            if n != sink {
                changed.append(sink.name)
                state.updateSink(sink.name) { $0.spec = n.spec.description }
            }
            // Every sink is woken: a stopped one is tried again now (an operator fixed its cause and sent SIGHUP).
            sinkWorkers.first { $0.name == sink.name }?.reload(applied.sinks[i], retry: new.retry)
        }
        runningConfig = applied
        reverseWorker?.reload(applied)
        log.notice("reloaded \(config.file): mapping \(new.mapping ?? "(none)")"
                   + (changed.isEmpty ? "" : "; new settings for sink " + changed.joined(separator: ", "))
                   + (needRestart.isEmpty ? "" : "; not applied (needs a restart): " + needRestart.joined(separator: ", ")))
    }
}

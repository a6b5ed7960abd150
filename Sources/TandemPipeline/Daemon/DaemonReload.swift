import TandemCore
import TandemSources

extension Daemon {
    /// SIGHUP: reads the config file again and applies the mapping and each sink's store, batch size and filter
    /// (and the back-off); the source and each changed sink restart after their batch in hand, and a stopped sink
    /// is tried again at once. A config or mapping that does not load is refused with a log line and the running
    /// one kept. Changes that need a restart (journal, source, HTTP address, the list of sinks) are named in the
    /// log line and not applied.
    public func reload() {
        let new: DaemonConfig
        let mapping: Mapping
        do {
            new = try DaemonConfig.load(path: config.file)
            mapping = try new.mapping.map { path throws(MappingError) in try Mapping.load(path: path) } ?? .passThrough
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
        log.notice("reloaded \(config.file): mapping \(new.mapping ?? "(none)")"
                   + (changed.isEmpty ? "" : "; new settings for sink " + changed.joined(separator: ", "))
                   + (needRestart.isEmpty ? "" : "; not applied (needs a restart): " + needRestart.joined(separator: ", ")))
    }
}

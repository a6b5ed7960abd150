import Foundation
import TandemCore
import TandemJournal
import TandemSinks
import TandemSources

/// What `verify --repair` did: how the keys were journaled (by this process, or by the running daemon), the
/// outcome, and the verify of those keys afterwards.
public struct RepairReport: Sendable {
    /// `journaled by verify (no daemon runs)` or `journaled by the running daemon`.
    public var how: String
    /// The events journaled.
    public var outcome: RepairOutcome
    /// The verify result with the repaired keys checked again.
    public var result: VerifyResult
}

extension Verifier {
    /// The keys of a result's differences, as repair reads them (legacy table and key, new entity and key).
    public func repairKeys(_ result: VerifyResult) throws -> [RepairKey] {
        let entities = try plan()
        return result.differences.compactMap { d in
            guard let e = entities.first(where: { $0.target == d.entity }) else { return nil }
            return RepairKey(source: e.source, sourceKey: e.sourceKey(of: d.key), target: e.target, targetKey: d.key, tenant: d.tenant)
        }
    }

    /// Repairs the result's differences (issue 14): re-reads their keys from legacy and journals them as
    /// `snapshot` events (a `delete` where legacy has no such row), then verifies those keys again once the new
    /// sink has applied them. With no daemon holding the journal's writer lock, this process appends and
    /// replays the journal into the new sink itself; otherwise the request goes to the daemon's spool
    /// (`RepairSpool`) and this waits up to `wait` seconds for it to journal the keys, then for the sink.
    /// - Throws: `VerifyError.repair`/`.repairTimeout`, the journal's and the sink's errors.
    public func repair(_ result: VerifyResult, config: DaemonConfig, wait: Double = 60) throws -> RepairReport {
        let keys = try repairKeys(result)
        guard !keys.isEmpty else { return RepairReport(how: "nothing to repair", outcome: RepairOutcome(), result: result) }
        let how: String, outcome: RepairOutcome
        do {
            let writer = try JournalWriter(directory: config.journal)
            defer { writer.close() }
            outcome = try Repair.journal(keys, legacy: legacy, mapping: mapping, writer: writer, id: RepairSpool.newID())
            how = "journaled by verify (no daemon runs)"
        } catch JournalError.locked {
            outcome = try askDaemon(keys, journal: config.journal, wait: wait)
            how = "journaled by the running daemon"
        }
        if let last = outcome.seqs?.upperBound {
            if how.hasSuffix("(no daemon runs)") { try replayNewSink(config) }
            let deadline = ContinuousClock.now + .milliseconds(Int64(wait * 1000))
            while try appliedSeq() < last {
                guard ContinuousClock.now < deadline else {
                    throw VerifyError.repairTimeout(waitingFor: "the new sink to apply seq \(last)", seconds: wait,
                                                    hint: "`tandem status` shows the sink's state; the repair is journaled and lands when the sink runs")
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        return RepairReport(how: how, outcome: outcome, result: try recheck(result))
    }

    /// Hands the keys to the daemon and waits for its answer.
    private func askDaemon(_ keys: [RepairKey], journal: String, wait: Double) throws -> RepairOutcome {
        let spool = RepairSpool(journal: journal)
        let id = try spool.submit(keys)
        let deadline = ContinuousClock.now + .milliseconds(Int64(wait * 1000))
        while true {
            if let answer = spool.answer(of: id) {
                spool.remove(id)
                return try answer.get()
            }
            guard ContinuousClock.now < deadline else {
                throw VerifyError.repairTimeout(waitingFor: "the daemon holding \(journal) to journal the repair", seconds: wait,
                                                hint: "the request stays in \(spool.directory) and is journaled when `tandem run` next starts")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Applies what the journal holds to the migration's new sink (no daemon does it), as the daemon would.
    private func replayNewSink(_ config: DaemonConfig) throws {
        guard let m = config.migration, let sink = config.sink(named: m.new) else { return }
        let store = try sink.spec.open()
        defer { store.close() }
        let options = ReplayOptions(filter: sink.filter, batchSize: sink.batchSize, follow: false, consumerName: sink.name)
        try Replayer(journal: config.journal, sink: store, options: options).run()
    }

    /// The result with each difference read again on both sides (as the first pass's candidates are):
    /// repaired ones are dropped, the rest stay with how they differ now.
    func recheck(_ result: VerifyResult) throws -> VerifyResult {
        let entities = try plan()
        var r = result
        var candidates: [Candidate] = []
        for d in result.differences {
            r.tenants[d.tenant ?? "", default: TenantCounts()].count(d.kind, by: -1)
            guard let i = entities.firstIndex(where: { $0.target == d.entity }) else { continue }
            candidates.append(Candidate(entity: i, key: d.key, difference: d, fingerprint: 0))
        }
        r.differences = []
        r.settled = 0
        for d in try settle(candidates, entities, result: &r) {
            r.differences.append(d)
            r.tenants[d.tenant ?? "", default: TenantCounts()].count(d.kind, by: 1)
        }
        r.settled = result.settled
        r.finishedAt = Quarantine.now()
        return r
    }
}

extension TenantCounts {
    /// Adds `n` to the count of `kind`.
    mutating func count(_ kind: VerifyDifference.Kind, by n: Int) {
        switch kind {
        case .missing: missing += n
        case .extra: extra += n
        case .different: different += n
        }
    }
}

import Foundation
import TandemCore

extension Verifier {
    /// Re-checks the candidates until each has agreed (a change in flight landed: dropped, counted as settled)
    /// or has differed the same way for `settleSeconds` over at least two re-checks, each made after the sink
    /// applied the journal as far as it went. Returns the persistent differences (after `maxRechecks`, the
    /// ones still changing too: a row rewritten all the time is reported rather than waited for forever).
    func settle(_ candidates: [Candidate], _ entities: [VerifyEntity], result: inout VerifyResult) throws -> [VerifyDifference] {
        guard !candidates.isEmpty else { return [] }
        let clock = ContinuousClock()
        var pending = candidates
        var since = Array(repeating: clock.now, count: pending.count)
        var seen = Array(repeating: 1, count: pending.count)
        for round in 1...max(1, options.maxRechecks) {
            result.consistentAtSeq = try catchUp()
            var next: [Candidate] = [], nextSince: [ContinuousClock.Instant] = [], nextSeen: [Int] = []
            for (i, c) in pending.enumerated() {
                guard let now = try recheck(c, entities[c.entity]) else { result.settled += 1; continue }
                let same = now.fingerprint == c.fingerprint
                next.append(now)
                nextSince.append(same ? since[i] : clock.now)
                nextSeen.append(same ? seen[i] + 1 : 1)
            }
            pending = next; since = nextSince; seen = nextSeen
            let settled = pending.indices.allSatisfy { seen[$0] >= 2 && seconds(clock.now - since[$0]) >= options.settleSeconds }
            if pending.isEmpty || settled || round == options.maxRechecks { break }
            // The oldest unsettled difference decides how long to wait before looking again.
            let waits = pending.indices.map { max(0, options.settleSeconds - seconds(clock.now - since[$0])) }
            Thread.sleep(forTimeInterval: min(max(waits.max() ?? 0, 0.01), options.settleSeconds / 2 + 0.01))
        }
        return pending.map(\.difference)
    }

    /// Waits until the journal holds the legacy change table's newest change as it is now (when legacy has
    /// one; not when ingest stands still a second short of it: a change the mapping sent to quarantine is never
    /// journaled) and the new sink has applied the journal's head, at most `catchUpSeconds` in all; returns the
    /// sink's applied seq.
    func catchUp() throws -> UInt64 {
        let deadline = ContinuousClock.now + .milliseconds(Int64(options.catchUpSeconds * 1000))
        if !changeWaitGaveUp, let change = try legacy.changeHead() {
            // Ingest moves the journal on; when it stands still for a second short of the change (the change
            // went to quarantine, or ingest is stopped), waiting longer would not help.
            var seen = try journaledChange() ?? 0, moved = ContinuousClock.now
            while seen < change {
                guard ContinuousClock.now < deadline, ContinuousClock.now - moved < .seconds(1) else { changeWaitGaveUp = true; break }
                Thread.sleep(forTimeInterval: 0.01)
                let now = try journaledChange() ?? 0
                if now != seen { seen = now; moved = ContinuousClock.now }
            }
        }
        let head = try journalHead()
        var applied = try appliedSeq()
        while applied < head, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
            applied = try appliedSeq()
        }
        return applied
    }

    /// The candidate read again on both sides: nil when they agree now (or the legacy row is refused by the
    /// mapping: it is the quarantine's, reported there).
    func recheck(_ c: Candidate, _ e: VerifyEntity) throws -> Candidate? {
        let l = try legacy.row(e.source, key: e.sourceKey(of: c.key))
        var mapped: (row: Row, key: [Value], tenant: String?)?
        if let l {
            switch e.map(l, mapping) {
            case .failure: return nil
            case .success(let m): mapped = inScope(m.tenant) ? m : nil
            }
        }
        let n = try new.row(e.target, key: c.key).flatMap { inScope(e.tenant(ofNew: $0)) ? $0 : nil }
        guard let d = difference(e, key: c.key.values.map(VerifyValues.stored), legacy: mapped?.row, legacyTenant: mapped?.tenant, new: n) else {
            return nil
        }
        return Candidate(entity: c.entity, key: c.key, difference: d, fingerprint: fingerprint(mapped?.row, n))
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

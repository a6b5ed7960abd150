import Foundation
import TandemCore
import TandemSources

/// Compares the legacy store, seen through the mapping, with the new store while both run (issue 14).
///
/// Each legacy table is read in primary-key chunks; the chunk's mapped keys bound a key range of the new
/// store's table (chunks tile the key space, so a row only the new store has falls in one); the two sides'
/// checksums are compared and only a chunk whose checksums differ is compared row by row. A row that differs
/// is a candidate: it is re-read on both sides after the new sink has applied the journal as far as it went,
/// again and again, and reported only when it differs the same way for `settleSeconds` (a change in flight
/// lands, or changes again, within that).
///
/// - Important: not `Sendable` (it holds the stores' connections); one verify per instance.
public final class Verifier {
    /// How a verify reads and how long it lets a difference settle.
    public struct Options: Sendable {
        /// Legacy rows per chunk (a clean chunk is read in place, so a chunk's cost is mostly its fixed part:
        /// statements, the hand-over between the two readers, the progress saved after it).
        public var chunkRows = 4000
        /// How long a difference must stay the same (while the sink catches up) to be reported.
        public var settleSeconds = 2.0
        /// At most this many re-checks of the candidates.
        public var maxRechecks = 20
        /// How long one re-check waits for the sink to apply what the journal holds.
        public var catchUpSeconds = 10.0
        /// Options.
        public init() {}
    }

    let legacy: any VerifyStore
    let new: any VerifyStore
    let mapping: Mapping
    let scope: VerifyScope
    let options: Options
    let mappingVersion: String
    let appliedSeq: () throws -> UInt64
    let journalHead: () throws -> UInt64
    /// The legacy change id of the journal's newest event (nil: none, or not from a change table).
    let journaledChange: () throws -> Int64?
    /// Where progress is kept after each chunk (nil: a verify always starts from the beginning).
    public var progressStore: VerifyProgressStore?
    /// Set when the journal did not reach legacy's newest change once (its newest change went to quarantine,
    /// or ingest is stopped): later re-checks wait on the sink only.
    var changeWaitGaveUp = false
    /// Chunks compared as rows (their in-place checksums differed, or a legacy row may be refused; every chunk
    /// when a store or the mapping cannot be read in place).
    var rowChunks = 0

    init(legacy: any VerifyStore, new: any VerifyStore, mapping: Mapping, scope: VerifyScope, options: Options, mappingVersion: String,
         appliedSeq: @escaping () throws -> UInt64, journalHead: @escaping () throws -> UInt64,
         journaledChange: @escaping () throws -> Int64?) {
        self.legacy = legacy; self.new = new; self.mapping = mapping; self.scope = scope; self.options = options
        self.mappingVersion = mappingVersion; self.appliedSeq = appliedSeq; self.journalHead = journalHead
        self.journaledChange = journaledChange
    }

    /// Closes both stores.
    public func close() { legacy.close(); new.close() }

    /// A row found different on the first pass, waiting to be re-checked.
    struct Candidate {
        let entity: Int
        let key: Row
        var difference: VerifyDifference
        var fingerprint: UInt64
    }

    /// Runs the verify.
    /// - Throws: `VerifyError` when a store cannot be read or the mapping does not keep the key order.
    public func run() throws -> VerifyResult {
        let started = Quarantine.now()
        var result = VerifyResult(scope: scope, startedAt: started, finishedAt: started, consistentAtSeq: 0, mappingVersion: mappingVersion)
        let entities = try plan()
        var candidates: [Candidate] = []
        // A verify interrupted before goes on from its last chunk, with what it had found.
        let resumed = try progressStore?.load().flatMap(VerifyProgress.init(text:))
        if let p = resumed {
            result.rows = p.rows; result.chunks = p.chunks; result.differingChunks = p.differingChunks
            result.tenants = p.tenants; result.quarantined = p.quarantined
            for (index, key) in p.candidates where entities.indices.contains(index) {
                let placeholder = VerifyDifference(kind: .different, entity: entities[index].target, key: key, tenant: nil, columns: [],
                                                   legacyValues: Row(), newValues: Row())
                if let c = try recheck(Candidate(entity: index, key: key, difference: placeholder, fingerprint: 0), entities[index]) {
                    candidates.append(c)
                }
            }
        }
        for (i, e) in entities.enumerated() where i >= resumed?.entity ?? 0 {
            let from = i == resumed?.entity ? (resumed?.after, resumed?.low) : nil
            try pass(e, index: i, from: from, into: &result, candidates: &candidates) { after, low, r, c in
                guard let store = progressStore else { return }
                var p = VerifyProgress()
                p.entity = i; p.after = after; p.low = low
                p.rows = r.rows; p.chunks = r.chunks; p.differingChunks = r.differingChunks
                p.tenants = r.tenants; p.quarantined = r.quarantined
                p.candidates = c.map { ($0.entity, $0.key) }
                try store.save(p.text)
            }
        }
        result.consistentAtSeq = try appliedSeq()
        let persistent = try settle(candidates, entities, result: &result)
        for d in persistent {
            result.differences.append(d)
            result.tenants[d.tenant ?? "", default: TenantCounts()].count(d.kind, by: 1)
        }
        result.differences.sort { ($0.entity, KeyText.of($0.key)) < ($1.entity, KeyText.of($1.key)) }
        result.finishedAt = Quarantine.now()
        try progressStore?.clear()
        return result
    }

    /// The entities to compare: the mapping's (every legacy table when it lists none), narrowed by the scope.
    func plan() throws -> [VerifyEntity] {
        let all = mapping.entities.isEmpty ? try legacy.tables() : mapping.entities.keys.sorted()
        var chosen = all
        if let wanted = scope.entities {
            chosen = all.filter { wanted.contains($0) || wanted.contains(mapping.entities[$0]?.target ?? $0) }
            for w in wanted where !all.contains(where: { $0 == w || (mapping.entities[$0]?.target ?? $0) == w }) {
                throw VerifyError.noSuchEntity(w, known: all)
            }
        }
        return try chosen.map { source in
            guard let l = try legacy.layout(of: source) else {
                throw VerifyError.store(legacy.label, "no table \"\(source)\" (the mapping lists it)")
            }
            guard !l.key.isEmpty else {
                throw VerifyError.unsupported("\(source) in \(legacy.label) has no primary key: its rows cannot be matched by key")
            }
            let target = mapping.entities[source]?.target ?? source
            return VerifyEntity(source: source, sourceKey: l.key, mapping: mapping, newKey: try new.layout(of: target)?.key)
        }
    }

    func inScope(_ tenant: String?) -> Bool {
        guard let tenants = scope.tenants else { return true }
        return tenant.map(tenants.contains) ?? false
    }
}

/// Where a verify keeps its progress: the text saved after each chunk, loaded when the same verify starts
/// again (same scope and mapping), cleared when it finishes.
public struct VerifyProgressStore {
    /// The saved progress, if any.
    public var load: () throws -> String?
    /// Saves it.
    public var save: (String) throws -> Void
    /// Forgets it.
    public var clear: () throws -> Void

    /// A store from its three parts.
    public init(load: @escaping () throws -> String?, save: @escaping (String) throws -> Void, clear: @escaping () throws -> Void) {
        self.load = load; self.save = save; self.clear = clear
    }
}

/// A key as one line of text (`{"id":7}`), for sorting and messages.
enum KeyText {
    static func of(_ key: Row) -> String {
        var json: [UInt8] = []
        EventJSON.write(key, into: &json)
        return String(decoding: json, as: UTF8.self)
    }
}

import TandemCore
import TandemSources

/// Positions of one source, compared where their form allows it.
enum SourcePositionOrder {
    /// True when `a` is known to come before `b`: both change-table ids (sqlite-changelog), or both offsets in
    /// the same file (jsonl). False when it is later, equal, or cannot be told (other files, other forms).
    static func precedes(_ a: String, _ b: String) -> Bool {
        if let x = Int64(a), let y = Int64(b) { return x < y }
        if let x = FilePosition(a), let y = FilePosition(b), x.device == y.device, x.inode == y.inode { return x.offset < y.offset }
        return false
    }
}

/// What the journal holds for the keys of entries being retried: a retried entry must never make a key older
/// than a change the journal already has for it (the sink would apply the old row last).
struct RetryFreshness {
    /// Journaled changes of the watched keys: seq and the source position of the change (for a retried event,
    /// its entry's own position, not the resume position it carries; nil when unknown).
    private var changes: [RowIdentity: [(seq: UInt64, position: String?)]] = [:]
    /// Journaled truncates of the watched keys' entities (they change every key).
    private var truncates: [ExactText: [(seq: UInt64, position: String?)]] = [:]

    /// Reads the whole journal once for the changes of `keys`; `entryPosition` gives a retried entry's position.
    init(keys: Set<RowIdentity>, journal: any QuarantineRetryJournal, entryPosition: (Int64) throws -> String?) throws {
        guard !keys.isEmpty else { return }
        let prefix = Quarantine.retryTxn(0).dropLast()  // "quarantine:"
        let entities = Set(keys.map(\.entity))
        var found: [RowIdentity: [(seq: UInt64, position: String?)]] = [:]
        var emptied: [ExactText: [(seq: UInt64, position: String?)]] = [:]
        try journal.forEachEvent { e in
            var position: String? { get throws {
                if let t = e.txn, t.hasPrefix(prefix), let id = Int64(t.dropFirst(prefix.count)) { return try entryPosition(id) }
                return e.sourcePosition
            } }
            if e.op == .truncate {
                let entity = ExactText(e.entity)
                if entities.contains(entity) { emptied[entity, default: []].append((e.seq, try position)) }
                return
            }
            let k = RowIdentity(e)
            guard keys.contains(k) else { return }
            found[k, default: []].append((e.seq, try position))
        }
        changes = found
        truncates = emptied
    }

    /// The seq of a journaled change of `key` not known to come before `position` (the newest such), or nil.
    func newer(than position: String, key: RowIdentity) -> UInt64? {
        func isNewer(_ c: (seq: UInt64, position: String?)) -> Bool {
            !(c.position.map { SourcePositionOrder.precedes($0, position) } ?? false)
        }
        let a = changes[key]?.last(where: isNewer)?.seq, b = truncates[key.entity]?.last(where: isNewer)?.seq
        return [a, b].compactMap { $0 }.max()
    }

    /// Notes a change journaled by this retry.
    mutating func record(_ key: RowIdentity, seq: UInt64, position: String) {
        changes[key, default: []].append((seq, position))
    }
}

import TandemCore

/// Decodes the lines of one change log in order, with what a line alone cannot tell: the open wal2json
/// transaction (its `B` line's xid, or a name made from that line's position, and commit time go to the changes up
/// to `C`), and entities fed by more than one table (said once on the log, with the `entity=` that keeps them apart).
final class LineDecoder {
    let format: RawFormat
    let source: String
    let log: @Sendable (String) -> Void
    private var open: (txn: String, committedAt: Timestamp?)?
    private var origins: [String: String] = [:]
    private var merged: Set<String> = []

    init(format: RawFormat, source: String, log: @escaping @Sendable (String) -> Void) {
        self.format = format; self.source = source; self.log = log
    }

    /// Forgets the open transaction: reading goes on from another position.
    func reset() { open = nil }

    /// Decodes the next line of the log.
    func decode(_ line: UnsafeRawBufferPointer, position: String) -> LineDecoding {
        switch format.decodeLine(line, position: position) {
        case .begin(let txn, let committedAt):
            open = (txn ?? "B@" + position, committedAt)
            return .skip
        case .commit:
            open = nil
            return .skip
        case .skip:
            return .skip
        case .failure(let r):
            return .failure(r)
        case .change(var e, let origin):
            if let open {
                if e.txn == nil { e.txn = open.txn }
                if e.committedAt == nil { e.committedAt = open.committedAt }
            }
            if let origin { notice(entity: e.entity, origin: origin) }
            return .change(e)
        }
    }

    private func notice(entity: String, origin: String) {
        guard let first = origins[entity] else { origins[entity] = origin; return }
        guard first != origin, merged.insert(entity).inserted else { return }
        let better = format.naming == .table ? "entity=schema.table or entity=db.schema.table" : "entity=db.schema.table"
        log("\(source): entity \"\(entity)\" receives the changes of both \(first) and \(origin): they merge into one target table; hint: \(better) on the source keeps them apart")
    }
}

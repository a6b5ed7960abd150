import TandemCore

extension Verifier {
    /// One legacy row through the mapping, in scope.
    struct LegacyRow {
        let key: [Value]
        let row: Row
        let tenant: String?
    }

    /// Reads one entity chunk by chunk; counts its rows, collects what the mapping refuses, and turns every
    /// row of a chunk whose checksums differ that is not the same on both sides into a candidate.
    /// Starts after `from` (a resumed verify's chunk boundary) and calls `chunkDone` with the next boundary
    /// after each chunk.
    ///
    /// A chunk is first read in place on both sides (`ChunkHasher`: no row is built); only a chunk whose
    /// checksums differ, or one with a legacy row the mapping might refuse, is read again as rows, over the
    /// same key ranges.
    func pass(_ e: VerifyEntity, index: Int, from: (after: Row?, low: Row?)?, into result: inout VerifyResult, candidates: inout [Candidate],
              chunkDone: (_ after: Row?, _ low: Row?, _ result: VerifyResult, _ candidates: [Candidate]) throws -> Void) throws {
        let hasNewTable = try new.layout(of: e.target) != nil
        var at = ChunkStart(after: from?.after?.values, low: from?.low?.values)
        var names = ValidatedNames()  // the mapped rows' names are checked once, not per row
        let newHasher = ChunkHasher(new: e, scope: scope.tenants)
        // The legacy chunks are read in place by a reader of their own, a chunk or two ahead, when the store can
        // open a second connection; else here, before each chunk of the new store.
        let readerStore = try legacy.reopened()
        let reader = readerStore.map {
            LegacyChunkReader(store: $0, hasher: ChunkHasher(legacy: e, mapping: mapping, scope: scope.tenants), entity: e,
                              after: at.after, previousKey: at.low, limit: options.chunkRows)
        }
        reader?.start()
        defer { reader?.stop(); readerStore?.close() }
        let legacyHasher = ChunkHasher(legacy: e, mapping: mapping, scope: scope.tenants)
        var inPlace = true  // until the legacy store or the mapping rules it out for this entity
        while true {
            var next: ChunkStart?
            var isLast = false
            if inPlace {
                let item: LegacyChunkReader.Item
                if let reader {
                    item = reader.next()
                } else {
                    legacyHasher.start(previousKey: at.low)
                    let read = try legacy.scan(e.source, key: e.sourceKey, after: at.after, through: nil, limit: options.chunkRows, into: legacyHasher)
                    item = read ? .chunk(legacyHasher.chunk) : .rowsOnly
                }
                switch item {
                case .chunk(let l):
                    isLast = l.read < options.chunkRows
                    // The legacy key columns are kept as they are (`ChunkHasher`): the last legacy key is the new
                    // store's upper bound too.
                    let through = isLast ? nil : l.lastKey
                    if !l.needsRows, try newSum(e, hasNewTable, after: at.low, through: through, hasher: newHasher).checksum == l.checksum {
                        result.chunks += 1
                        result.rows += l.rows
                        for (t, n) in l.tenants { result.tenants[t, default: TenantCounts()].rows += n }
                        next = ChunkStart(after: through, low: through ?? at.low)
                    } else {
                        next = try rowChunk(e, index: index, at, through: through, limit: nil, isLast: isLast, hasNewTable: hasNewTable,
                                            names: &names, into: &result, candidates: &candidates)
                    }
                case .rowsOnly:
                    inPlace = false
                case .failed(let error):
                    throw error
                }
            }
            if next == nil {
                let rows = try legacy.rows(e.source, key: e.sourceKey, after: at.after, through: nil, limit: options.chunkRows)
                isLast = rows.count < options.chunkRows
                next = try rowChunk(e, index: index, at, rows: rows, isLast: isLast, hasNewTable: hasNewTable,
                                    names: &names, into: &result, candidates: &candidates)
            }
            at = next!
            if isLast { break }
            try chunkDone(at.after.map { Row(uncheckedNames: e.sourceKey, values: $0) }, at.low.map { Row(uncheckedNames: e.targetKey, values: $0) },
                          result, candidates)
        }
    }

    /// Where a chunk starts: after this legacy key, and after this key of the new store.
    struct ChunkStart {
        var after: [Value]?
        var low: [Value]?
    }

    /// The new store's rows in `(after, through]` (open-ended when nil), in place where the store can.
    func newSum(_ e: VerifyEntity, _ hasNewTable: Bool, after: [Value]?, through: [Value]?, hasher: ChunkHasher) throws -> ChunkSum {
        guard hasNewTable else { return ChunkSum() }
        hasher.start(previousKey: nil)
        if try new.scan(e.target, key: e.targetKey, after: after, through: through, limit: nil, into: hasher) { return hasher.chunk }
        var s = ChunkSum()
        for r in try new.rows(e.target, key: e.targetKey, after: after, through: through, limit: nil) where scope.tenants == nil || inScope(e.tenant(ofNew: r)) {
            s.rows += 1
            s.sum &+= VerifyValues.hash(r)
        }
        return s
    }

    /// One chunk compared as rows: the legacy rows `(at.after, through]` (at most `limit`), the new store's
    /// from `at.low` to the last legacy row's mapped key (open-ended for the last chunk).
    func rowChunk(_ e: VerifyEntity, index: Int, _ at: ChunkStart, through: [Value]?, limit: Int?, isLast: Bool, hasNewTable: Bool,
                  names: inout ValidatedNames, into result: inout VerifyResult, candidates: inout [Candidate]) throws -> ChunkStart {
        let rows = try legacy.rows(e.source, key: e.sourceKey, after: at.after, through: through, limit: limit)
        var next = try rowChunk(e, index: index, at, rows: rows, isLast: isLast, hasNewTable: hasNewTable, names: &names, into: &result, candidates: &candidates)
        if let through { next.after = through }  // the boundary read in place, whatever changed since
        return next
    }

    /// `rowChunk` of legacy rows already read.
    func rowChunk(_ e: VerifyEntity, index: Int, _ at: ChunkStart, rows: [Row], isLast: Bool, hasNewTable: Bool,
                  names: inout ValidatedNames, into result: inout VerifyResult, candidates: inout [Candidate]) throws -> ChunkStart {
        rowChunks += 1
        var mine: [LegacyRow] = []
        var held = Set<[Value]>()
        var lastKey = at.low
        for r in rows {
            switch e.map(r, mapping, names: &names) {
            case .failure(let rejection):
                let tenant = e.tenant(ofLegacy: r)
                guard inScope(tenant) else { continue }
                // Grouped by rule and column: the reason's text quotes the value (customer data, and one group per value).
                result.hold(Row(e.sourceKey.map { ($0, r[$0] ?? .null) }), entity: e.source,
                            reason: rejection.column.map { "\(rejection.rule) on \($0)" } ?? rejection.rule)
                held.insert(e.guessedTargetKey(r))
                result.tenants[tenant ?? "", default: TenantCounts()].quarantined += 1
            case .success(let m):
                // Chunks tile the new store's key space only while mapped keys keep the legacy order.
                if let last = lastKey, VerifyValues.compare(keys: last, m.key) >= 0 {
                    throw VerifyError.keyOrder(entity: e.source, key: KeyText.of(Row(uncheckedNames: e.targetKey, values: m.key)))
                }
                lastKey = m.key
                guard inScope(m.tenant) else { continue }
                mine.append(LegacyRow(key: m.key, row: m.row, tenant: m.tenant))
            }
        }
        // The range (low, upper]: the last chunk is open-ended, so rows only the new store has past the
        // last legacy key are read too.
        let upper = isLast ? nil : lastKey
        let readsNew = hasNewTable && (isLast || upper != nil)
        var newRows = readsNew ? try new.rows(e.target, key: e.targetKey, after: at.low, through: upper, limit: nil) : []
        if scope.tenants != nil { newRows.removeAll { !inScope(e.tenant(ofNew: $0)) } }
        result.chunks += 1
        result.rows += mine.count
        for r in mine { result.tenants[r.tenant ?? "", default: TenantCounts()].rows += 1 }
        if checksum(mine.map(\.row)) != checksum(newRows) {
            result.differingChunks += 1
            candidates += compareRows(e, index: index, mine, newRows, held: held)
        }
        let after = rows.last.map { r in e.sourceKey.map { r[$0] ?? .null } } ?? at.after
        return ChunkStart(after: after, low: upper ?? at.low)
    }

    /// A chunk's checksum: the wrapping sum of its rows' hashes (independent of the order rows are read in).
    func checksum(_ rows: [Row]) -> UInt64 {
        rows.reduce(UInt64(rows.count)) { $0 &+ VerifyValues.hash($1) }
    }

    /// The rows of one chunk that are not the same on both sides.
    func compareRows(_ e: VerifyEntity, index: Int, _ legacyRows: [LegacyRow], _ newRows: [Row], held: Set<[Value]>) -> [Candidate] {
        var byKey: [[Value]: Row] = [:]
        for r in newRows { byKey[e.targetKeyValues(r)] = r }
        var out: [Candidate] = []
        for l in legacyRows {
            let n = byKey.removeValue(forKey: l.key)
            if let d = difference(e, key: l.key, legacy: l.row, legacyTenant: l.tenant, new: n) {
                out.append(Candidate(entity: index, key: d.key, difference: d, fingerprint: fingerprint(l.row, n)))
            }
        }
        for (key, n) in byKey where !held.contains(key) {
            if let d = difference(e, key: key, legacy: nil, legacyTenant: nil, new: n) {
                out.append(Candidate(entity: index, key: d.key, difference: d, fingerprint: fingerprint(nil, n)))
            }
        }
        return out
    }

    /// How the legacy row (mapped, as stored) and the new store's row of one key differ; nil when they agree.
    func difference(_ e: VerifyEntity, key: [Value], legacy l: Row?, legacyTenant: String?, new n: Row?) -> VerifyDifference? {
        let keyRow = Row(uncheckedNames: e.targetKey, values: key)
        switch (l, n) {
        case (nil, nil): return nil
        case (_?, nil):
            return VerifyDifference(kind: .missing, entity: e.target, key: keyRow, tenant: legacyTenant, columns: [], legacyValues: Row(), newValues: Row())
        case (nil, let n?):
            return VerifyDifference(kind: .extra, entity: e.target, key: keyRow, tenant: e.tenant(ofNew: n), columns: [], legacyValues: Row(), newValues: Row())
        case (let l?, let n?):
            let columns = VerifyValues.differingColumns(legacy: l, new: n)
            guard !columns.isEmpty else { return nil }
            return VerifyDifference(kind: .different, entity: e.target, key: keyRow, tenant: legacyTenant ?? e.tenant(ofNew: n), columns: columns,
                                    legacyValues: Row(columns.map { ($0, l[$0] ?? .null) }), newValues: Row(columns.map { ($0, n[$0] ?? .null) }))
        }
    }

    /// What a candidate looks like now: both rows' hashes (a missing row hashes as none).
    func fingerprint(_ l: Row?, _ n: Row?) -> UInt64 {
        var h = Hasher64()
        h.add(l.map(VerifyValues.hash) ?? 0)
        h.add(n.map(VerifyValues.hash) ?? 0)
        return h.value
    }
}

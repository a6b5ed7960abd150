import Foundation
import TandemCore
import TandemSQLite
import TandemSources

/// A JSON-lines change log (`jsonl:PATH?format=tandem|debezium|…`) read for an audit: its changes are applied,
/// in order, to a private temporary SQLite database (a table per entity, keyed like the changes, a column per
/// name seen), which is then audited like a SQLite source. Memory stays bounded (SQLite pages spill to the
/// temporary file); the file is deleted on `close`. Lines that do not decode are counted, not applied.
public final class ChangeLogAuditStore: AuditStore {
    let inner: SQLiteAuditStore
    let directory: String
    public let description: String
    /// When each column was last written, and by which tenants.
    public private(set) var writes = WriteTracker()
    /// Lines that are not changes of the format (counted, not applied).
    public private(set) var badLines = 0

    /// Reads the whole change log into the temporary database.
    /// - Throws: `AuditError.usage` for a bad spec, `.missing` when the file is not there.
    public init(spec text: String, tenantColumn: String?) throws {
        let spec: SourceSpec
        do { spec = try SourceSpec.parse(text) } catch { throw AuditError.usage("\(error)") }
        guard spec.kind == .jsonl else { throw AuditError.usage("expected jsonl:PATH[?format=…]") }
        guard let handle = FileHandle(forReadingAtPath: spec.path) else { throw AuditError.missing(path: spec.path, what: "no such change-log file") }
        defer { try? handle.close() }
        description = "jsonl:\(spec.path)?\(spec.format.options)"
        directory = NSTemporaryDirectory() + "tandem-audit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/changes.db"
        var tracker = WriteTracker(), bad = 0
        do {
            let db = try Database(path: path)
            try db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            var applier = ChangeApplier(db: db)
            try db.transaction {
                var pending: [UInt8] = []
                var lineNumber = 0
                func line(_ bytes: ArraySlice<UInt8>) throws {
                    lineNumber += 1
                    guard !bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) else { return }
                    switch bytes.withUnsafeBytes({ spec.format.decode($0, position: "\(lineNumber)") }) {
                    case .change(let e):
                        // An update without a before-image: the row as the log left it tells what changed.
                        let previous = e.op == .update && e.before == nil ? try applier.current(e) : nil
                        tracker.record(e, previous: previous, tenantColumn: tenantColumn)
                        try applier.apply(e)
                    case .skip: break
                    case .failure: bad += 1
                    }
                }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                    pending.append(contentsOf: chunk)
                    var start = 0
                    while let nl = pending[start...].firstIndex(of: 10) {
                        try line(pending[start..<nl])
                        start = nl + 1
                    }
                    pending.removeFirst(start)
                }
                if !pending.isEmpty { try line(pending[...]) }
            }
            db.close()
        } catch let e as AuditError { throw e } catch {
            throw AuditError.storage(source: description, message: "\(error)")
        }
        writes = tracker
        badLines = bad
        inner = try SQLiteAuditStore(path: path)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    public func entities() throws -> [EntityInfo] { try inner.entities() }
    public func estimatedRows(_ entity: EntityInfo) throws -> Int { try inner.estimatedRows(entity) }
    public func scan(_ entity: EntityInfo, sample: Int?, _ body: (any AuditRow) throws -> Void) throws { try inner.scan(entity, sample: sample, body) }
    public func normalizedDuplicates(_ entity: EntityInfo, column: String, tenantColumn: String?) throws -> KeyCheckResult {
        try inner.normalizedDuplicates(entity, column: column, tenantColumn: tenantColumn)
    }
    public func orphans(_ entity: EntityInfo, _ reference: EntityInfo.Reference, tenantColumn: String?) throws -> KeyCheckResult {
        try inner.orphans(entity, reference, tenantColumn: tenantColumn)
    }
    public func columnWrites(tenantColumn: String?) throws -> WriteTracker? { writes }
}

/// Applies changes to per-entity tables of a scratch SQLite database, creating tables and columns as they
/// appear (the key columns of an entity's first change are its primary key).
struct ChangeApplier {
    let db: Database
    var tables: [String: (key: [String], columns: Set<String>)] = [:]

    init(db: Database) { self.db = db }

    static func ident(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// A value as SQLite stores what a legacy table would hold.
    static func stored(_ v: Value) -> Value {
        switch v {
        case .bool(let b): return .int(b ? 1 : 0)
        case .decimal(let d): return Double(d).map(Value.double) ?? .string(d)
        default: return v
        }
    }

    /// The stored row of the change's key, nil when there is none.
    func current(_ event: Event) throws -> Row? {
        let e = Self.key(event)
        guard let key = tables[e.entity]?.key, !key.isEmpty else { return nil }
        let st = try db.cachedStatement("SELECT * FROM \(Self.ident(e.entity)) WHERE \(key.enumerated().map { "\(Self.ident($0.element)) = ?\($0.offset + 1)" }.joined(separator: " AND "))")
        for (i, k) in key.enumerated() { try st.bind(Self.stored(e.key[k] ?? .null), at: Int32(i + 1)) }
        defer { try? st.reset() }
        guard try st.step() else { return nil }
        var row = Row()
        for i in 0..<st.columnCount { row.appendUnchecked(st.columnName(i), st.value(at: i)) }
        return row
    }

    /// The change's key, or — as ingest without a mapping does — its column `id` when it names none.
    static func key(_ e: Event) -> Event {
        guard e.key.isEmpty, let id = (e.after ?? e.before)?["id"], !id.isNull else { return e }
        var keyed = e
        keyed.key = ["id": id]
        return keyed
    }

    mutating func apply(_ event: Event) throws {
        let e = Self.key(event)
        let t = Self.ident(e.entity)
        if tables[e.entity] == nil {
            let key = e.key.names
            let cols = key.map(Self.ident)
            try db.execute("CREATE TABLE \(t) (\(cols.joined(separator: ", "))\(key.isEmpty ? "_rowid INTEGER" : ", PRIMARY KEY (\(cols.joined(separator: ", ")))"))")
            tables[e.entity] = (key, Set(key))
        }
        let key = tables[e.entity]!.key
        switch e.op {
        case .truncate:
            try db.execute("DELETE FROM \(t)")
        case .delete:
            guard !key.isEmpty else { return }
            let st = try db.cachedStatement("DELETE FROM \(t) WHERE \(key.enumerated().map { "\(Self.ident($0.element)) = ?\($0.offset + 1)" }.joined(separator: " AND "))")
            for (i, k) in key.enumerated() { try st.bind(Self.stored(e.key[k] ?? .null), at: Int32(i + 1)) }
            try st.execute()
        case .insert, .update, .snapshot:
            guard let after = e.after else { return }
            var row = after
            for (k, v) in e.key.columns where row[k] == nil { row.appendUnchecked(k, v) }
            for name in row.names where !tables[e.entity]!.columns.contains(name) {
                try db.execute("ALTER TABLE \(t) ADD COLUMN \(Self.ident(name))")
                tables[e.entity]!.columns.insert(name)
                db.clearStatementCache()
            }
            let names = row.names
            var sql = "INSERT INTO \(t) (\(names.map(Self.ident).joined(separator: ", "))) VALUES (\(names.indices.map { "?\($0 + 1)" }.joined(separator: ", ")))"
            let rest = names.filter { !key.contains($0) }
            if !key.isEmpty {
                sql += " ON CONFLICT (\(key.map(Self.ident).joined(separator: ", "))) DO " + (rest.isEmpty ? "NOTHING" : "UPDATE SET \(rest.map { "\(Self.ident($0)) = excluded.\(Self.ident($0))" }.joined(separator: ", "))")
            }
            let st = try db.cachedStatement(sql)
            for (i, v) in row.values.enumerated() { try st.bind(Self.stored(v), at: Int32(i + 1)) }
            try st.execute()
        }
    }
}

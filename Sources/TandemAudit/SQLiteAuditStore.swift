import Foundation
import TandemCore
import TandemSQLite

/// Errors of `tandem audit`: what, where, and what to do.
public enum AuditError: CategorizedError, CustomStringConvertible, Sendable {
    /// The --source, --entities, --tenant-column or --sample given cannot be used.
    case usage(String)
    /// The store cannot be opened.
    case missing(path: String, what: String)
    /// The database server cannot be reached (the message names no password).
    case unavailable(source: String, message: String)
    /// The store failed while being read.
    case storage(source: String, message: String)
    /// The report cannot be written.
    case output(path: String, message: String)

    /// The kind of failure (the CLI's exit code).
    public var category: ErrorCategory {
        switch self {
        case .usage: return .usage
        case .missing: return .noInput
        case .unavailable: return .unavailable
        case .storage: return .ioError
        case .output: return .cannotCreate
        }
    }

    public var description: String {
        switch self {
        case .usage(let m): return "audit: \(m)"
        case .missing(let p, let w): return "audit: \(p): \(w); hint: check the PATH of sqlite:PATH"
        case .unavailable(let s, let m): return "audit: cannot reach \(s): \(m); hint: check the server and the connection string"
        case .storage(let s, let m): return "audit: reading \(s) failed: \(m)"
        case .output(let p, let m): return "audit: cannot write \(p): \(m)"
        }
    }
}

/// A SQLite legacy database read for an audit: opened read-only, never written.
public final class SQLiteAuditStore: AuditStore {
    let db: Database
    public let description: String

    /// Opens `path` read-only.
    /// - Throws: `AuditError.missing` when it is not there or not a database.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw AuditError.missing(path: path, what: isDirectory.boolValue ? "is a directory, not a database" : "no such database")
        }
        do {
            db = try Database(path: path, mode: .readOnly)
            _ = try db.scalar("SELECT count(*) FROM sqlite_master")
        } catch {
            throw AuditError.missing(path: path, what: "not a SQLite database (\(error))")
        }
        description = "sqlite:\(path)"
    }

    func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as AuditError { throw e } catch {
            throw AuditError.storage(source: description, message: "\(error)")
        }
    }

    static func ident(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    public func entities() throws -> [EntityInfo] {
        try wrap {
            let names = try db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_tandem\\_%' ESCAPE '\\' ORDER BY name")
            var out: [EntityInfo] = []
            while try names.step() { out.append(try entity(names.text(0))) }
            return EntityInfo.inferReferences(out)
        }
    }

    func entity(_ name: String) throws -> EntityInfo {
        let info = try db.prepare("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid")
        try info.bind(name, at: 1)
        var columns: [EntityInfo.Column] = [], pk: [(Int64, String)] = []
        while try info.step() {
            columns.append(.init(name: info.text(0), declaredType: info.text(1)))
            if info.int64(2) > 0 { pk.append((info.int64(2), info.text(0))) }
        }
        let fks = try db.prepare("SELECT \"from\", \"table\", \"to\", id FROM pragma_foreign_key_list(?)")
        try fks.bind(name, at: 1)
        var refs: [EntityInfo.Reference] = [], perID: [Int64: Int] = [:]
        var raw: [(String, String, String?, Int64)] = []
        while try fks.step() {
            raw.append((fks.text(0), fks.text(1), fks.isNull(2) ? nil : fks.text(2), fks.int64(3)))
            perID[fks.int64(3), default: 0] += 1
        }
        for (from, table, to, id) in raw where perID[id] == 1 {  // composite foreign keys are not checked
            let target = to ?? (try? primaryKey(of: table).first) ?? "rowid"
            refs.append(.init(column: from, table: table, referencedColumn: target, declared: true))
        }
        var unique: [String] = []
        let idx = try db.prepare("SELECT il.name FROM pragma_index_list(?) il WHERE il.\"unique\" = 1 AND il.origin <> 'pk' AND (SELECT count(*) FROM pragma_index_info(il.name)) = 1")
        try idx.bind(name, at: 1)
        var indexes: [String] = []
        while try idx.step() { indexes.append(idx.text(0)) }
        for i in indexes {
            let col = try db.prepare("SELECT name FROM pragma_index_info(?)")
            try col.bind(i, at: 1)
            if try col.step(), !col.isNull(0) { unique.append(col.text(0)) }
        }
        return EntityInfo(name: name, columns: columns, primaryKey: pk.sorted { $0.0 < $1.0 }.map(\.1),
                          uniqueColumns: unique, references: refs)
    }

    func primaryKey(of table: String) throws -> [String] {
        let info = try db.prepare("SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk")
        try info.bind(table, at: 1)
        var out: [String] = []
        while try info.step() { out.append(info.text(0)) }
        return out
    }

    public func estimatedRows(_ entity: EntityInfo) throws -> Int {
        try wrap { count("SELECT max(rowid) FROM \(Self.ident(entity.name))") }
    }

    /// The integer a one-value query returns, 0 when it fails (e.g. max(rowid) of a WITHOUT ROWID table).
    func count(_ sql: String) -> Int {
        if case .int(let n)? = try? db.scalar(sql) { return Int(n) }
        return 0
    }

    /// Without a primary key the row id names the row (every table the audit reads is a rowid table then).
    func keySelect(_ e: EntityInfo) -> [String] { e.primaryKey.isEmpty ? ["rowid"] : e.primaryKey.map(Self.ident) }

    public func scan(_ entity: EntityInfo, sample: Int?, _ body: (any AuditRow) throws -> Void) throws {
        let cols = entity.columns.map { Self.ident($0.name) } + keySelect(entity)
        var sql = "SELECT \(cols.joined(separator: ", ")) FROM \(Self.ident(entity.name))"
        if let sample {
            // Every k-th row by rowid: spread over the table, not its first rows.
            let total = try wrap { count("SELECT count(*) FROM \(Self.ident(entity.name))") }
            let step = Swift.max(1, total / Swift.max(sample, 1))
            let hasRowid = (try? db.prepare("SELECT rowid FROM \(Self.ident(entity.name)) LIMIT 0")) != nil
            sql += hasRowid ? " WHERE rowid % \(step) = 0 LIMIT \(sample)" : " LIMIT \(sample)"
        }
        let st = try wrap { try db.prepare(sql) }
        let row = SQLiteRow(statement: st, keyStart: entity.columns.count, keyCount: Int32(cols.count - entity.columns.count),
                            rowid: entity.primaryKey.isEmpty)
        while try wrap({ try st.step() }) { try body(row) }
    }

    public func normalizedDuplicates(_ entity: EntityInfo, column: String, tenantColumn: String?) throws -> KeyCheckResult {
        let t = Self.ident(entity.name), c = Self.ident(column)
        let key = keySelect(entity).map { "t.\($0)" }.joined(separator: " || '|' || ")
        // Rows whose normalised value another row has too, except the first (lowest key) of each group.
        let dup = """
            WITH n AS (SELECT lower(trim(\(c))) AS v FROM \(t) WHERE typeof(\(c)) = 'text' GROUP BY 1 HAVING count(*) > 1),
                 d AS (SELECT \(key) AS k, \(tenantColumn.map { "t.\(Self.ident($0))" } ?? "NULL") AS tenant,
                              row_number() OVER (PARTITION BY lower(trim(t.\(c))) ORDER BY \(keySelect(entity).map { "t.\($0)" }.joined(separator: ", "))) AS r
                       FROM \(t) t WHERE typeof(t.\(c)) = 'text' AND lower(trim(t.\(c))) IN (SELECT v FROM n))
            SELECT k, tenant FROM d WHERE r > 1
            """
        return try collect(dup)
    }

    public func orphans(_ entity: EntityInfo, _ r: EntityInfo.Reference, tenantColumn: String?) throws -> KeyCheckResult {
        let t = Self.ident(entity.name), c = Self.ident(r.column)
        let key = keySelect(entity).map { "t.\($0)" }.joined(separator: " || '|' || ")
        let tenant = tenantColumn.map { "t.\(Self.ident($0))" } ?? "NULL"
        // A foreign key to a table the database does not have: every reference is an orphan.
        let exists = try wrap { try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '\(r.table.replacingOccurrences(of: "'", with: "''"))' COLLATE NOCASE") != nil }
        guard exists else {
            var result = try collect("SELECT \(key), \(tenant) FROM \(t) t WHERE t.\(c) IS NOT NULL")
            result.missingTable = true
            return result
        }
        let sql = """
            SELECT \(key), \(tenant) FROM \(t) t
            WHERE t.\(c) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(Self.ident(r.table)) p WHERE p.\(Self.ident(r.referencedColumn)) = t.\(c))
            """
        return try collect(sql)
    }

    /// With Tandem's change table (`_tandem_changes`, from `tandem source install-triggers`): every recorded
    /// change, streamed in order, tells when each column was last written and by which tenants.
    public func columnWrites(tenantColumn: String?) throws -> WriteTracker? {
        try wrap {
            guard try db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_tandem_changes'") != nil else { return nil }
            var tracker = WriteTracker()
            let st = try db.prepare("SELECT \"table\", op, before, after, time FROM _tandem_changes ORDER BY id")
            while try st.step() {
                guard let op = ChangeKind(rawValue: st.text(1)) else { continue }
                let time = try? Timestamp(rfc3339: st.text(4))
                let e = Event(committedAt: time, entity: st.text(0), key: Row(), op: op,
                              before: st.isNull(2) ? nil : Self.image(st.text(2)), after: st.isNull(3) ? nil : Self.image(st.text(3)))
                tracker.record(e, tenantColumn: tenantColumn)
            }
            return tracker
        }
    }

    /// A trigger's JSON image as a row of comparable values (strings and integers as themselves, anything
    /// else as its JSON text): enough to tell which columns changed and to read a tenant.
    static func image(_ json: String) -> Row? {
        guard case .object(let members)? = try? JSONValue.parse(json) else { return nil }
        var row = Row()
        for (k, v) in members {
            switch v {
            case .null: row.appendUnchecked(k, .null)
            case .string(let s): row.appendUnchecked(k, .string(s))
            default:
                var b: [UInt8] = []
                v.write(into: &b)
                let text = String(decoding: b, as: UTF8.self)
                row.appendUnchecked(k, Int64(text).map(Value.int) ?? .string(text))
            }
        }
        return row
    }

    /// Counts the rows of a (key, tenant) query, keeping five keys and the count per tenant.
    func collect(_ sql: String) throws -> KeyCheckResult {
        try wrap {
            let st = try db.prepare(sql)
            var out = KeyCheckResult(count: 0, examples: [], byTenant: [:])
            while try st.step() {
                out.count += 1
                if out.examples.count < 5 { out.examples.append(AuditText.short(st.text(0))) }
                if !st.isNull(1) { out.byTenant[st.text(1), default: 0] += 1 }
            }
            return out
        }
    }
}

/// The current row of a SQLite scan.
struct SQLiteRow: AuditRow {
    let statement: Statement
    let keyStart: Int
    let keyCount: Int32
    let rowid: Bool

    func cell(_ index: Int) -> Cell { Self.cell(statement, Int32(index)) }

    /// Every cell of the current row (this runs for every cell: `Statement`'s column reads are inlinable).
    func cells(into cells: UnsafeMutableBufferPointer<Cell>) {
        for i in cells.indices { cells[i] = Self.cell(statement, Int32(i)) }
    }

    /// A cell of the current row: text as its stored bytes (not decoded: a profiler must see invalid UTF-8).
    @inline(__always) static func cell(_ s: Statement, _ i: Int32) -> Cell {
        switch s.storageClass(i) {
        case .integer: return .int(s.int64(i))
        case .real: return .double(s.double(i))
        case .text: return .text(s.rawText(i))
        case .blob: return .blob(count: s.byteCount(i))
        case .null: return .null
        }
    }

    func value(_ index: Int) -> Value { statement.value(at: Int32(index)) }

    func keyText() -> String {
        var parts: [String] = []
        for k in 0..<keyCount {
            let i = Int32(keyStart) + k
            parts.append(statement.isNull(i) ? "null" : statement.text(i))
        }
        let text = parts.joined(separator: "|")
        return AuditText.short(rowid ? "rowid=" + text : text)
    }
}

/// Text as the report shows it: control characters escaped, cut to 64 characters.
enum AuditText {
    static func short(_ s: String, _ limit: Int = 64) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            if out.unicodeScalars.count >= limit { out += "…"; break }
            if ch.value < 0x20 || (0x7F..<0xA0).contains(ch.value) { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
        }
        return out
    }
}

import Foundation
import TandemCore
import TandemPostgres

/// A PostgreSQL legacy database read for an audit (libpq URI or key=value string), schema `public` unless the
/// connection's search_path says otherwise. Rows stream through a cursor, `fetchRows` at a time, inside one
/// read-only transaction; values arrive as text and are typed by the column's declared type (integers,
/// floats and numerics as numbers, booleans as 1/0, bytea as bytes), so the profile matches SQLite's for the
/// same data.
public final class PostgresAuditStore: AuditStore {
    let connection: PostgresConnection
    public let description: String
    /// Rows per cursor fetch: the memory a scan holds at once.
    public static let fetchRows = 2000
    var types: [String: [String: String]] = [:]

    /// Connects.
    /// - Throws: `AuditError.usage` for a string libpq cannot parse, `.unavailable` when the server cannot be reached.
    public init(conninfo: String) throws {
        let redactor: PostgresRedactor
        do { redactor = try PostgresRedactor(conninfo: conninfo) } catch {
            throw AuditError.usage("cannot parse the PostgreSQL connection string (not shown: it may hold a password)")
        }
        description = redactor.target
        do { connection = try PostgresConnection(conninfo: conninfo, redactor: redactor) } catch {
            throw AuditError.unavailable(source: redactor.target, message: "\(error)")
        }
    }

    deinit { connection.close() }

    func q(_ sql: String, _ params: [String?] = []) throws -> PostgresRows {
        do { return try connection.query(sql, params) } catch {
            throw AuditError.storage(source: description, message: "\(error)")
        }
    }

    static func ident(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    public func entities() throws -> [EntityInfo] {
        let tables = try q("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() AND c.relname NOT LIKE '\\_tandem\\_%' ORDER BY c.relname COLLATE \"C\"")
        var out: [EntityInfo] = []
        for r in 0..<tables.count { out.append(try entity(tables[r, 0]!)) }
        return EntityInfo.inferReferences(out)
    }

    func entity(_ name: String) throws -> EntityInfo {
        let oid = "(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = $1)"
        let cols = try q("SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = \(oid) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", [name])
        var columns: [EntityInfo.Column] = [], kinds: [String: String] = [:]
        for r in 0..<cols.count {
            columns.append(.init(name: cols[r, 0]!, declaredType: cols[r, 1]!))
            switch cols[r, 2]! {
            case "int2", "int4", "int8": kinds[cols[r, 0]!] = "int"
            case "float4", "float8", "numeric": kinds[cols[r, 0]!] = "float"
            case "bool": kinds[cols[r, 0]!] = "bool"
            case "bytea": kinds[cols[r, 0]!] = "bytea"
            default: kinds[cols[r, 0]!] = "text"
            }
        }
        types[name] = kinds
        let pk = try q("SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE i.indrelid = \(oid) AND i.indisprimary ORDER BY k.n", [name])
        let unique = try q("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = \(oid) AND i.indisunique AND NOT i.indisprimary AND i.indnatts = 1", [name])
        let fks = try q("SELECT a.attname, fc.relname, fa.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] JOIN pg_class fc ON fc.oid = c.confrelid JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1] WHERE c.conrelid = \(oid) AND c.contype = 'f' AND array_length(c.conkey, 1) = 1 ORDER BY c.conname", [name])
        return EntityInfo(name: name, columns: columns, primaryKey: (0..<pk.count).map { pk[$0, 0]! },
                          uniqueColumns: (0..<unique.count).map { unique[$0, 0]! },
                          references: (0..<fks.count).map { .init(column: fks[$0, 0]!, table: fks[$0, 1]!, referencedColumn: fks[$0, 2]!, declared: true) })
    }

    public func estimatedRows(_ entity: EntityInfo) throws -> Int {
        let r = try q("SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = $1", [entity.name])
        return r.count > 0 ? Int(r[0, 0] ?? "0") ?? 0 : 0
    }

    /// Without a primary key the tuple id names the row.
    func keySelect(_ e: EntityInfo) -> [String] { e.primaryKey.isEmpty ? ["ctid"] : e.primaryKey.map(Self.ident) }

    public func scan(_ entity: EntityInfo, sample: Int?, _ body: (any AuditRow) throws -> Void) throws {
        let t = Self.ident(entity.name)
        let keys = keySelect(entity)
        var select = "SELECT \((entity.columns.map { Self.ident($0.name) } + keys.map { "\($0)::text" }).joined(separator: ", ")) FROM \(t)"
        if let sample {
            let total = Int(try q("SELECT count(*) FROM \(t)")[0, 0] ?? "0") ?? 0
            let step = Swift.max(1, total / Swift.max(sample, 1))
            select = "SELECT * FROM (\(select.replacingOccurrences(of: " FROM \(t)", with: ", row_number() OVER () AS _rn FROM \(t)"))) s WHERE _rn % \(step) = 0 LIMIT \(sample)"
        }
        let kinds = entity.columns.map { types[entity.name]?[$0.name] ?? "text" }
        _ = try q("BEGIN READ ONLY")
        defer { _ = try? q("COMMIT") }
        _ = try q("DECLARE tandem_audit NO SCROLL CURSOR FOR \(select)")
        let row = PostgresRow(kinds: kinds, keyCount: keys.count, ctid: entity.primaryKey.isEmpty)
        while true {
            let batch = try q("FETCH \(Self.fetchRows) FROM tandem_audit")
            if batch.count == 0 { break }
            for r in 0..<batch.count {
                row.load(batch, r)
                try body(row)
            }
        }
        _ = try q("CLOSE tandem_audit")
    }

    public func normalizedDuplicates(_ entity: EntityInfo, column: String, tenantColumn: String?) throws -> KeyCheckResult {
        let t = Self.ident(entity.name), c = Self.ident(column)
        let keys = keySelect(entity).map { "t.\($0)" }
        let sql = """
            WITH d AS (SELECT \(keys.map { "\($0)::text" }.joined(separator: " || '|' || ")) AS k, \(tenantColumn.map { "t.\(Self.ident($0))::text" } ?? "NULL::text") AS tenant,
                              count(*) OVER (PARTITION BY lower(trim(t.\(c)::text))) AS n,
                              row_number() OVER (PARTITION BY lower(trim(t.\(c)::text)) ORDER BY \(keys.joined(separator: ", "))) AS r
                       FROM \(t) t WHERE t.\(c) IS NOT NULL)
            SELECT k, tenant FROM d WHERE n > 1 AND r > 1 ORDER BY k COLLATE "C"
            """
        return try collect(sql)
    }

    public func orphans(_ entity: EntityInfo, _ r: EntityInfo.Reference, tenantColumn: String?) throws -> KeyCheckResult {
        let t = Self.ident(entity.name), c = Self.ident(r.column)
        let key = keySelect(entity).map { "t.\($0)::text" }.joined(separator: " || '|' || ")
        let tenant = tenantColumn.map { "t.\(Self.ident($0))::text" } ?? "NULL::text"
        let exists = try q("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = $1", [r.table]).count > 0
        guard exists else {
            var out = try collect("SELECT \(key), \(tenant) FROM \(t) t WHERE t.\(c) IS NOT NULL ORDER BY \(keySelect(entity).map { "t.\($0)" }.joined(separator: ", "))")
            out.missingTable = true
            return out
        }
        // Compared as text: an inferred reference may join an integer column to a text key.
        return try collect("""
            SELECT \(key), \(tenant) FROM \(t) t
            WHERE t.\(c) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \(Self.ident(r.table)) p WHERE p.\(Self.ident(r.referencedColumn))::text = t.\(c)::text)
            ORDER BY \(keySelect(entity).map { "t.\($0)" }.joined(separator: ", "))
            """)
    }

    /// Counts the rows of a (key, tenant) query through a cursor, keeping five keys and the count per tenant.
    func collect(_ sql: String) throws -> KeyCheckResult {
        _ = try q("BEGIN READ ONLY")
        defer { _ = try? q("COMMIT") }
        _ = try q("DECLARE tandem_check NO SCROLL CURSOR FOR \(sql)")
        var out = KeyCheckResult(count: 0, examples: [], byTenant: [:])
        while true {
            let batch = try q("FETCH \(Self.fetchRows) FROM tandem_check")
            if batch.count == 0 { break }
            for r in 0..<batch.count {
                out.count += 1
                if out.examples.count < 5 { out.examples.append(AuditText.short(batch[r, 0] ?? "null")) }
                if let t = batch[r, 1] { out.byTenant[t, default: 0] += 1 }
            }
        }
        return out
    }
}

/// The current row of a PostgreSQL scan: its text values copied into one buffer this row owns (valid until
/// the next row), typed by the columns' type categories.
final class PostgresRow: AuditRow {
    let kinds: [String]
    let keyCount: Int
    let ctid: Bool
    private var buffer: [UInt8] = []
    private var spans: [Range<Int>?] = []
    private var storage: UnsafeMutableRawBufferPointer

    init(kinds: [String], keyCount: Int, ctid: Bool) {
        self.kinds = kinds
        self.keyCount = keyCount
        self.ctid = ctid
        storage = .allocate(byteCount: 4096, alignment: 8)
    }

    deinit { storage.deallocate() }

    func load(_ rows: PostgresRows, _ r: Int) {
        buffer.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        for c in 0..<(kinds.count + keyCount) {
            guard let v = rows[r, c] else { spans.append(nil); continue }
            let start = buffer.count
            buffer.append(contentsOf: v.utf8)
            spans.append(start..<buffer.count)
        }
        if buffer.count > storage.count {
            storage.deallocate()
            storage = .allocate(byteCount: Swift.max(buffer.count, storage.count * 2), alignment: 8)
        }
        buffer.withUnsafeBytes { storage.copyMemory(from: $0) }
    }

    private func bytes(_ span: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[span])
    }

    private func text(_ i: Int) -> String? { spans[i].map { String(decoding: bytes($0), as: UTF8.self) } }

    func cell(_ index: Int) -> Cell {
        guard let span = spans[index] else { return .null }
        switch kinds[index] {
        case "int":
            return Int64(String(decoding: bytes(span), as: UTF8.self)).map(Cell.int) ?? .text(bytes(span))
        case "float":
            return Double(String(decoding: bytes(span), as: UTF8.self)).map(Cell.double) ?? .text(bytes(span))
        case "bool": return .int(bytes(span).first == UInt8(ascii: "t") ? 1 : 0)
        case "bytea": return .blob(count: Swift.max(0, (span.count - 2) / 2))
        default: return .text(bytes(span))
        }
    }

    func value(_ index: Int) -> Value {
        switch cell(index) {
        case .null: return .null
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .text(let b): return .string(String(decoding: b, as: UTF8.self))
        case .blob: return .string(text(index) ?? "")
        }
    }

    func keyText() -> String {
        let parts = (kinds.count..<(kinds.count + keyCount)).map { text($0) ?? "null" }
        return AuditText.short((ctid ? "ctid=" : "") + parts.joined(separator: "|"))
    }
}

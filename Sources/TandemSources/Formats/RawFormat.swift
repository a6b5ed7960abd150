import TandemCore

/// How raw source input is decoded into a change: the line format and how entity names are formed. Stored with
/// quarantine entries (as `rawValue`) so `retry` decodes a line the way ingest did.
public struct RawFormat: Sendable, Hashable {
    /// The line formats.
    public enum Kind: String, Sendable, CaseIterable {
        /// Tandem's own event JSON, one event a line.
        case tandem
        /// A Debezium change-event envelope, with or without the schema/payload wrapper.
        case debezium
        /// A Debezium record flattened by the ExtractNewRecordState SMT (`__op`, `__table`, `__deleted`, …).
        case debeziumFlat = "debezium-flat"
        /// A Maxwell's daemon row (`database`, `table`, `type`, `data`, `old`, …).
        case maxwell
        /// A wal2json format-version 2 object (`action`, `schema`, `table`, `columns`, `identity`, …).
        case wal2json
    }

    /// The line format.
    public var kind: Kind
    /// How entity names are formed from the source's database, schema and table; nil: the default (`schema.table`).
    public var entity: EntityNaming?

    /// A format, with the default entity naming unless one is given.
    public init(_ kind: Kind, entity: EntityNaming? = nil) { self.kind = kind; self.entity = entity }

    /// Tandem event lines.
    public static let tandem = RawFormat(.tandem)
    /// Debezium envelopes, entities named `schema.table`.
    public static let debezium = RawFormat(.debezium)

    /// The entity naming in effect.
    public var naming: EntityNaming { entity ?? .schemaTable }

    /// The quarantine's stored form: `tandem`, or a change-log kind with its naming in effect
    /// (`debezium?entity=schema.table`), so a retry names entities as ingest did even if the default changes.
    public var rawValue: String { kind == .tandem ? kind.rawValue : "\(kind.rawValue)?entity=\(naming.rawValue)" }

    /// Parses `rawValue`. A bare change-log kind was stored before `entity=` existed, when entities were the table
    /// name alone: it reads as `entity=table`.
    public init?(rawValue: String) {
        let parts = rawValue.split(separator: "?", maxSplits: 1).map(String.init)
        guard let first = parts.first, let k = Kind(rawValue: first) else { return nil }
        kind = k
        entity = k == .tandem ? nil : .table
        if parts.count == 2 {
            guard k != .tandem, parts[1].hasPrefix("entity="), let n = EntityNaming(rawValue: String(parts[1].dropFirst(7))) else { return nil }
            entity = n
        }
    }

    /// The source options that name this format (`format=debezium&entity=table`).
    public var options: String { "format=\(kind.rawValue)" + (entity.map { "&entity=\($0.rawValue)" } ?? "") }

    /// Decodes one raw line into a change, without the context of the lines before it (quarantine retry; the jsonl
    /// source uses a `LineDecoder`, which also groups wal2json transactions and reports merged entities).
    public func decode(_ line: UnsafeRawBufferPointer, position: String) -> LineDecoding {
        decodeLine(line, position: position).decoding
    }

    /// Decodes one raw line held in an array.
    public func decode(_ line: [UInt8], position: String) -> LineDecoding {
        line.withUnsafeBytes { decode($0, position: position) }
    }

    /// The full outcome of one line, transaction marks and entity origins included.
    func decodeLine(_ line: UnsafeRawBufferPointer, position: String) -> DecodedLine {
        switch kind {
        case .tandem:
            do throws(JSONError) {
                var e = try EventJSON.decode(line)
                e.sourcePosition = position
                return .change(e, origin: nil)
            } catch {
                return .failure(Rejection(rule: "parse", reason: "not a Tandem event line: \(error)"))
            }
        case .debezium: return DebeziumDecoder.decode(line, position: position, naming: naming)
        case .debeziumFlat: return DebeziumFlatDecoder.decode(line, position: position, naming: naming)
        case .maxwell: return MaxwellDecoder.decode(line, position: position, naming: naming)
        case .wal2json: return Wal2JSONDecoder.decode(line, position: position, naming: naming)
        }
    }
}

/// What one line of a change log holds, with what a stateful reader needs beyond the change itself.
enum DecodedLine: Sendable {
    /// A change, and the fully qualified name of the table it came from (nil when the format has none).
    case change(Event, origin: String?)
    /// A line that carries no change (a tombstone, a message, a bootstrap marker).
    case skip
    /// A transaction begins (wal2json `B`), with its id and commit time when the line has them.
    case begin(txn: String?, committedAt: Timestamp?)
    /// The transaction ends (wal2json `C`).
    case commit
    /// The line cannot be decoded.
    case failure(Rejection)

    /// The outcome without reader state.
    var decoding: LineDecoding {
        switch self {
        case .change(let e, _): return .change(e)
        case .skip, .begin, .commit: return .skip
        case .failure(let r): return .failure(r)
        }
    }
}

/// How an entity name is formed from where a change came from (`entity=` on the source).
public enum EntityNaming: String, Sendable, CaseIterable {
    /// The table name alone (tables of one name in two schemas or databases merge).
    case table
    /// `schema.table`, or `db.table` where there is no schema (MySQL, Maxwell): the default.
    case schemaTable = "schema.table"
    /// `db.schema.table`, leaving out what the source does not name.
    case dbSchemaTable = "db.schema.table"

    /// The entity for a table in a database and schema (either may be absent or empty).
    func entity(db: String?, schema: String?, table: String) -> String {
        func part(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        switch self {
        case .table: return table
        case .schemaTable: return [part(schema) ?? part(db), table].compactMap { $0 }.joined(separator: ".")
        case .dbSchemaTable: return EntityNaming.origin(db: db, schema: schema, table: table)
        }
    }

    /// The fully qualified name: what two entities must differ in not to be the same table.
    static func origin(db: String?, schema: String?, table: String) -> String {
        [db, schema, table].compactMap { $0.flatMap { $0.isEmpty ? nil : $0 } }.joined(separator: ".")
    }
}

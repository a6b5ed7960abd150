import TandemCore

/// The `sourcePosition` of an event journaled by `tandem snapshot` from a trigger-fed SQLite database:
/// `STREAM` or `STREAM;snapshot:["table",[key values…]]`, where `STREAM` is the change-log source's own
/// position: `ID`, or `ID/END` inside a read range that ends at END (one legacy txn, see `SQLiteChangeLogSource`).
///
/// `ID` is the last change-table id whose change is journaled at or before this event, so `ingest` (and a
/// resumed snapshot) continues the stream strictly after it with no gap and no duplicate. The suffix is the
/// snapshot's progress: the table being copied and the primary key of the last row journaled from it, so a
/// killed snapshot resumes after that row. Every event of a snapshot run carries the progress (stream changes
/// too), because the newest journaled event is what a restart reads back.
public struct SnapshotPosition: Sendable, Equatable {
    /// How far the snapshot of one table got: the primary key of its last journaled row.
    public struct Progress: Sendable, Equatable {
        /// The legacy table.
        public var table: String
        /// The key values of its last journaled row, in primary-key order; empty before its first row.
        public var lastKey: [Value]
    }

    /// The change-table id the stream resumes after.
    public var changeID: Int64
    /// The end of the read range `changeID` lies in (equal to it at a range's end).
    public var rangeEnd: Int64
    /// The snapshot's progress, nil for a plain stream position.
    public var progress: Progress?

    static let marker = ";snapshot:"

    /// A position of the stream, optionally with snapshot progress.
    public init(changeID: Int64, rangeEnd: Int64? = nil, progress: Progress? = nil) {
        self.changeID = changeID
        self.rangeEnd = max(rangeEnd ?? changeID, changeID)
        self.progress = progress
    }

    /// The stream part at the front of a position (`ID`, `ID/END`, either with `;snapshot:…`), nil when there is none.
    static func stream(of position: String) -> (id: Int64, end: Int64)? {
        let head = position.utf8.firstIndex(of: UInt8(ascii: ";")).map { position[..<$0] } ?? position[...]
        return SQLiteChangeLogSource.parse(String(head))
    }

    /// The change id at the front of a position, nil when there is none.
    public static func changeID(of position: String) -> Int64? { stream(of: position)?.id }

    /// Parses a position; nil when it is not one of this form (a progress that does not parse is not one).
    public init?(_ position: String) {
        guard let (id, end) = Self.stream(of: position) else { return nil }
        changeID = id
        rangeEnd = end
        guard let r = position.range(of: Self.marker) else {
            guard !position.contains(";") else { return nil }
            progress = nil
            return
        }
        guard let json = try? JSONValue.parse(String(position[r.upperBound...])), let a = json.array, a.count == 2,
              let table = a[0].string, let keys = a[1].array else { return nil }
        var values: [Value] = []
        for k in keys {
            guard let v = Self.decode(k) else { return nil }
            values.append(v)
        }
        progress = Progress(table: table, lastKey: values)
    }

    /// The stream part alone, as `SQLiteChangeLogSource` reads it: `ID` or `ID/END`.
    public var streamText: String { rangeEnd > changeID ? "\(changeID)/\(rangeEnd)" : String(changeID) }

    /// The position text.
    public var text: String {
        guard let progress else { return streamText }
        var out = Self.prefix(changeID: changeID, rangeEnd: rangeEnd, table: progress.table)
        Self.appendKey(progress.lastKey, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a position up to its key values: `ID;snapshot:["table",[` (built once a chunk).
    static func prefix(changeID: Int64, rangeEnd: Int64? = nil, table: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.int(changeID, into: &out)
        if let rangeEnd, rangeEnd > changeID {
            out.append(UInt8(ascii: "/"))
            JSONWriter.int(rangeEnd, into: &out)
        }
        out.append(contentsOf: marker.utf8)
        out.append(UInt8(ascii: "["))
        JSONWriter.string(table, into: &out)
        out.append(contentsOf: ",[".utf8)
        return out
    }

    /// Appends the key values and the closing brackets to a `prefix` (written directly: once per row).
    static func appendKey(_ key: [Value], to out: inout [UInt8]) {
        for (i, v) in key.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            switch v {
            case .int(let n): JSONWriter.int(n, into: &out)
            case .string(let s): JSONWriter.string(s, into: &out)
            default: encode(v).write(into: &out)
            }
        }
        out.append(contentsOf: "]]".utf8)
    }

    /// Appends one key value read in place as `appendKey` writes it, for an integer or (valid UTF-8) text;
    /// false, writing nothing, for any other value (the caller then writes the key's `Value`s).
    static func appendKeyValue(_ v: ColumnValue?, to out: inout [UInt8]) -> Bool {
        switch v {
        case .int(let n)?: JSONWriter.int(n, into: &out)
        case .text(let t)?: JSONWriter.string(t.bindMemory(to: UInt8.self), into: &out)
        default: return false
        }
        return true
    }

    // A key value exactly as SQLite holds it, so `WHERE key > ?` binds the same value of the same type:
    // integer → number, real → {"real": shortest round-trip text}, text → string, blob → {"hex": …}.
    static func encode(_ v: Value) -> JSONValue {
        switch v {
        case .int(let i): return .int(i)
        case .double(let d): return .object([("real", .string(d.description))])
        case .string(let s): return .string(s)
        case .bytes(let b): return .object([("hex", .string(hex(b)))])
        default: return .null
        }
    }

    /// Key values as the position writes them, for log lines.
    static func keyText(_ key: [Value]) -> String {
        var out: [UInt8] = []
        JSONValue.array(key.map(encode)).write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ j: JSONValue) -> Value? {
        switch j {
        case .number: return j.int64.map(Value.int)
        case .string(let s): return .string(s)
        case .null: return .null
        case .object:
            if let r = j["real"]?.string { return Double(r).map(Value.double) }
            if let h = j["hex"]?.string { return ChangeRowDecoder.hexBytes(h).map(Value.bytes) }
            return nil
        default: return nil
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The journal's compact binary encoding of an event (payload layout v1, see schemas/journal-format.md).
public enum EventBinaryCodec {
    /// The payload layout version written by this build.
    public static let version: UInt8 = 1

    enum Field {
        static let sourcePosition: UInt8 = 1 << 0
        static let txn: UInt8 = 1 << 1
        static let committedAt: UInt8 = 1 << 2
        static let before: UInt8 = 1 << 3
        static let after: UInt8 = 1 << 4
        static let tenant: UInt8 = 1 << 5
        static let origin: UInt8 = 1 << 6
    }

    enum Tag {
        static let null: UInt8 = 0, bFalse: UInt8 = 1, bTrue: UInt8 = 2, int: UInt8 = 3, double: UInt8 = 4
        static let decimal: UInt8 = 5, string: UInt8 = 6, bytes: UInt8 = 7, timestamp: UInt8 = 8
    }

    static let ops: [Operation] = [.insert, .update, .delete, .snapshot, .truncate]

    private static func opCode(_ op: Operation) -> UInt8 {
        switch op {
        case .insert: 0
        case .update: 1
        case .delete: 2
        case .snapshot: 3
        case .truncate: 4
        }
    }

    /// Appends the payload of `event` to `w`.
    public static func encode(_ event: Event, into w: inout ByteWriter) {
        encode(event, seq: event.seq, into: &w)
    }

    /// Appends `headerRoom` zero bytes (for the caller's frame header), then the payload of
    /// `event` as if its seq were `seq`: the journal stamps seqs without copying the event.
    public static func encode(_ event: borrowing Event, seq: UInt64, headerRoom: Int = 0, into w: inout ByteWriter) {
        withUnsafePointer(to: event) { encode($0, seq: seq, headerRoom: headerRoom, into: &w) }
    }

    /// `encode(_:seq:headerRoom:into:)` of the event at `event`, which must stay unchanged meanwhile.
    ///
    /// Through a pointer because a borrowed event that lives in an array is copied whole (a retain
    /// and release of every field) before the call: the optimizer cannot prove nothing writes to
    /// the array during it. Here each field is read where it is used.
    public static func encode(_ event: UnsafePointer<Event>, seq: UInt64, headerRoom: Int = 0,
                              into w: inout ByteWriter) {
        for _ in 0..<headerRoom { w.u8(0) }
        w.u8(version)
        var flags: UInt8 = 0
        if event.pointee.sourcePosition != nil { flags |= Field.sourcePosition }
        if event.pointee.txn != nil { flags |= Field.txn }
        if event.pointee.committedAt != nil { flags |= Field.committedAt }
        if event.pointee.before != nil { flags |= Field.before }
        if event.pointee.after != nil { flags |= Field.after }
        if event.pointee.tenant != nil { flags |= Field.tenant }
        if event.pointee.origin != nil { flags |= Field.origin }
        w.u8(flags)
        w.varint(seq)
        w.u8(opCode(event.pointee.op))
        w.string(event.pointee.entity)
        encode(event.pointee.key, into: &w)
        if let s = event.pointee.sourcePosition { w.string(s) }
        if let s = event.pointee.txn { w.string(s) }
        if let t = event.pointee.committedAt { w.zigzag(t.microseconds) }
        if let r = event.pointee.before { encode(r, into: &w) }
        if let r = event.pointee.after { encode(r, into: &w) }
        if let s = event.pointee.tenant { w.string(s) }
        if let s = event.pointee.origin { w.string(s) }
    }

    /// The payload bytes of `event`.
    public static func encode(_ event: Event) -> [UInt8] {
        var w = ByteWriter()
        encode(event, into: &w)
        return w.bytes
    }

    /// Decodes one payload; the whole buffer must be consumed.
    public static func decode(_ buffer: UnsafeRawBufferPointer) throws(DecodeError) -> Event {
        var decoder = EventBinaryDecoder()
        return try decoder.decode(buffer)
    }

    /// Decodes one payload from a byte array.
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> Event {
        let result = bytes.withUnsafeBytes { buf -> Result<Event, DecodeError> in
            do throws(DecodeError) { return .success(try decode(buf)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Reads only the seq of a payload (for scans that need no full decode).
    public static func peekSeq(_ buffer: UnsafeRawBufferPointer) throws(DecodeError) -> UInt64 {
        var r = ByteReader(buffer)
        let v = try r.u8()
        guard v == version else {
            throw DecodeError(offset: 0, reason: "payload version \(v) is not supported (this build reads \(version))")
        }
        _ = try r.u8()
        return try r.varint()
    }

    private static func encode(_ row: Row, into w: inout ByteWriter) {
        w.varint(UInt64(row.count))
        for (name, value) in row.columns {
            w.string(name)
            switch value {
            case .null: w.u8(Tag.null)
            case .bool(let b): w.u8(b ? Tag.bTrue : Tag.bFalse)
            case .int(let i): w.u8(Tag.int); w.zigzag(i)
            case .double(let d): w.u8(Tag.double); w.u64(d.bitPattern)
            case .decimal(let s): w.u8(Tag.decimal); w.string(s)
            case .string(let s): w.u8(Tag.string); w.string(s)
            case .bytes(let b): w.u8(Tag.bytes); w.blob(b)
            case .timestamp(let t): w.u8(Tag.timestamp); w.zigzag(t.microseconds)
            }
        }
    }
}

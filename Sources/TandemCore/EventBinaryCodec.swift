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
        /// A second flags byte ends the payload (`Field2`); written only when one of its bits is set, so
        /// events without those fields encode as before.
        static let more: UInt8 = 1 << 7
    }

    /// Bits of the second flags byte.
    enum Field2 {
        static let beforeComplete: UInt8 = 1 << 0
        static let known: UInt8 = beforeComplete
    }

    enum Tag {
        static let null: UInt8 = 0, bFalse: UInt8 = 1, bTrue: UInt8 = 2, int: UInt8 = 3, double: UInt8 = 4
        static let decimal: UInt8 = 5, string: UInt8 = 6, bytes: UInt8 = 7, timestamp: UInt8 = 8
    }

    static let ops: [ChangeKind] = [.insert, .update, .delete, .snapshot, .truncate]

    static func opCode(_ op: ChangeKind) -> UInt8 {
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
        EventBinaryEncoder.encode(event, seq: seq, headerRoom: headerRoom, into: &w)
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
}

/// The kind of one column value as a row reader holds it (SQLite's storage classes).
public enum ColumnValueKind: Sendable, Equatable {
    case null, int, double, text, blob
}

/// One row's values by column index, read in place (a statement's current row): what
/// `SnapshotRowEncoder` encodes from without a `Value` per column.
public protocol ColumnValues {
    /// The kind of column `i`'s value.
    func kind(at i: Int32) -> ColumnValueKind
    /// Column `i` as an integer (kind `.int`).
    func int(at i: Int32) -> Int64
    /// Column `i` as a double (kind `.double`).
    func double(at i: Int32) -> Double
    /// The UTF-8 bytes of column `i` (kind `.text`), valid until the reader moves on.
    func text(at i: Int32) -> UnsafeRawBufferPointer
    /// The bytes of column `i` (kind `.blob`), valid until the reader moves on.
    func blob(at i: Int32) -> UnsafeRawBufferPointer
}

/// `snapshot` events already in the journal's payload layout (`EventBinaryCodec`), waiting for their seqs:
/// a snapshot encodes its rows straight from the source's statement into one buffer (`SnapshotRowEncoder`)
/// instead of building an `Event` (rows, values, strings) per row, and the journal frames them as they are.
///
/// Every event has one entity, the same key columns and the same after-image columns (one encoder made them).
/// When `uniform`, more holds: every key value has the kind of the first event's, none is ambiguous (NaN,
/// -0.0), no text holds a NUL; so a check of the names, the key or the values (`Event.fault`,
/// `EntityKeyCatalog.admit`) that passes for `event(at: 0)` passes for every event, and is done once. Only
/// this module sets `uniform`, from what it encoded. When it is false, each event is checked on its own.
public struct EncodedEvents: Sendable {
    /// Each payload from its op byte on (what follows the seq), without the origin; only the first `used`
    /// bytes are written (the rest is room, grown by doubling).
    private(set) var tails: [UInt8] = []
    private(set) var used = 0
    /// Where each payload's tail ends in `tails`.
    private(set) var ends: [Int] = []
    /// The key kinds of the first event (the others' must equal them for `uniform`).
    var keyKinds: [ColumnValueKind] = []
    /// The origin every event gets; written when an event is framed (it is the payload's last field).
    public var origin: String?
    /// Every event's key and values pass the checks the first one passes (see the type's comment).
    public internal(set) var uniform = true
    /// Where the last event's `sourcePosition` bytes are in `tails`.
    var lastPositionRange = 0..<0

    /// No events yet.
    public init() {}

    /// The number of events.
    public var count: Int { ends.count }
    /// True when there is no event.
    public var isEmpty: Bool { ends.isEmpty }
    /// The payload bytes held (a memory figure).
    public var byteCount: Int { used }

    /// The `sourcePosition` of the last event, nil when there is none.
    public var lastPosition: String? {
        isEmpty ? nil : tails.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[lastPositionRange]), as: UTF8.self) }
    }

    /// Reserves room for `events` events of about `bytes` bytes in all.
    public mutating func reserveCapacity(events: Int, bytes: Int) {
        ends.reserveCapacity(events)
        if tails.count < bytes { tails.append(contentsOf: repeatElement(0, count: bytes - tails.count)) }
    }

    private var flags: UInt8 {
        var f = EventBinaryCodec.Field.sourcePosition | EventBinaryCodec.Field.after
        if origin != nil { f |= EventBinaryCodec.Field.origin }
        return f
    }

    /// Appends `headerRoom` zero bytes and the payload of event `i` stamped with `seq`: the bytes
    /// `EventBinaryCodec.encode` writes for `event(at: i)` with that seq.
    public func encode(_ i: Int, seq: UInt64, headerRoom: Int, into w: inout ByteWriter) {
        let start = i == 0 ? 0 : ends[i - 1], end = ends[i]
        for _ in 0..<headerRoom { w.bytes.append(0) }
        w.bytes.append(EventBinaryCodec.version)
        w.bytes.append(flags)
        Self.varint(seq, into: &w.bytes)
        tails.withUnsafeBufferPointer { w.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<end])) }
        if let origin {
            Self.varint(UInt64(origin.utf8.count), into: &w.bytes)
            w.bytes.append(contentsOf: origin.utf8)
        }
    }

    @inline(__always)
    private static func varint(_ v: UInt64, into out: inout [UInt8]) {
        var v = v
        while v >= 0x80 { out.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        out.append(UInt8(v))
    }

    /// Event `i` decoded (seq 0): what the journal holds for it, for checks and for the event-per-row path.
    public func event(at i: Int) -> Event {
        var w = ByteWriter(capacity: 256)
        encode(i, seq: 0, headerRoom: 0, into: &w)
        // Cannot fail: the payload was written by this module's encoder, in this build's layout.
        do { return try EventBinaryCodec.decode(w.bytes) } catch { preconditionFailure("EncodedEvents: \(error)") }
    }

    /// Every event decoded (seq 0), in order.
    public func events() -> [Event] {
        var out: [Event] = []
        out.reserveCapacity(count)
        var decoder = EventBinaryDecoder()
        var w = ByteWriter(capacity: 256)
        for i in 0..<count {
            w.bytes.removeAll(keepingCapacity: true)
            encode(i, seq: 0, headerRoom: 0, into: &w)
            let decoded = w.bytes.withUnsafeBytes { b -> Result<Event, DecodeError> in
                do throws(DecodeError) { return .success(try decoder.decode(b)) } catch { return .failure(error) }
            }
            // Cannot fail: the payload was written by this module's encoder, in this build's layout.
            guard case .success(let e) = decoded else { preconditionFailure("EncodedEvents: \(decoded)") }
            out.append(e)
        }
        return out
    }

    /// Appends one payload tail of at most `bound` bytes, written by `write` (`SnapshotRowEncoder`) at the
    /// pointer it gets; `write` returns the bytes written and where the `sourcePosition` bytes are among them.
    mutating func appendTail(bound: Int, _ write: (UnsafeMutablePointer<UInt8>) -> (count: Int, position: Range<Int>)) {
        if tails.count - used < bound {
            // Zero-filled once per doubling, not per event.
            tails.append(contentsOf: repeatElement(0, count: max(tails.count, bound, 4096)))
        }
        let at = used
        let (n, position) = tails.withUnsafeMutableBufferPointer { write($0.baseAddress! + at) }
        precondition(n <= bound, "SnapshotRowEncoder wrote past its bound")
        lastPositionRange = (at + position.lowerBound)..<(at + position.upperBound)
        used = at + n
        ends.append(used)
    }
}

/// One durable append's events in journal order: decoded events and runs of `EncodedEvents`.
public struct EventBatch: Sendable {
    /// A run of events of one form.
    public enum Part: Sendable {
        case events([Event])
        case encoded(EncodedEvents)
    }

    /// The runs, in journal order.
    public private(set) var parts: [Part] = []
    /// The number of events in all parts.
    public private(set) var count = 0
    /// The `sourcePosition` of the last event (nil when it has none, or there is no event).
    public private(set) var lastPosition: String?

    /// An empty batch.
    public init() {}

    /// A batch of decoded events.
    public init(_ events: [Event]) { append(events) }

    /// True when there is no event.
    public var isEmpty: Bool { count == 0 }

    /// Appends a run of decoded events.
    public mutating func append(_ events: [Event]) {
        guard let last = events.last else { return }
        parts.append(.events(events))
        count += events.count
        lastPosition = last.sourcePosition
    }

    /// Appends a run of encoded events.
    public mutating func append(_ encoded: EncodedEvents) {
        guard !encoded.isEmpty else { return }
        parts.append(.encoded(encoded))
        count += encoded.count
        lastPosition = encoded.lastPosition
    }

    /// Every event decoded, in order (for a journal that takes only `Event`s).
    public func decodedEvents() -> [Event] {
        var out: [Event] = []
        out.reserveCapacity(count)
        for p in parts {
            switch p {
            case .events(let e): out.append(contentsOf: e)
            case .encoded(let e): out.append(contentsOf: e.events())
            }
        }
        return out
    }

    /// The last event decoded, nil when there is none.
    public var lastEvent: Event? {
        switch parts.last {
        case .events(let e)?: return e.last
        case .encoded(let e)?: return e.isEmpty ? nil : e.event(at: e.count - 1)
        case nil: return nil
        }
    }
}

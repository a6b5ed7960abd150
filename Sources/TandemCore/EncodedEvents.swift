/// One column value as a row reader holds it (SQLite's storage classes); text and blob bytes are the
/// reader's, valid until it moves on.
public enum ColumnValue {
    case null
    case int(Int64)
    case double(Double)
    /// Text as stored (UTF-8, possibly invalid).
    case text(UnsafeRawBufferPointer)
    case blob(UnsafeRawBufferPointer)
}

/// One row's values by column index, read in place (a statement's current row): what
/// `SnapshotRowEncoder` encodes from without a `Value` per column.
public protocol ColumnValues {
    /// The value of column `i` (each column asked for once per row).
    func columnValue(at i: Int32) -> ColumnValue
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
    var keyKinds: [UInt8] = []
    /// The origin every event gets; written when an event is framed (it is the payload's last field).
    public var origin: String? {
        didSet { originBytes = origin.map { s in var w = ByteWriter(capacity: 16); w.string(s); return w.bytes } ?? [] }
    }
    /// `origin` length-prefixed, as a payload holds it (empty for none).
    private var originBytes: [UInt8] = []
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
        if tails.count < bytes { grow(to: bytes) }
    }

    /// Makes `tails` `count` bytes long, keeping what is written (one copy, then a memset of the rest).
    private mutating func grow(to count: Int) {
        let kept = used
        tails = tails.withUnsafeBufferPointer { old in
            [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
                if kept > 0 { buf.baseAddress!.initialize(from: old.baseAddress!, count: kept) }
                (buf.baseAddress! + kept).initialize(repeating: 0, count: count - kept)
                initialized = count
            }
        }
    }

    private var flags: UInt8 {
        var f = EventBinaryCodec.Field.sourcePosition | EventBinaryCodec.Field.after
        if origin != nil { f |= EventBinaryCodec.Field.origin }
        return f
    }

    /// Appends `headerRoom` zero bytes and the payload of event `i` stamped with `seq`: the bytes
    /// `EventBinaryCodec.encode` writes for `event(at: i)` with that seq.
    public func encode(_ i: Int, seq: UInt64, headerRoom: Int, into w: inout ByteWriter) {
        precondition(headerRoom <= 8, "EncodedEvents: a frame header of at most 8 bytes")
        let start = i == 0 ? 0 : ends[i - 1], end = ends[i]
        // Three appends: the header room with the payload's head (version, flags, seq), the tail, the origin.
        var head: (UInt64, UInt64, UInt64) = (0, 0, 0)
        let headCount = withUnsafeMutableBytes(of: &head) { raw -> Int in
            var c = RawCursor(raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + headerRoom)
            c.u8(EventBinaryCodec.version)
            c.u8(flags)
            c.varint(seq)
            return c.p - raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        }
        withUnsafeBytes(of: &head) { w.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<headCount])) }
        tails.withUnsafeBufferPointer { w.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<end])) }
        if !originBytes.isEmpty { w.bytes.append(contentsOf: originBytes) }
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
            // Grown by doubling, not per event.
            grow(to: tails.count + max(tails.count, bound, 4096))
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

    /// The first event decoded, nil when there is none.
    public var firstEvent: Event? {
        switch parts.first {
        case .events(let e)?: return e.first
        case .encoded(let e)?: return e.isEmpty ? nil : e.event(at: 0)
        case nil: return nil
        }
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

/// Decodes journal payloads one after another, reusing the entity and column names of the previous
/// event when they repeat (they almost always do), so a long read allocates only for the values.
public struct EventBinaryDecoder {
    private var lastEntity = ""
    // Column names of the last key, before and after rows.
    private var lastNames: [[String]] = [[], [], []]

    /// A decoder with an empty name cache.
    public init() {}

    /// Decodes one payload; the whole buffer must be consumed.
    public mutating func decode(_ buffer: UnsafeRawBufferPointer) throws(DecodeError) -> Event {
        typealias C = EventBinaryCodec
        var r = ByteReader(buffer)
        let v = try r.u8()
        guard v == C.version else {
            throw DecodeError(offset: 0, reason: "payload version \(v) is not supported (this build reads \(C.version))")
        }
        let flags = try r.u8()
        let seq = try r.varint()
        let opOffset = r.offset
        let code = try r.u8()
        guard Int(code) < C.ops.count else { throw DecodeError(offset: opOffset, reason: "unknown op code \(code)") }
        let entityOffset = r.offset
        let entityBytes = try r.stringBytes()
        if !Self.equal(lastEntity, entityBytes) { lastEntity = try ByteReader.makeString(entityBytes, at: entityOffset) }
        let key = try decodeRow(&r, slot: 0)
        // Every field into a local first and one initializer call at the end: building the event
        // in place and mutating it made the optimizer copy it whole.
        let position = flags & C.Field.sourcePosition != 0 ? try r.string() : nil
        let txn = flags & C.Field.txn != 0 ? try r.string() : nil
        let committedAt = flags & C.Field.committedAt != 0 ? Timestamp(microseconds: try r.zigzag()) : nil
        let before = flags & C.Field.before != 0 ? try decodeRow(&r, slot: 1) : nil
        let after = flags & C.Field.after != 0 ? try decodeRow(&r, slot: 2) : nil
        let tenant = flags & C.Field.tenant != 0 ? try r.string() : nil
        let origin = flags & C.Field.origin != 0 ? try r.string() : nil
        var flags2: UInt8 = 0
        if flags & C.Field.more != 0 {
            let at = r.offset
            flags2 = try r.u8()
            guard flags2 & ~C.Field2.known == 0 else { throw DecodeError(offset: at, reason: "unknown payload flags \(flags2) in the second flags byte") }
        }
        guard r.remaining == 0 else {
            throw DecodeError(offset: r.offset, reason: "\(r.remaining) trailing bytes after the event")
        }
        return Event(seq: seq, sourcePosition: position, txn: txn, committedAt: committedAt, entity: lastEntity,
                     key: key, op: C.ops[Int(code)], before: before, after: after, tenant: tenant, origin: origin,
                     beforeComplete: flags2 & C.Field2.beforeComplete != 0)
    }

    private mutating func decodeRow(_ r: inout ByteReader, slot: Int) throws(DecodeError) -> Row {
        typealias Tag = EventBinaryCodec.Tag
        let n = try r.varint()
        guard n <= UInt64(r.remaining) else {
            throw DecodeError(offset: r.offset, reason: "row claims \(n) columns, more than the bytes left")
        }
        let count = Int(n)
        let cached = lastNames[slot]
        var names: [String]?            // nil while every name so far equals the cached one
        var values: [Value] = []
        values.reserveCapacity(count)
        for i in 0..<count {
            let nameOffset = r.offset
            let bytes = try r.stringBytes()
            if names == nil {
                if i >= cached.count || !Self.equal(cached[i], bytes) {
                    var fresh = Array(cached.prefix(i))
                    fresh.reserveCapacity(count)
                    fresh.append(try ByteReader.makeString(bytes, at: nameOffset))
                    names = fresh
                }
            } else {
                names!.append(try ByteReader.makeString(bytes, at: nameOffset))
            }
            let tagOffset = r.offset
            switch try r.u8() {
            case Tag.null: values.append(.null)
            case Tag.bFalse: values.append(.bool(false))
            case Tag.bTrue: values.append(.bool(true))
            case Tag.int: values.append(.int(try r.zigzag()))
            case Tag.double: values.append(.double(Double(bitPattern: try r.u64())))
            case Tag.decimal: values.append(.decimal(try r.string()))
            case Tag.string: values.append(.string(try r.string()))
            case Tag.bytes: values.append(.bytes(try r.blob()))
            case Tag.timestamp: values.append(.timestamp(Timestamp(microseconds: try r.zigzag())))
            case let t: throw DecodeError(offset: tagOffset, reason: "unknown value tag \(t)")
            }
        }
        let final = names ?? (cached.count == count ? cached : Array(cached.prefix(count)))
        if names != nil || cached.count != count { lastNames[slot] = final }
        return Row(uncheckedNames: final, values: values)
    }

    /// True when `s` is exactly these UTF-8 bytes.
    ///
    /// Compared in place, eight bytes at a time: names are short, so a `memcmp` call (and the
    /// copy of `s` that `withUTF8` needs) cost more than the comparison.
    @inline(__always)
    private static func equal(_ s: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        guard s.utf8.count == n else { return false }
        let same = s.utf8.withContiguousStorageIfAvailable { u -> Bool in
            guard n > 0 else { return true }
            let a = UnsafeRawPointer(u.baseAddress!), b = bytes.baseAddress!
            var i = 0
            while i + 8 <= n {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i += 8
            }
            while i < n {
                if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
                i += 1
            }
            return true
        }
        return same ?? s.utf8.elementsEqual(bytes)
    }
}

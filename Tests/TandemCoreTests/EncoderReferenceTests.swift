import Testing
@testable import TandemCore

/// The raw-cursor encoder writes exactly the bytes of the plain field-by-field encoding of payload
/// v1 (schemas/journal-format.md), which is kept here, written with `ByteWriter`, as the reference.
@Suite struct EncoderReferenceTests {
    @Test func matchesTheFieldByFieldEncoding() {
        var gen = EventGenerator(seed: 0x7A4D_E3E1)
        for n in 0..<2_000 {
            var e = gen.event()
            e.seq = n % 7 == 0 ? UInt64.max - UInt64(n) : UInt64(n) * 977
            var reference = ByteWriter()
            Self.reference(e, into: &reference)
            #expect(EventBinaryCodec.encode(e) == reference.bytes, "event #\(n)")
            var framed = ByteWriter()
            framed.u8(0xAA)
            EventBinaryCodec.encode(e, seq: e.seq, headerRoom: 8, into: &framed)
            #expect(framed.bytes == [0xAA] + [UInt8](repeating: 0, count: 8) + reference.bytes, "event #\(n) framed")
        }
    }

    static func reference(_ event: Event, into w: inout ByteWriter) {
        w.u8(1)
        var flags: UInt8 = 0
        for (i, present) in [event.sourcePosition != nil, event.txn != nil, event.committedAt != nil,
                             event.before != nil, event.after != nil, event.tenant != nil,
                             event.origin != nil].enumerated() where present {
            flags |= 1 << UInt8(i)
        }
        w.u8(flags)
        w.varint(event.seq)
        w.u8(UInt8(ChangeKind.allCases.firstIndex(of: event.op)!))
        w.string(event.entity)
        reference(event.key, into: &w)
        if let s = event.sourcePosition { w.string(s) }
        if let s = event.txn { w.string(s) }
        if let t = event.committedAt { w.zigzag(t.microseconds) }
        if let r = event.before { reference(r, into: &w) }
        if let r = event.after { reference(r, into: &w) }
        if let s = event.tenant { w.string(s) }
        if let s = event.origin { w.string(s) }
    }

    static func reference(_ row: Row, into w: inout ByteWriter) {
        w.varint(UInt64(row.count))
        for (name, value) in row.columns {
            w.string(name)
            switch value {
            case .null: w.u8(0)
            case .bool(let b): w.u8(b ? 2 : 1)
            case .int(let i): w.u8(3); w.zigzag(i)
            case .double(let d): w.u8(4); w.u64(d.bitPattern)
            case .decimal(let s): w.u8(5); w.string(s)
            case .string(let s): w.u8(6); w.string(s)
            case .bytes(let b): w.u8(7); w.blob(b)
            case .timestamp(let t): w.u8(8); w.zigzag(t.microseconds)
            }
        }
    }
}

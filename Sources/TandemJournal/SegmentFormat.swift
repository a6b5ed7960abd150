import Foundation
import TandemCore

/// The on-disk layout of segment files (schemas/journal-format.md).
enum SegmentFormat {
    /// "TNDMSEG1" — the first bytes of every segment.
    static let magic: [UInt8] = Array("TNDMSEG1".utf8)
    /// The journal format version this build writes and reads.
    static let version: UInt16 = 1
    /// magic 8 · version 2 · header length 2 · journal id 16 · base seq 8 · reserved 8 · CRC 4.
    static let headerSize = 48
    /// length word 4 · CRC 4.
    static let frameHeaderSize = 8
    /// Bit 31 of the length word: every record before this one was durable when it was written.
    static let groupStartFlag: UInt32 = 1 << 31
    /// The largest payload a record may carry (the length word has 31 bits; we stop well before).
    static let maxPayload = 256 << 20
    /// Sectors a torn write loses or keeps whole.
    static let sectorSize = 512

    /// `00000000000000000001.seg` for base seq 1.
    static func fileName(base: UInt64) -> String {
        let digits = String(base)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    /// The base seq of a segment file name, or nil when the name is not one.
    static func base(ofFileName name: String) -> UInt64? {
        guard name.utf8.count == 24, name.hasSuffix(".seg") else { return nil }
        let digits = name.utf8.prefix(20)
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }

    /// The header bytes of a new segment.
    static func header(journalID: UUID, base: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize)
        w.bytes.append(contentsOf: magic)
        w.u16(version)
        w.u16(UInt16(headerSize))
        w.bytes.append(contentsOf: uuidBytes(journalID))
        w.u64(base)
        w.u64(0)
        w.u32(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    /// A parsed segment header.
    struct Header: Equatable {
        var journalID: UUID
        var base: UInt64
    }

    /// Parses a segment header; the reason when it is not one.
    static func parseHeader(_ bytes: [UInt8]) -> Result<Header, HeaderProblem> {
        guard bytes.count >= headerSize else { return .failure(.short(bytes.count)) }
        guard Array(bytes[0..<8]) == magic else { return .failure(.badMagic) }
        let version = UInt16(bytes[8]) | UInt16(bytes[9]) << 8
        guard version == Self.version else { return .failure(.version(Int(version))) }
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 44, as: UInt32.self).littleEndian }
        guard CRC32C.checksum(Array(bytes[0..<44])) == stored else { return .failure(.badCRC) }
        let id = uuid(from: Array(bytes[12..<28]))
        let base = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 28, as: UInt64.self).littleEndian }
        return .success(Header(journalID: id, base: base))
    }

    /// Why a segment header did not parse.
    enum HeaderProblem: Error, CustomStringConvertible {
        case short(Int), badMagic, version(Int), badCRC
        var description: String {
            switch self {
            case .short(let n): return "segment header is \(n) bytes, expected \(headerSize)"
            case .badMagic: return "not a Tandem segment (bad magic)"
            case .version(let v): return "segment format version \(v) is not supported (this build reads \(SegmentFormat.version))"
            case .badCRC: return "segment header checksum mismatch"
            }
        }
    }

    static func uuidBytes(_ id: UUID) -> [UInt8] {
        withUnsafeBytes(of: id.uuid) { Array($0) }
    }

    static func uuid(from b: [UInt8]) -> UUID {
        UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// The CRC of a frame: it covers the length word and the payload, so a torn length is caught.
    @inline(__always)
    static func frameCRC(word: UInt32, payload: UnsafeRawBufferPointer) -> UInt32 {
        var w = word.littleEndian
        let c = withUnsafeBytes(of: &w) { CRC32C.checksum($0) }
        return CRC32C.checksum(payload, continuing: c)
    }
}

/// What one frame at an offset of a buffer is.
enum FrameParse {
    /// A whole record with a matching CRC: its seq, payload range and total size.
    case record(seq: UInt64, groupStart: Bool, payloadStart: Int, payloadLength: Int)
    /// Not enough bytes for the frame header or the payload it announces.
    case incomplete(needed: Int)
    /// A length out of range, a CRC mismatch or a payload whose seq cannot be read.
    case bad(reason: String)
}

extension SegmentFormat {
    /// Parses the frame at `offset` in `buf` (which holds bytes up to `buf.count`).
    @inline(__always)
    static func parseFrame(_ buf: UnsafeRawBufferPointer, at offset: Int) -> FrameParse {
        let avail = buf.count - offset
        guard avail >= frameHeaderSize else { return .incomplete(needed: frameHeaderSize) }
        let word = buf.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
        let stored = buf.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian
        let length = Int(word & ~groupStartFlag)
        guard length >= 3, length <= maxPayload else {
            return .bad(reason: "record length \(length) is out of range")
        }
        guard avail >= frameHeaderSize + length else { return .incomplete(needed: frameHeaderSize + length) }
        let payload = UnsafeRawBufferPointer(rebasing: buf[(offset + 8)..<(offset + 8 + length)])
        guard frameCRC(word: word, payload: payload) == stored else {
            return .bad(reason: "record checksum mismatch")
        }
        guard let seq = try? EventBinaryCodec.peekSeq(payload) else {
            return .bad(reason: "record payload does not start with a readable seq")
        }
        return .record(seq: seq, groupStart: word & groupStartFlag != 0, payloadStart: offset + 8,
                       payloadLength: length)
    }

    /// Appends one framed record for `event` with `seq` to `w`.
    static func appendFrame(_ event: borrowing Event, seq: UInt64, groupStart: Bool, into w: inout ByteWriter) throws {
        try withUnsafePointer(to: event) { try appendFrame($0, seq: seq, groupStart: groupStart, into: &w) }
    }

    /// Appends one framed record for the event at `event` (see `EventBinaryCodec.encode` on why a pointer).
    @inline(__always)
    static func appendFrame(_ event: UnsafePointer<Event>, seq: UInt64, groupStart: Bool,
                            into w: inout ByteWriter) throws {
        let start = w.bytes.count
        // The length word and CRC are zeros until patched below.
        EventBinaryCodec.encode(event, seq: seq, headerRoom: frameHeaderSize, into: &w)
        try seal(frameAt: start, groupStart: groupStart, in: &w)
    }

    /// Fills in the length word and CRC of the frame whose payload follows its zeroed header at `start`.
    @inline(__always)
    private static func seal(frameAt start: Int, groupStart: Bool, in w: inout ByteWriter) throws {
        let length = w.bytes.count - start - frameHeaderSize
        guard length <= maxPayload else {
            w.bytes.removeSubrange(start...)
            throw JournalError.recordTooLarge(bytes: length, limit: maxPayload)
        }
        let word = UInt32(length) | (groupStart ? groupStartFlag : 0)
        w.bytes.withUnsafeMutableBytes { raw in
            let payload = UnsafeRawBufferPointer(rebasing: raw[(start + 8)...])
            let crc = frameCRC(word: word, payload: payload)
            raw.storeBytes(of: word.littleEndian, toByteOffset: start, as: UInt32.self)
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
    }
}

extension SegmentFormat {
    /// Appends one framed record for event `i` of `encoded`.
    static func appendFrame(_ encoded: borrowing EncodedEvents, _ i: Int, seq: UInt64, groupStart: Bool,
                            into w: inout ByteWriter) throws {
        let start = w.bytes.count
        encoded.encode(i, seq: seq, headerRoom: frameHeaderSize, into: &w)
        try seal(frameAt: start, groupStart: groupStart, in: &w)
    }

    /// The payload of `event` as if its seq were `seq`, without copying the event.
    @inline(__always)
    static func encodePayload(_ event: borrowing Event, seq: UInt64, into w: inout ByteWriter) {
        EventBinaryCodec.encode(event, seq: seq, into: &w)
    }
}

import Foundation
import TandemCore

/// The frames of one large batch, encoded ahead on all cores while the writer would otherwise
/// encode them one by one: framing (encode + CRC) is the writer's CPU cost per event.
///
/// No frame carries the group-start flag; the writer sets it where a group starts.
struct PreFramedBatch {
    /// Batches smaller than this are framed inline (the hand-off would cost more than it saves).
    static let threshold = 4096

    private var parts: [(bytes: [UInt8], ends: [Int])]
    private let partSize: Int

    /// Frames `events` with seqs from `firstSeq`; nil when the batch is small or an event cannot be framed.
    static func make(_ events: [Event], firstSeq: UInt64) -> PreFramedBatch? {
        make(count: events.count) { range, w in
            try events.withUnsafeBufferPointer { all in
                for i in range {
                    try SegmentFormat.appendFrame(all.baseAddress! + i, seq: firstSeq + UInt64(i), groupStart: false, into: &w.out)
                    w.ends.append(w.out.bytes.count)
                }
            }
        }
    }

    /// One part's frames as they are written.
    struct PartWriter {
        var out: ByteWriter
        var ends: [Int] = []
    }

    /// Frames `count` records in eight parts on all cores, each part by `frame`.
    private static func make(count total: Int, _ frame: @Sendable @escaping (Range<Int>, inout PartWriter) throws -> Void)
        -> PreFramedBatch? {
        guard total >= threshold, ProcessInfo.processInfo.activeProcessorCount > 1 else { return nil }
        // Eight parts, claimed dynamically: when the other core is busy, this thread frames more of them.
        let count = 8
        let partSize = (total + count - 1) / count
        let slots = Slots(count: count)
        defer { slots.free() }
        DispatchQueue.concurrentPerform(iterations: count) { part in
            let range = (part * partSize)..<min(total, (part + 1) * partSize)
            var w = PartWriter(out: ByteWriter(capacity: range.count * 200 + 64))
            w.ends.reserveCapacity(range.count)
            do {
                try frame(range, &w)
                slots.set(part, (w.out.bytes, w.ends))
            } catch {
                // Left empty: the writer frames this batch inline and reports the error there.
            }
        }
        var parts: [(bytes: [UInt8], ends: [Int])] = []
        for i in 0..<count {
            guard let p = slots.get(i) else { return nil }
            parts.append(p)
        }
        return PreFramedBatch(parts: parts, partSize: partSize)
    }

    /// Appends frame `i` to `out`, with the group-start flag when `groupStart`.
    @inline(__always)
    func append(_ i: Int, groupStart: Bool, to out: inout ByteWriter) {
        let p = i / partSize, k = i % partSize
        let start = k == 0 ? 0 : parts[p].ends[k - 1]
        let end = parts[p].ends[k]
        let at = out.bytes.count
        parts[p].bytes.withUnsafeBytes { raw in
            out.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[start..<end]))
        }
        if groupStart { SegmentFormat.setGroupStart(&out.bytes, frameAt: at) }
    }
}

/// Result slots written by distinct threads of one `concurrentPerform`, read after it returns.
///
/// `@unchecked Sendable`: each slot is written by exactly one iteration, and read only after
/// `concurrentPerform` returned (which orders the writes before the reads).
private final class Slots: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<(bytes: [UInt8], ends: [Int])?>
    private let count: Int
    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }
    func set(_ i: Int, _ v: (bytes: [UInt8], ends: [Int])) { storage[i] = v }
    func get(_ i: Int) -> (bytes: [UInt8], ends: [Int])? { storage[i] }
    func free() { storage.deinitialize(count: count); storage.deallocate() }
}

extension SegmentFormat {
    /// Sets the group-start flag on the frame at `offset` of `bytes` and recomputes its CRC.
    static func setGroupStart(_ bytes: inout [UInt8], frameAt offset: Int) {
        bytes.withUnsafeMutableBytes { raw in
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
            guard word & groupStartFlag == 0 else { return }
            let length = Int(word)
            let flagged = word | groupStartFlag
            let payload = UnsafeRawBufferPointer(rebasing: raw[(offset + 8)..<(offset + 8 + length)])
            raw.storeBytes(of: flagged.littleEndian, toByteOffset: offset, as: UInt32.self)
            raw.storeBytes(of: frameCRC(word: flagged, payload: payload).littleEndian, toByteOffset: offset + 4,
                           as: UInt32.self)
        }
    }
}

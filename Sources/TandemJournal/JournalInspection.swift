import Foundation
import TandemCore

/// The outcome of `Journal.verify`: the first fault, or clean.
public struct VerifyReport: Sendable, Equatable {
    /// Segment files checked.
    public var segments: Int
    /// Records checked.
    public var events: UInt64
    /// The journal's first seq (from the manifest).
    public var firstSeq: UInt64
    /// The last seq of a whole record read (firstSeq - 1 when none; before the fault when there is one).
    public var lastSeq: UInt64
    /// The first damage found (a `JournalError.corrupt` with file, offset and seq), nil when clean.
    public var fault: JournalError?
    /// A torn tail at the end of the last segment: not damage, it is cut when a writer next opens.
    public var tornTail: TornTail?

    /// True when no fault was found (a torn tail alone is not a fault).
    public var isClean: Bool { fault == nil }
}

/// Where a torn tail starts and how many bytes it spans.
public struct TornTail: Sendable, Equatable {
    /// The segment file that ends in the torn tail.
    public var file: String
    /// The byte offset where the torn tail starts (the end of the last whole record).
    public var offset: Int64
    /// How many bytes the torn tail spans, to the end of the file.
    public var bytes: Int64
}

/// The figures of `Journal.stats`.
public struct JournalStats: Sendable, Equatable {
    /// The journal id from the manifest.
    public var journalID: UUID
    /// Segment files holding seqs from firstSeq on.
    public var segments: Int
    /// Events held (lastSeq - firstSeq + 1).
    public var events: UInt64
    /// Bytes of all segment files.
    public var bytes: Int64
    /// The first seq the journal holds (from the manifest).
    public var firstSeq: UInt64
    /// The last seq (firstSeq - 1 when empty).
    public var lastSeq: UInt64
    /// Each registered consumer's position and lag.
    public var consumers: [ConsumerLag]
}

/// A consumer's position and how far behind the journal's last seq it is.
public struct ConsumerLag: Sendable, Equatable {
    /// The consumer's name.
    public var name: String
    /// The highest seq the consumer has applied (0: none).
    public var appliedSeq: UInt64
    /// Events after `appliedSeq` up to the journal's last seq (0 when caught up).
    public var lag: UInt64
}

extension Journal {
    /// Checks every record's CRC and the seq chain across segments; returns the first fault or clean.
    /// Safe beside a writer. Writes only the manifest's damage record (set on a fault, cleared when clean)
    /// and completes an interrupted `truncate --before` when no writer holds the journal.
    public static func verify(at directory: String, options: JournalOptions = JournalOptions()) throws -> VerifyReport {
        let fs = options.fileSystem
        try InterruptedTruncation.completeIfPending(directory: directory, options: options)
        let manifest = try ManifestStore(directory: directory, fs: fs).read()
        let bases = try JournalFiles.segments(in: directory, fs: fs).filter { $0 >= manifest.firstSeq }
        var report = VerifyReport(segments: bases.count, events: 0, firstSeq: manifest.firstSeq,
                                  lastSeq: manifest.firstSeq - 1, fault: nil, tornTail: nil)
        let chain = SegmentChain(directory: directory, fs: fs, manifest: manifest)
        var expected = manifest.firstSeq
        var scanning: UInt64?  // the base of the segment being scanned, for counting up to a fault in it
        do {
            if bases.first != manifest.firstSeq { try chain.check(bases) }
            for (i, base) in bases.enumerated() {
                let path = JournalFiles.segmentPath(directory, base)
                if base != expected {
                    throw JournalError.corrupt(file: path, offset: Int64(SegmentFormat.headerSize), seq: expected,
                                               reason: "a segment is missing: the previous segment ends at seq"
                                                   + " \(expected - 1), this one starts at seq \(base)")
                }
                try chain.checkHeader(base)
                let file = try fs.open(path, .read)
                defer { file.close() }
                let isLast = i == bases.count - 1
                scanning = base
                let scan = try SegmentScan(file: file, base: base, indexInterval: 1 << 30).run(stopAtBadTail: isLast)
                scanning = nil
                report.events += UInt64(scan.records)
                report.lastSeq = scan.lastSeq
                expected = scan.lastSeq + 1
                if let torn = scan.tornAt {
                    report.tornTail = TornTail(file: path, offset: torn, bytes: try file.size() - torn)
                }
            }
            // Whole and chained, but short of what the journal is known to have held?
            try JournalHead.check(directory: directory, manifest: manifest, segments: bases, lastSeq: report.lastSeq,
                                  tailMayBeTorn: report.tornTail != nil)
        } catch let e as JournalError {
            if case .journalEndsEarly = e { report.fault = e; return report }
            guard case .corrupt(_, _, let seq, _) = e else { throw e }
            report.fault = e
            // A scan reports the seq that was due at the fault: the records before it in that segment were read.
            if let base = scanning, seq > base {
                report.events += seq - base
                report.lastSeq = seq - 1
            }
        }
        // Damage found is recorded, so writers refuse until it is resolved; a clean check resolves it.
        if let fault = report.fault {
            DamageRecord.record(fault, directory: directory, fs: fs, by: "verify")
        } else {
            try DamageRecord.clear(directory: directory, fs: fs, logger: options.logger,
                                   how: "verify found every segment intact") { _ in true }
        }
        return report
    }

    /// Segments, events, bytes, first/last seq and each consumer's lag. Read-only.
    public static func stats(at directory: String, options: JournalOptions = JournalOptions()) throws -> JournalStats {
        let fs = options.fileSystem
        try InterruptedTruncation.completeIfPending(directory: directory, options: options)
        let manifest = try ManifestStore(directory: directory, fs: fs).read()
        let bases = try JournalFiles.segments(in: directory, fs: fs).filter { $0 >= manifest.firstSeq }
        var bytes: Int64 = 0
        for base in bases {
            let file = try fs.open(JournalFiles.segmentPath(directory, base), .read)
            bytes += try file.size()
            file.close()
        }
        let last = try lastSeq(at: directory, options: options)
        // "lag 0" for a consumer ahead of a journal that lost its newest segment would hide the loss.
        try JournalHead.check(directory: directory, manifest: manifest, segments: bases, lastSeq: last, tailMayBeTorn: true)
        let lags = manifest.consumers.map {
            ConsumerLag(name: $0.name, appliedSeq: $0.appliedSeq, lag: last > $0.appliedSeq ? last - $0.appliedSeq : 0)
        }
        return JournalStats(journalID: manifest.journalID, segments: bases.count,
                            events: last + 1 - manifest.firstSeq, bytes: bytes, firstSeq: manifest.firstSeq,
                            lastSeq: last, consumers: lags)
    }

    /// The last whole seq on disk (firstSeq - 1 when empty), found from the last segment's index.
    public static func lastSeq(at directory: String, options: JournalOptions = JournalOptions()) throws -> UInt64 {
        let fs = options.fileSystem
        try InterruptedTruncation.completeIfPending(directory: directory, options: options)
        let manifest = try ManifestStore(directory: directory, fs: fs).read()
        guard let base = try JournalFiles.segments(in: directory, fs: fs).last, base >= manifest.firstSeq else {
            return manifest.firstSeq - 1
        }
        let file = try fs.open(JournalFiles.segmentPath(directory, base), .read)
        defer { file.close() }
        var start = IndexEntry(seq: base, offset: Int64(SegmentFormat.headerSize))
        if let index = IndexFile.load(directory: directory, base: base, fs: fs), let last = index.entries.last,
           index.endOffset <= (try file.size()) {
            start = last
        }
        for attempt in [start, IndexEntry(seq: base, offset: Int64(SegmentFormat.headerSize))] {
            let cursor = SegmentCursor(file: file, offset: attempt.offset)
            var lastSeq = attempt.seq - 1
            while case .record(let seq, _, _, _) = try cursor.next(), seq == lastSeq + 1 { lastSeq = seq }
            // A stale index entry shows as a first record with another seq: scan from the header then.
            if lastSeq >= attempt.seq || attempt.offset == Int64(SegmentFormat.headerSize) { return lastSeq }
        }
        return base - 1
    }

    /// The last event in the journal (nil when empty): where a source resumes. Read-only.
    public static func lastEvent(at directory: String, options: JournalOptions = JournalOptions()) throws -> Event? {
        let last = try lastSeq(at: directory, options: options)
        let manifest = try ManifestStore(directory: directory, fs: options.fileSystem).read()
        guard last >= manifest.firstSeq else { return nil }
        let reader = try JournalReader(directory: directory, options: options)
        try reader.seek(to: last)
        return try reader.next()
    }
}

import Foundation
import TandemCore

/// What recovery found: the segments and where appends continue.
struct RecoveredState {
    var manifest: Manifest
    /// Base seqs of the segments, ascending.
    var segments: [UInt64]
    /// The last segment, opened for writing.
    var file: any JournalFile
    /// Its size after any repair (where the next record goes).
    var size: Int64
    /// Sparse index of the last segment.
    var index: [IndexEntry]
    /// The seq of the last record in the journal (firstSeq - 1 when empty).
    var lastSeq: UInt64
}

/// Brings a journal directory to a consistent state before a writer appends to it.
///
/// In order: finish or undo interrupted maintenance (deterministically, from the manifest), check
/// every segment header and the seq chain between segments, then scan the last segment and cut a
/// torn tail. Damage before the tail throws `JournalError.corrupt` and nothing is written.
struct JournalRecovery {
    let directory: String
    let options: JournalOptions
    var fs: any JournalFileSystem { options.fileSystem }

    func recover() throws -> RecoveredState {
        let store = ManifestStore(directory: directory, fs: fs)
        var manifest = try store.read()
        try cleanUpLeftovers(manifest: manifest)
        if let pending = manifest.pendingTruncateAfter {
            // A truncate --after was committed to the manifest and then interrupted: finish it first
            // (it may be cutting away damage the checks below would stop at).
            options.logger("journal \(directory): finishing an interrupted truncate --after \(pending)")
            try Truncation(directory: directory, options: options)
                .cut(after: pending, segments: try JournalFiles.segments(in: directory, fs: fs))
            manifest = try store.update { m in
                m.pendingTruncateAfter = nil
                if let d = m.damage, d.seq > pending { m.damage = nil }  // the cut removed it
                return m
            }
        }
        // Damage found earlier (by verify or a reader) stops every writer until an operator resolves it.
        if let d = manifest.damage { throw DamageRecord.refusal(d, directory: directory) }
        do {
            return try checkAndOpenTail(manifest: manifest)
        } catch let e as JournalError {
            DamageRecord.record(e, directory: directory, fs: fs, by: "writer")
            throw e
        }
    }

    /// Checks the segment chain and opens the last segment, cutting a torn tail.
    private func checkAndOpenTail(manifest: Manifest) throws -> RecoveredState {
        let segments = try JournalFiles.segments(in: directory, fs: fs)
        try SegmentChain(directory: directory, fs: fs, manifest: manifest).check(segments)
        let lastBase = segments.last!
        let path = JournalFiles.segmentPath(directory, lastBase)
        let file = try fs.open(path, .readWrite)
        do {
            let scan = try SegmentScan(file: file, base: lastBase, indexInterval: options.indexInterval)
                .run(stopAtBadTail: true)
            var size = scan.end
            // Before any repair: a journal short of what it is known to have held is refused as it is.
            try JournalHead.check(directory: directory, manifest: manifest, segments: segments, lastSeq: scan.lastSeq,
                                  tailMayBeTorn: scan.tornAt != nil)
            if let torn = scan.tornAt {
                size = try cutTornTail(file: file, at: torn, nextSeq: scan.lastSeq + 1)
            }
            return RecoveredState(manifest: manifest, segments: segments, file: file, size: size,
                                  index: scan.index, lastSeq: scan.lastSeq)
        } catch {
            file.close()
            throw error
        }
    }

    /// Removes `.tmp` files, completing a committed `truncate --before` first, and segments below firstSeq.
    func cleanUpLeftovers(manifest: Manifest) throws {
        var names = try fs.contentsOfDirectory(directory)
        var changed = false
        let committed = SegmentFormat.fileName(base: manifest.firstSeq)
        if names.contains(committed + JournalFiles.tmpSuffix) && !names.contains(committed) {
            // The manifest already moved firstSeq to this rewritten segment, which was synced before.
            try fs.rename(directory + "/" + committed + JournalFiles.tmpSuffix, to: directory + "/" + committed)
            options.logger("journal \(directory): completed an interrupted truncate --before: \(committed) in place")
            changed = true
            names = try fs.contentsOfDirectory(directory)
        }
        for name in names where name.hasSuffix(JournalFiles.tmpSuffix) && name != ManifestStore.fileName + ".tmp" {
            try fs.remove(directory + "/" + name)
            options.logger("journal \(directory): removed leftover \(name) of an interrupted operation")
            changed = true
        }
        let bases = names.compactMap(SegmentFormat.base(ofFileName:)).sorted()
        if bases.contains(manifest.firstSeq) {
            for base in bases where base < manifest.firstSeq {
                let name = SegmentFormat.fileName(base: base)
                try fs.remove(directory + "/" + name)
                try? fs.remove(directory + "/" + IndexFile.name(base: base))
                options.logger("journal \(directory): removed \(name), below the first seq \(manifest.firstSeq)")
                changed = true
            }
        }
        if changed { try fs.syncDirectory(directory) }
    }

    /// Copies the bytes from `offset` on to `<segment>.broken` (when there is room), then cuts the segment there.
    private func cutTornTail(file: any JournalFile, at offset: Int64, nextSeq: UInt64) throws -> Int64 {
        let size = try file.size()
        let dropped = size - offset
        let copy = try copyTornTail(file: file, from: offset, bytes: dropped)
        try file.truncate(to: offset)
        try file.sync()
        let base = SegmentFormat.base(ofFileName: (file.path as NSString).lastPathComponent) ?? 0
        if fs.exists(IndexFile.path(directory, base: base)) {
            try fs.remove(IndexFile.path(directory, base: base))
            try fs.syncDirectory(directory)
        }
        options.logger("journal: torn tail in \(file.path) at byte \(offset): dropped \(dropped) bytes"
                       + " (\(copy.map { "copy kept in \($0)" } ?? "no copy kept: no room on the disk"));"
                       + " appends continue at seq \(nextSeq)")
        return offset
    }

    /// Writes the torn bytes to `<segment>.broken[.N]` through a `.tmp` and a rename, so a failure never
    /// leaves a half copy; returns its path, or nil when the disk is full (the tail was never acknowledged).
    private func copyTornTail(file: any JournalFile, from offset: Int64, bytes dropped: Int64) throws -> String? {
        var brokenPath = file.path + JournalFiles.brokenSuffix
        var n = 2
        while fs.exists(brokenPath) { brokenPath = file.path + JournalFiles.brokenSuffix + ".\(n)"; n += 1 }
        let tmp = brokenPath + JournalFiles.tmpSuffix
        do {
            let broken = try fs.open(tmp, .createTruncate)
            defer { broken.close() }
            var at: Int64 = 0
            while at < dropped {
                let chunk = try file.readBytes(Int(min(dropped - at, 1 << 20)), at: offset + at)
                if chunk.isEmpty { break }
                try broken.write(chunk, at: at)
                at += Int64(chunk.count)
            }
            try broken.sync()
        } catch let JournalError.io(operation, path, code) where code == ENOSPC || code == EDQUOT {
            try? fs.remove(tmp)
            try fs.syncDirectory(directory)
            options.logger("journal \(directory): no room for a copy of the torn tail"
                           + " (\(operation) \(path): \(errnoName(code))); it is cut without one")
            return nil
        } catch {
            try? fs.remove(tmp)
            throw error
        }
        try fs.rename(tmp, to: brokenPath)
        try fs.syncDirectory(directory)
        return brokenPath
    }
}

/// Checks segment headers and that each segment starts where the previous one ended.
struct SegmentChain {
    let directory: String
    let fs: any JournalFileSystem
    let manifest: Manifest

    func check(_ segments: [UInt64]) throws {
        guard let first = segments.first else {
            throw JournalError.corrupt(file: directory, offset: 0, seq: manifest.firstSeq,
                                       reason: "no segment files (expected \(SegmentFormat.fileName(base: manifest.firstSeq)))")
        }
        if first != manifest.firstSeq {
            throw JournalError.corrupt(file: JournalFiles.segmentPath(directory, first), offset: 0,
                                       seq: manifest.firstSeq,
                                       reason: JournalError.firstSegmentMissing(SegmentFormat.fileName(base: manifest.firstSeq),
                                                                    firstSeq: manifest.firstSeq))
        }
        for (i, base) in segments.enumerated() {
            try checkHeader(base)
            guard i + 1 < segments.count else { break }
            let next = segments[i + 1]
            let last = try lastSeq(of: base)
            if last + 1 != next {
                let reason = last + 1 < next
                    ? "a segment is missing: \(SegmentFormat.fileName(base: base)) ends at seq \(last),"
                        + " the next segment starts at seq \(next)"
                    : "segments overlap: \(SegmentFormat.fileName(base: base)) ends at seq \(last),"
                        + " the next segment starts at seq \(next)"
                throw JournalError.corrupt(file: JournalFiles.segmentPath(directory, next),
                                           offset: Int64(SegmentFormat.headerSize), seq: last + 1, reason: reason)
            }
        }
    }

    func checkHeader(_ base: UInt64) throws {
        let path = JournalFiles.segmentPath(directory, base)
        let file = try fs.open(path, .read)
        defer { file.close() }
        let bytes = try file.readBytes(SegmentFormat.headerSize, at: 0)
        switch SegmentFormat.parseHeader(bytes) {
        case .failure(.version(let v)):
            throw JournalError.unsupportedVersion(path: path, found: v, supported: Int(SegmentFormat.version))
        case .failure(let problem):
            throw JournalError.corrupt(file: path, offset: 0, seq: base, reason: problem.description)
        case .success(let header):
            if header.base != base {
                throw JournalError.corrupt(file: path, offset: 0, seq: base,
                                           reason: "header says base seq \(header.base), the file name says \(base)")
            }
            if header.journalID != manifest.journalID {
                throw JournalError.corrupt(file: path, offset: 0, seq: base,
                                           reason: "segment belongs to journal \(header.journalID.uuidString.lowercased()),"
                                               + " not \(manifest.journalID.uuidString.lowercased())")
            }
        }
    }

    /// The last seq of a sealed segment: from its index file when valid, else by a scan.
    private func lastSeq(of base: UInt64) throws -> UInt64 {
        let path = JournalFiles.segmentPath(directory, base)
        let file = try fs.open(path, .read)
        defer { file.close() }
        let size = try file.size()
        if let index = IndexFile.load(directory: directory, base: base, fs: fs), index.endOffset == size,
           index.lastSeq >= base - 1 {
            // Trust it only when the records from its last entry on lead exactly to its end and last seq.
            let start = index.entries.last ?? IndexEntry(seq: base, offset: Int64(SegmentFormat.headerSize))
            let cursor = SegmentCursor(file: file, offset: start.offset)
            var expected = start.seq
            while case .record(let seq, _, _, _) = try cursor.next(), seq == expected { expected += 1 }
            if cursor.offset == size && expected - 1 == index.lastSeq { return index.lastSeq }
        }
        let scan = try SegmentScan(file: file, base: base, indexInterval: 1 << 30).run(stopAtBadTail: false)
        return scan.lastSeq
    }
}

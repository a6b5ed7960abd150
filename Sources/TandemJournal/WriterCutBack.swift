import Foundation

/// Where appends stood before a group commit: the segment, its size and the next seq.
struct AppendPosition {
    var base: UInt64
    var size: Int64
    var seq: UInt64
}

extension JournalWriter {
    /// After a failed write or sync, removes what the failed group put on disk (whole records a partial
    /// write left, records synced before a roll, segments the group created), so that a reopen finds
    /// exactly the acknowledged events and a retried batch is not duplicated. Logs what it did; when the
    /// cut itself fails it logs which seqs a reopen may still find. Returns what it did, for the caller's log
    /// line, or nil when the cut failed.
    func cutBack(to start: AppendPosition, after error: JournalError) -> String? {
        let segment = JournalFiles.segmentPath(directory, start.base)
        do {
            // First the manifest forgets the segments this group created; a crash before their removal is harmless.
            func forget() throws {
                try ManifestStore(directory: directory, fs: fs).update { m in
                    if let b = m.lastSegmentBase, b > start.base { m.lastSegmentBase = start.base }
                }
            }
            var usedReserve = false
            do {
                try forget()
            } catch let e as JournalError where e.isDiskFull && releaseReserve() {
                // The disk filled after a roll recorded its segment: the reserve's room takes the manifest.
                usedReserve = true
                try forget()
            }
            for base in try JournalFiles.segments(in: directory, fs: fs) where base > start.base {
                try fs.remove(JournalFiles.segmentPath(directory, base))
                try? fs.remove(IndexFile.path(directory, base: base))
            }
            // An index written at a roll in this group describes records about to be cut.
            if fs.exists(IndexFile.path(directory, base: start.base)) {
                try fs.remove(IndexFile.path(directory, base: start.base))
            }
            try fs.syncDirectory(directory)
            let file = try fs.open(segment, .readWrite)
            defer { file.close() }
            if try file.size() != start.size {
                try file.truncate(to: start.size)
                try file.sync()
            }
            return "cut the unacknowledged tail back to seq \(start.seq - 1) (\(segment) at byte \(start.size)"
                + (usedReserve ? ", in the room of \(Self.reserveName)" : "") + "); nothing after it was acknowledged"
        } catch {
            options.logger("journal \(directory): after the failed write, could not cut the unacknowledged tail back to"
                           + " seq \(start.seq - 1) (\(error)); a reopen may find seqs from \(start.seq) on that were"
                           + " reported as not appended")
            return nil
        }
    }
}

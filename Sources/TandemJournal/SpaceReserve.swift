import Foundation

/// Spare room for undoing a failed append on a full disk: `space.reserve`, a file of zeros in the journal
/// directory. A group that fills the disk after a segment roll must rewrite the manifest to cut back (it
/// recorded the new segment), and that rewrite needs room; the writer deletes the reserve to make it, and
/// makes the reserve again after the next append that succeeds. Without it the writer would close, and a
/// reopen could find events that were reported as not appended.
extension JournalWriter {
    static let reserveName = "space.reserve"

    var reservePath: String { directory + "/" + Self.reserveName }

    /// Makes sure the reserve is there; on a full disk it stays missing (no half file), to be tried again.
    /// Returns whether it is there.
    @discardableResult
    func ensureReserve() -> Bool {
        if options.spaceReserve <= 0 || fs.exists(reservePath) { return true }
        let tmp = reservePath + JournalFiles.tmpSuffix
        do {
            let file = try fs.open(tmp, .createTruncate)
            defer { file.close() }
            try file.write([UInt8](repeating: 0, count: options.spaceReserve), at: 0)
            try file.sync()
            try fs.rename(tmp, to: reservePath)
            try fs.syncDirectory(directory)
            return true
        } catch {
            try? fs.remove(tmp)
            return false
        }
    }

    /// Deletes the reserve to free its room; false when there was none.
    func releaseReserve() -> Bool {
        guard fs.exists(reservePath), (try? fs.remove(reservePath)) != nil else { return false }
        return true
    }
}

import Foundation

/// Lets a reader (inspect, tail, verify, stats, replay) see a journal whose `truncate --before` was
/// interrupted after its commit point: the manifest already starts at `firstSeq`, but the rewritten
/// `<firstSeq>.seg` still has its `.tmp` name. Without this, readers would report the first segment as
/// missing until the next writer opens, and the corruption hint would point at a cut dropping every event.
enum InterruptedTruncation {
    /// True when the manifest's first segment is absent but its synced rewrite waits under the `.tmp` name.
    static func isPending(directory: String, manifest: Manifest, fs: any JournalFileSystem) -> Bool {
        let path = JournalFiles.segmentPath(directory, manifest.firstSeq)
        return !fs.exists(path) && fs.exists(path + JournalFiles.tmpSuffix)
    }

    /// Completes a pending one as a writer's open would (rename into place, remove what lies below), under
    /// the writer lock. When a writer holds the lock, its own open has completed it (or is about to).
    /// Returns true when the journal was changed.
    @discardableResult
    static func completeIfPending(directory: String, options: JournalOptions) throws -> Bool {
        let fs = options.fileSystem
        let store = ManifestStore(directory: directory, fs: fs)
        guard isPending(directory: directory, manifest: try store.read(), fs: fs) else { return false }
        let lock: any JournalFileLock
        do {
            lock = try fs.lockExclusive(directory + "/" + JournalFiles.writerLock, journal: directory)
        } catch JournalError.locked {
            return false
        }
        defer { lock.unlock() }
        let manifest = try store.read()  // re-read under the lock: a writer may have finished it meanwhile
        guard isPending(directory: directory, manifest: manifest, fs: fs) else { return false }
        try JournalRecovery(directory: directory, options: options).cleanUpLeftovers(manifest: manifest)
        return true
    }
}

/// How a file is opened through a `JournalFileSystem`.
public enum FileOpenMode: Sendable {
    /// Read only; the file must exist.
    case read
    /// Read and write; the file must exist.
    case readWrite
    /// Read and write; created when missing, kept when present.
    case createOrOpen
    /// Read and write; created empty, replacing any file of that name (for `.tmp` files).
    case createTruncate
}

/// The file operations the journal performs, so tests can simulate power loss and I/O faults.
///
/// Contract for every implementation: a write is durable only after `dataSync`/`sync` on that file
/// returned; a directory entry (create, rename, remove) is durable only after `syncDirectory` on its
/// directory returned; a failed call has no guaranteed effect and a failed sync may have lost the data.
/// Every error thrown is a `JournalError.io` naming the operation and path.
public protocol JournalFileSystem: Sendable {
    /// Opens (or creates) a file.
    func open(_ path: String, _ mode: FileOpenMode) throws -> any JournalFile
    /// Atomically renames `from` to `to`, replacing `to`.
    func rename(_ from: String, to: String) throws
    /// Removes a file (unlink).
    func remove(_ path: String) throws
    /// Makes the directory's entries durable (fsync of the directory).
    func syncDirectory(_ path: String) throws
    /// Names (not paths) of the entries of a directory.
    func contentsOfDirectory(_ path: String) throws -> [String]
    /// True when a file or directory exists at `path`.
    func exists(_ path: String) -> Bool
    /// Creates a directory (and its parents); no error when it exists.
    func makeDirectory(_ path: String) throws
    /// Takes an exclusive, non-blocking lock on `path` and writes this process's pid into it;
    /// throws `JournalError.locked` naming the holder's pid when another process has it.
    func lockExclusive(_ path: String, journal: String) throws -> any JournalFileLock
    /// Takes an exclusive lock on `path`, waiting for it (short critical sections such as manifest updates).
    func lockBlocking(_ path: String) throws -> any JournalFileLock
    /// The pid written into a lock file by its holder when that process still holds it, else nil.
    func lockHolder(_ path: String) -> Int32?
}

/// An open file. Not thread-safe: one owner at a time.
public protocol JournalFile: AnyObject {
    /// The path it was opened with.
    var path: String { get }
    /// Reads up to `buffer.count` bytes at `offset`; returns the count read (0 at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
    /// Writes all of `bytes` at `offset` (pwrite, looping over short writes).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws
    /// fdatasync.
    func dataSync() throws
    /// fsync.
    func sync() throws
    /// ftruncate.
    func truncate(to size: Int64) throws
    /// The current size in bytes.
    func size() throws -> Int64
    /// Closes the descriptor; further calls fail.
    func close()
}

/// A held file lock, released by `unlock` (or when the process exits).
public protocol JournalFileLock: AnyObject {
    /// Releases the lock.
    func unlock()
}

extension JournalFile {
    /// Writes a byte array at `offset`.
    func write(_ bytes: [UInt8], at offset: Int64) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    /// Reads exactly `count` bytes at `offset`, or fewer only at end of file.
    func readBytes(_ count: Int, at offset: Int64) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = try out.withUnsafeMutableBytes { raw in
                try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]), at: offset + Int64(done))
            }
            if n == 0 { break }
            done += n
        }
        if done < count { out.removeSubrange(done...) }
        return out
    }

    /// Fills `buffer` from `offset` as far as the file goes; returns the count read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), at: offset + Int64(done))
            if n == 0 { break }
            done += n
        }
        return done
    }
}

extension JournalFileSystem {
    /// Puts `bytes` at `path` so that a crash leaves the old file or the new one, never a mix:
    /// write `<path>.tmp`, fsync it, rename it over `path`, fsync `directory`.
    func replaceDurably(_ path: String, with bytes: [UInt8], directory: String) throws {
        let tmp = path + JournalFiles.tmpSuffix
        let file = try open(tmp, .createTruncate)
        do {
            try file.write(bytes, at: 0)
            try file.sync()
            file.close()
        } catch {
            file.close()
            throw error
        }
        try rename(tmp, to: path)
        try syncDirectory(directory)
    }
}

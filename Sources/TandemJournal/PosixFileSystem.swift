import Foundation

/// The real file system: POSIX calls on Linux.
public struct PosixFileSystem: JournalFileSystem {
    /// The POSIX file system.
    public init() {}

    /// Files the journal creates: owner read/write only — segments hold legacy personal data.
    public static let fileMode: mode_t = 0o600
    /// Directories the journal creates: owner only.
    public static let directoryMode: Int = 0o700

    public func open(_ path: String, _ mode: FileOpenMode) throws -> any JournalFile {
        let flags: Int32
        switch mode {
        case .read: flags = O_RDONLY
        case .readWrite: flags = O_RDWR
        case .createOrOpen: flags = O_RDWR | O_CREAT
        case .createTruncate: flags = O_RDWR | O_CREAT | O_TRUNC
        }
        let fd = Glibc.open(path, flags | O_CLOEXEC, PosixFileSystem.fileMode)
        guard fd >= 0 else { throw JournalError.io(operation: "open", path: path, errno: errno) }
        return PosixFile(fd: fd, path: path)
    }

    public func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw JournalError.io(operation: "rename", path: from, errno: errno) }
    }

    public func remove(_ path: String) throws {
        guard unlink(path) == 0 else { throw JournalError.io(operation: "unlink", path: path, errno: errno) }
    }

    public func syncDirectory(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw JournalError.io(operation: "open", path: path, errno: errno) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw JournalError.io(operation: "fsync", path: path, errno: errno) }
    }

    public func contentsOfDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw JournalError.io(operation: "opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: PosixFileSystem.directoryMode])
        } catch {
            throw JournalError.io(operation: "mkdir", path: path, errno: errno == 0 ? EIO : errno)
        }
    }

    public func lockExclusive(_ path: String, journal: String) throws -> any JournalFileLock {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, PosixFileSystem.fileMode)
        guard fd >= 0 else { throw JournalError.io(operation: "open", path: path, errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            Glibc.close(fd)
            guard code == EWOULDBLOCK else { throw JournalError.io(operation: "flock", path: path, errno: code) }
            throw JournalError.locked(path: journal, holderPID: readPID(path))
        }
        // The pid is only for the error message of a second writer: no sync needed.
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return PosixLock(fd: fd, clearOnUnlock: true)
    }

    public func lockBlocking(_ path: String) throws -> any JournalFileLock {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, PosixFileSystem.fileMode)
        guard fd >= 0 else { throw JournalError.io(operation: "open", path: path, errno: errno) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let code = errno
                Glibc.close(fd)
                throw JournalError.io(operation: "flock", path: path, errno: code)
            }
        }
        return PosixLock(fd: fd)
    }

    public func lockHolder(_ path: String) -> Int32? {
        // Probing with flock would make a writer starting at that moment fail; the pid it wrote
        // and whether that process is alive answer without touching the lock.
        guard let pid = readPID(path), pid > 0 else { return nil }
        if kill(pid, 0) == 0 || errno == EPERM { return pid }
        return nil
    }

    private func readPID(_ path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A file descriptor from `open(2)`.
final class PosixFile: JournalFile {
    private var fd: Int32
    let path: String

    init(fd: Int32, path: String) { self.fd = fd; self.path = path }
    deinit { if fd >= 0 { Glibc.close(fd) } }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        while true {
            let n = pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw JournalError.io(operation: "read", path: path, errno: errno) }
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
            if n < 0 {
                if errno == EINTR { continue }
                throw JournalError.io(operation: "write", path: path, errno: errno)
            }
            done += n
        }
    }

    func dataSync() throws {
        guard fdatasync(fd) == 0 else { throw JournalError.io(operation: "fdatasync", path: path, errno: errno) }
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw JournalError.io(operation: "fsync", path: path, errno: errno) }
    }

    func truncate(to size: Int64) throws {
        guard ftruncate(fd, off_t(size)) == 0 else {
            throw JournalError.io(operation: "ftruncate", path: path, errno: errno)
        }
    }

    func size() throws -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw JournalError.io(operation: "fstat", path: path, errno: errno) }
        return Int64(st.st_size)
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}

/// A held flock; closing the descriptor releases it.
final class PosixLock: JournalFileLock {
    private var fd: Int32
    /// The writer lock: its pid is wiped on release, so a closed writer is not reported as live.
    private let clearOnUnlock: Bool
    init(fd: Int32, clearOnUnlock: Bool = false) { self.fd = fd; self.clearOnUnlock = clearOnUnlock }
    deinit { unlock() }
    func unlock() {
        guard fd >= 0 else { return }
        if clearOnUnlock { _ = ftruncate(fd, 0) }
        Glibc.close(fd); fd = -1
    }
}

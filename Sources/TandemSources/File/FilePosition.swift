import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// Where the file source is: the file (device, inode, fingerprint of its first bytes), the byte offset just
/// after the last consumed line, and a checksum of the bytes just before that offset (the last line).
/// Serialized as `NAME@DEV:INO:FPLEN:FPCRC:OFFSET:TAILLEN:TAILCRC` (NAME for humans only); positions written
/// before the tail check existed end at OFFSET and are still read.
///
/// The fingerprint alone cannot tell a file rewritten in place (copy-truncate) from the old one when lines
/// share their first KiB (schema-wrapped Debezium lines): the tail checksum can.
public struct FilePosition: Sendable, Equatable {
    /// Bytes of the file's start covered by the fingerprint, at most.
    public static let fingerprintLimit = 1024

    /// The file's name when the position was taken (for people; not used to find the file).
    public var name: String
    /// `st_dev` of the file.
    public var device: UInt64
    /// `st_ino` of the file.
    public var inode: UInt64
    /// How many leading bytes the fingerprint covers (min(1024, offset) when recorded).
    public var fingerprintLength: Int
    /// CRC-32C of those bytes.
    public var fingerprint: UInt32
    /// File offset just after the last consumed line.
    public var offset: Int64
    /// The last consumed bytes before `offset` (the last line with its newline, or the end of an oversized
    /// one): their count and CRC-32C. Nil in positions written before the check existed.
    public var tail: (length: Int, crc: UInt32)?

    /// The serialized form stored as the event's sourcePosition.
    public var text: String {
        let base = "\(name)@\(device):\(inode):\(fingerprintLength):\(String(fingerprint, radix: 16)):\(offset)"
        guard let tail else { return base }
        return base + FilePosition.tailText(tail)
    }

    /// The `:TAILLEN:TAILCRC` suffix.
    static func tailText(_ tail: (length: Int, crc: UInt32)) -> String { ":\(tail.length):\(String(tail.crc, radix: 16))" }

    /// A position from its parts.
    public init(name: String, device: UInt64, inode: UInt64, fingerprintLength: Int, fingerprint: UInt32, offset: Int64,
                tail: (length: Int, crc: UInt32)? = nil) {
        self.name = name; self.device = device; self.inode = inode
        self.fingerprintLength = fingerprintLength; self.fingerprint = fingerprint; self.offset = offset
        self.tail = tail
    }

    /// Parses the serialized form; nil when it is not one.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let parts = text[text.index(after: at)...].split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5 || parts.count == 7, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]), let fl = Int(parts[2]),
              fl >= 0, fl <= FilePosition.fingerprintLimit, let fp = UInt32(parts[3], radix: 16),
              let off = Int64(parts[4]), off >= 0 else { return nil }
        var tail: (Int, UInt32)?
        if parts.count == 7 {
            guard let len = Int(parts[5]), len > 0, Int64(len) <= off, let crc = UInt32(parts[6], radix: 16) else { return nil }
            tail = (len, crc)
        }
        self.init(name: String(text[..<at]), device: dev, inode: ino, fingerprintLength: fl, fingerprint: fp, offset: off, tail: tail)
    }

    public static func == (a: FilePosition, b: FilePosition) -> Bool {
        a.name == b.name && a.device == b.device && a.inode == b.inode && a.fingerprintLength == b.fingerprintLength
            && a.fingerprint == b.fingerprint && a.offset == b.offset && a.tail?.length == b.tail?.length && a.tail?.crc == b.tail?.crc
    }
}

/// Small POSIX helpers for the file source.
enum POSIXFile {
    /// (device, inode, size, mtime in ns) of an open file.
    static func stat(fd: Int32) -> (dev: UInt64, ino: UInt64, size: Int64, mtime: Int64)? {
        var st = Glibc.stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino), Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    /// (device, inode, size, mtime in ns) of a path, nil when it does not exist.
    static func stat(path: String) -> (dev: UInt64, ino: UInt64, size: Int64, mtime: Int64)? {
        var st = Glibc.stat()
        guard statPath(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino), Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec))
    }

    /// Reads up to `count` bytes at `offset`, retrying EINTR; returns the bytes read.
    static func pread(fd: Int32, into p: UnsafeMutableRawPointer, count: Int, offset: Int64) -> Int {
        while true {
            let n = Glibc.pread(fd, p, count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            return -1
        }
    }

    /// CRC-32C of the first `length` bytes of an open file; nil when it is shorter.
    static func fingerprint(fd: Int32, length: Int) -> UInt32? {
        if length == 0 { return CRC32C.checksum([]) }
        var buf = [UInt8](repeating: 0, count: length)
        let n = buf.withUnsafeMutableBytes { pread(fd: fd, into: $0.baseAddress!, count: length, offset: 0) }
        guard n == length else { return nil }
        return CRC32C.checksum(buf)
    }

    /// True when the `tail.length` bytes before `offset` of an open file have the CRC-32C `tail.crc`.
    static func tailMatches(fd: Int32, offset: Int64, tail: (length: Int, crc: UInt32)) -> Bool {
        guard Int64(tail.length) <= offset else { return false }
        var buf = [UInt8](repeating: 0, count: tail.length)
        let n = buf.withUnsafeMutableBytes { pread(fd: fd, into: $0.baseAddress!, count: tail.length, offset: offset - Int64(tail.length)) }
        return n == tail.length && CRC32C.checksum(buf) == tail.crc
    }

    /// Paths matching a shell glob, nil-safe.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func directory(_ path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return "." }
        return i == path.startIndex ? "/" : String(path[..<i])
    }
}

// `stat` the function is shadowed by `stat` the struct inside `POSIXFile.stat(path:)`.
private func statPath(_ path: String, _ st: UnsafeMutablePointer<stat>) -> Int32 { stat(path, st) }

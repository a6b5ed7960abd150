import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// One complete line handed out by the tailer.
enum TailLine {
    /// A line (without `\n` or a trailing `\r`), valid until the next call; `position` resumes after it.
    case line(UnsafeRawBufferPointer, position: String)
    /// A line longer than the limit: its first bytes, its full length, and the position after it.
    case oversized(sample: [UInt8], length: Int64, position: String)
}

/// Follows a growing text file line by line the way `tail -F` does: low latency without busy polling,
/// partial last lines wait for their newline, rename rotation (the old file is read to its end first),
/// copy-truncate (detected, logged, read from the start), and rotated files (a glob) read in order first.
///
/// Memory is bounded by `maxLineBytes` plus one read chunk, however long the file or a line.
/// - Important: not thread-safe; one reader.
final class FileTailer {
    struct Settings {
        var path: String
        /// Rotated files to read first, oldest first by modification time (e.g. `/var/log/app/changes.log.*`).
        var rotatedGlob: String?
        var maxLineBytes: Int = 1 << 20
        var readChunk: Int = 256 * 1024
        /// Bytes of an oversized line kept for quarantine.
        var sampleBytes: Int = 64 * 1024
        var log: @Sendable (String) -> Void = OperatorLog.stderr
    }

    let settings: Settings
    // The open file.
    var fd: Int32 = -1
    var device: UInt64 = 0
    var inode: UInt64 = 0
    var fileName = ""
    /// True while reading the file at `settings.path` (not a rotated one from the queue).
    var onLivePath = false
    /// Files still to read before the live path (catch-up after a start or restart).
    var queue: [String] = []
    /// Offset just after the last consumed line.
    var offset: Int64 = 0
    // Buffer: bytes [lo, hi) are file bytes [bufBase + lo, bufBase + hi).
    var buffer: UnsafeMutableRawBufferPointer
    var bufBase: Int64 = 0
    var lo = 0
    var hi = 0
    // An oversized line being skipped.
    var skipping = false
    var skipped: Int64 = 0
    var sample: [UInt8] = []
    // Fingerprint cache: the position's constant part once the fingerprint covers the full limit.
    var stablePrefix: String?
    /// The fingerprint last put into a position: (covered length, CRC-32C), to notice a rewritten file.
    var lastFingerprint: (length: Int, crc: UInt32)?
    /// The last consumed bytes before `offset` (count, CRC-32C): put into positions, checked on resume and
    /// when idle, to notice a file rewritten in place whose first KiB did not change.
    var lastTail: (length: Int, crc: UInt32)?
    /// The last read found the end of the file.
    var atEnd = false
    let watcher: FileWatcher

    init(_ settings: Settings) {
        self.settings = settings
        let cap = max(settings.readChunk, 4096) + settings.maxLineBytes + 1
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: cap, alignment: 16)
        watcher = FileWatcher(directory: POSIXFile.directory(settings.path))
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Bytes of an oversized line kept for quarantine: never more than the limit itself.
    var sampleLimit: Int { min(settings.sampleBytes, settings.maxLineBytes) }

    /// The current position (after the last consumed line), or nil before a file is open.
    var position: String? { fd >= 0 ? positionText() : nil }

    func positionText() -> String {
        let tail = lastTail.map(FilePosition.tailText) ?? ""
        if let p = stablePrefix { return p + String(offset) + tail }
        let len = Int(min(offset, Int64(FilePosition.fingerprintLimit)))
        let crc = POSIXFile.fingerprint(fd: fd, length: len) ?? 0
        lastFingerprint = (len, crc)
        let prefix = "\(fileName)@\(device):\(inode):\(len):\(String(crc, radix: 16)):"
        if len == FilePosition.fingerprintLimit { stablePrefix = prefix }
        return prefix + String(offset) + tail
    }

    /// Records the consumed bytes `[start, newline]` of the buffer as the tail before the new offset.
    private func consumedTail(_ start: Int, through newline: Int) {
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[start...newline])
        lastTail = (bytes.count, CRC32C.checksum(bytes))
    }

    /// The next complete line, or nil when none is available now (end of data; call `wait`).
    func next() throws -> TailLine? {
        if fd < 0, !(try openLiveIfNeeded()) { return nil }
        while true {
            if lo < hi, let nl = memchr(buffer.baseAddress! + lo, 0x0A, hi - lo) {
                let idx = buffer.baseAddress!.distance(to: nl)
                var end = idx
                let start = lo
                lo = idx + 1
                offset = bufBase + Int64(lo)
                consumedTail(start, through: idx)
                if skipping {
                    let length = skipped + Int64(idx - start)
                    skipping = false; skipped = 0
                    let s = sample; sample = []
                    return .oversized(sample: s, length: length, position: positionText())
                }
                if idx - start > settings.maxLineBytes {
                    // A whole line already in the buffer (it fits a read chunk) is held to the limit too.
                    let s = Array(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + sampleLimit)]))
                    return .oversized(sample: s, length: Int64(idx - start), position: positionText())
                }
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                return .line(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), position: positionText())
            }
            // No newline in the buffer.
            if skipping {
                skipped += Int64(hi - lo); lo = hi
            } else if hi - lo > settings.maxLineBytes {
                skipping = true
                sample = Array(UnsafeRawBufferPointer(rebasing: buffer[lo..<(lo + min(sampleLimit, hi - lo))]))
                skipped = Int64(hi - lo); lo = hi
            }
            // New bytes after the end was reached: first make sure the file was not rewritten meanwhile, or
            // they would be read from the old offset in the middle of the new content.
            if atEnd { restartIfRewritten() }
            atEnd = false
            if try fill() > 0 { continue }
            atEnd = true
            if try endOfData() { continue }
            return nil
        }
    }

    /// Reads more bytes into the buffer; 0 at the end of the file.
    func fill() throws -> Int {
        if lo == hi { bufBase += Int64(lo); lo = 0; hi = 0 }
        if hi == buffer.count {
            // Move the partial line to the front; a line longer than the buffer is being skipped or will be.
            let n = hi - lo
            if lo > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + lo, byteCount: n)
                bufBase += Int64(lo); lo = 0; hi = n
            } else {
                // A partial line fills the whole buffer: it is over the limit; start skipping it.
                skipping = true
                sample = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<min(sampleLimit, n)]))
                skipped = Int64(n); bufBase += Int64(hi); lo = 0; hi = 0
            }
        }
        let n = POSIXFile.pread(fd: fd, into: buffer.baseAddress! + hi, count: buffer.count - hi, offset: bufBase + Int64(hi))
        if n < 0 { throw SourceError.io(path: fileName, operation: "read", errno: errno) }
        hi += n
        if n > 0 { watcher.reset() }
        return n
    }

    /// At the end of the open file: moves to the next queued file, follows a rename rotation, or restarts
    /// after a copy-truncate. True when there is something new to read.
    func endOfData() throws -> Bool {
        if !queue.isEmpty {
            if skipping || lo < hi {
                settings.log("\(fileName): ends with an incomplete line of \(Int64(hi - lo) + skipped) bytes at offset \(offset); it is skipped")
            }
            let next = queue.removeFirst()
            try open(path: next, at: 0)
            return true
        }
        if !onLivePath {
            // The last rotated file is done: go on with the live path (when it is another file).
            guard let live = POSIXFile.stat(path: settings.path), live.dev != device || live.ino != inode else { return false }
            if skipping || lo < hi {
                settings.log("\(fileName): ends with an incomplete line of \(Int64(hi - lo) + skipped) bytes at offset \(offset); it is skipped")
            }
            try open(path: settings.path, at: 0)
            return true
        }
        guard let st = POSIXFile.stat(fd: fd) else { return false }
        if st.size < offset || isRewritten() {
            settings.log("\(settings.path): file shrank from \(offset) to \(st.size) bytes or was rewritten (copy-truncate); reading it again from the start")
            resetBuffer(at: 0)
            stablePrefix = nil; lastFingerprint = nil
            return true
        }
        guard let now = POSIXFile.stat(path: settings.path), now.dev != device || now.ino != inode else { return false }
        // Rename rotation: a new file is at the path. Read what the writer still added to the old one first.
        if try fill() > 0 { return true }
        if skipping || lo < hi {
            settings.log("\(settings.path): rotated with an incomplete last line of \(Int64(hi - lo) + skipped) bytes at offset \(offset) in the old file; it is skipped")
        }
        settings.log("\(settings.path): rotated (inode \(inode) → \(now.ino)); the old file was read to its end, following the new file")
        try open(path: settings.path, at: 0)
        return true
    }

    func resetBuffer(at off: Int64) {
        offset = off; bufBase = off; lo = 0; hi = 0
        lastTail = nil
        skipping = false; skipped = 0; sample = []
    }

    /// Opens `path` and positions it at `off`.
    func open(path: String, at off: Int64) throws {
        let f = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard f >= 0 else { throw SourceError.io(path: path, operation: "open", errno: errno) }
        guard let st = POSIXFile.stat(fd: f) else {
            let e = errno; close(f)
            throw SourceError.io(path: path, operation: "fstat", errno: e)
        }
        if fd >= 0 { close(fd) }
        fd = f; device = st.dev; inode = st.ino
        fileName = POSIXFile.basename(path)
        onLivePath = path == settings.path
        stablePrefix = nil; lastFingerprint = nil; atEnd = false
        resetBuffer(at: off)
    }

    /// Opens the live path when nothing is open yet (it may appear later). True when a file is open.
    func openLiveIfNeeded() throws -> Bool {
        if fd >= 0 { return true }
        guard POSIXFile.stat(path: settings.path) != nil else { return false }
        try open(path: settings.path, at: 0)
        return true
    }

    /// Waits for the file to change, up to `limit`, or until `stop` fires; then notices a file truncated
    /// and rewritten past the old offset meanwhile (its first bytes changed), before anything is read.
    func wait(limit: Duration, stop: StopSignal?) {
        watcher.wait(limit: limit, stop: stop)
        restartIfRewritten()
    }

    /// Goes back to offset 0 of the live file when it was rewritten in place (copy-truncate), with a log line.
    func restartIfRewritten() {
        guard onLivePath, fd >= 0, isRewritten() else { return }
        settings.log("\(settings.path): the file's first bytes or the bytes before offset \(offset) changed (copy-truncate); reading it again from the start")
        resetBuffer(at: 0)
        stablePrefix = nil; lastFingerprint = nil
    }

    /// True when the open file's first bytes no longer match the last recorded fingerprint, or the bytes just
    /// before the offset no longer match the last consumed line.
    func isRewritten() -> Bool {
        if let fp = lastFingerprint, fp.length > 0, POSIXFile.fingerprint(fd: fd, length: fp.length) != fp.crc { return true }
        if let t = lastTail, !POSIXFile.tailMatches(fd: fd, offset: offset, tail: t) { return true }
        return false
    }
}

import Foundation

/// The ceiling for durable appends: a plain write + fdatasync loop, one write per group.
enum RawDisk {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Records per second of writing `records` in groups of `group` (one write + one fdatasync a group).
    static func appendRate(records: [[UInt8]], group: Int, path: String) throws -> Double {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw Failure(description: "open \(path): errno \(errno)") }
        defer { close(fd); unlink(path) }
        var buffer = [UInt8]()
        buffer.reserveCapacity(records.prefix(group).reduce(0) { $0 + $1.count } + 64)
        let start = now()
        var i = 0
        while i < records.count {
            buffer.removeAll(keepingCapacity: true)
            let end = min(i + group, records.count)
            for r in records[i..<end] { buffer.append(contentsOf: r) }
            try buffer.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 { if errno == EINTR { continue }; throw Failure(description: "write: errno \(errno)") }
                    off += n
                }
            }
            guard fdatasync(fd) == 0 else { throw Failure(description: "fdatasync: errno \(errno)") }
            i = end
        }
        return Double(records.count) / (now() - start)
    }
}

extension RawDisk {
    /// Mean milliseconds of one 256-byte pread at a random offset of the journal's segment files.
    static func preadLatencyMs(directory: String, count: Int) throws -> Double {
        let files = try segmentFiles(directory)
        let fds = files.map { open($0, O_RDONLY) }
        defer { fds.forEach { close($0) } }
        let sizes = fds.map { Int(lseek($0, 0, SEEK_END)) }
        var gen = SampleEvents(seed: 5)
        var buffer = [UInt8](repeating: 0, count: 256)
        let t0 = now()
        for _ in 0..<count {
            let i = Int(gen.next() % UInt64(fds.count))
            let off = Int(gen.next() % UInt64(max(sizes[i] - 256, 1)))
            _ = buffer.withUnsafeMutableBytes { pread(fds[i], $0.baseAddress!, 256, off_t(off)) }
        }
        return (now() - t0) * 1000 / Double(count)
    }

    private static func segmentFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".seg") }.sorted().map { directory + "/" + $0 }
    }
}

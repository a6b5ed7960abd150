import Foundation

/// Buffered stdout (JSONL output is a hot path) and unbuffered stderr.
enum Output {
    // The CLI is single-threaded: only `main` touches the buffer.
    nonisolated(unsafe) private static var buffer: [UInt8] = { var b = [UInt8](); b.reserveCapacity(1 << 16); return b }()

    /// Appends text to stdout.
    static func out(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Appends bytes to stdout.
    static func out(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Writes everything buffered to stdout.
    static func flush() {
        guard !buffer.isEmpty else { return }
        writeAll(1, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes a line to stderr at once.
    static func err(_ text: String) { writeAll(2, Array(text.utf8)) }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; return }  // EPIPE: the reader left; stop quietly
                off += n
            }
        }
    }
}

/// "1 event", "2 events".
func plural(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

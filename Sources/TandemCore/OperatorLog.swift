#if canImport(Glibc)
import Glibc
#endif

/// Log lines for operators: what happened, to what, what Tandem does next.
public enum OperatorLog {
    /// Writes `tandem: <line>` to stderr in one write(2), so lines from several threads never interleave.
    @Sendable public static func stderr(_ line: String) {
        // Log lines quote legacy input (positions, reasons): never a raw control sequence on a terminal.
        var text = "tandem: " + TerminalText.escaped(line) + "\n"
        text.withUTF8 { u in
            var off = 0
            while off < u.count {
                let n = write(2, u.baseAddress! + off, u.count - off)
                if n < 0 { if errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}

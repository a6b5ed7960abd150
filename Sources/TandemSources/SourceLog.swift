#if canImport(Glibc)
import Glibc
#endif

/// Operator log lines of the sources (stderr by default; a CLI or test may pass its own sink).
public enum SourceLog {
    /// Writes `tandem: <line>` to stderr in one write.
    @Sendable public static func stderr(_ line: String) {
        var text = "tandem: " + line + "\n"
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

import Foundation
import TandemCore

/// Receives the journal's operator log lines (repairs, cleanups); the default writes them to stderr.
public typealias JournalLogger = @Sendable (String) -> Void

/// Settings shared by writers, readers and the maintenance operations.
public struct JournalOptions: Sendable {
    /// Roll to a new segment once a segment would grow past this many bytes (default 64 MiB).
    public var segmentSize: Int
    /// One sparse-index entry per this many bytes of segment (default 64 KiB).
    public var indexInterval: Int
    /// The file system all journal I/O goes through.
    public var fileSystem: any JournalFileSystem
    /// Where repair and cleanup lines go.
    public var logger: JournalLogger
    /// Bytes the writer keeps in `space.reserve` to cut back a failed append on a full disk (0: none).
    public var spaceReserve = 64 << 10

    /// The segment size when none is given (64 MiB).
    public static let defaultSegmentSize = 64 << 20

    /// Options with the defaults, overridable per field.
    public init(segmentSize: Int = JournalOptions.defaultSegmentSize, indexInterval: Int = 64 << 10,
                fileSystem: any JournalFileSystem = PosixFileSystem(),
                logger: @escaping JournalLogger = JournalOptions.standardErrorLogger) {
        self.segmentSize = segmentSize
        self.indexInterval = indexInterval
        self.fileSystem = fileSystem
        self.logger = logger
    }

    /// Writes one line to stderr, prefixed with `tandem: `.
    public static let standardErrorLogger: JournalLogger = OperatorLog.stderr
}

/// Names of the files in a journal directory.
enum JournalFiles {
    static let writerLock = "writer.lock"
    static let head = "head"
    static let segmentSuffix = ".seg"
    static let indexSuffix = ".idx"
    static let tmpSuffix = ".tmp"
    static let brokenSuffix = ".broken"

    /// The segments of a directory, sorted by base seq.
    static func segments(in directory: String, fs: any JournalFileSystem) throws -> [UInt64] {
        try fs.contentsOfDirectory(directory).compactMap(SegmentFormat.base(ofFileName:)).sorted()
    }

    static func segmentPath(_ directory: String, _ base: UInt64) -> String {
        directory + "/" + SegmentFormat.fileName(base: base)
    }
}

import Foundation
import TandemCore

/// The journal's small manifest (`manifest.json`): identity, log start, consumers and truncation history.
public struct Manifest: Codable, Sendable, Equatable {
    /// The journal format version (segments and manifest).
    public var formatVersion: Int
    /// The journal id, a UUID made at `init`; every segment header carries it.
    public var journalID: UUID
    /// When the journal was created (RFC 3339, UTC).
    public var createdAt: String
    /// The first seq the journal holds; records below it are history dropped by `truncate --before`.
    public var firstSeq: UInt64
    /// Set while a `truncate --after` is being carried out; open finishes it.
    public var pendingTruncateAfter: UInt64?
    /// Registered consumers (sinks) and the seq each has applied.
    public var consumers: [Consumer]
    /// Every truncation, oldest first.
    public var history: [Truncation]
    /// Damage found and not yet resolved; writers refuse to open while it is set (nil: none known).
    public var damage: Damage? = nil
    /// The last seq at the writer's last clean close or truncation: the journal must reach it (nil: not recorded).
    public var headSeq: UInt64? = nil
    /// The base seq of the newest segment the writer created: it must exist (nil: not recorded).
    public var lastSegmentBase: UInt64? = nil
    /// The segment size given at `init` (bytes); writers roll there unless given another (nil: the default).
    public var segmentSize: Int? = nil

    /// A registered consumer of the journal.
    public struct Consumer: Codable, Sendable, Equatable {
        /// The consumer's name, unique in the journal.
        public var name: String
        /// The highest seq the consumer has applied (0: none).
        public var appliedSeq: UInt64
        /// When `appliedSeq` last changed (RFC 3339, UTC).
        public var updatedAt: String
        /// A batch through this seq may be committed to the consumer's store although `appliedSeq` does not
        /// show it yet (recorded before each commit, cleared when `appliedSeq` is set; nil: none).
        public var reservedSeq: UInt64? = nil

        /// The highest seq the consumer may have applied: what `truncate --after` must keep.
        public var mayHaveApplied: UInt64 { max(appliedSeq, reservedSeq ?? 0) }
    }

    /// One truncation, as recorded in the history.
    public struct Truncation: Codable, Sendable, Equatable {
        /// "before" or "after".
        public var kind: String
        /// The SEQ given to the truncation.
        public var seq: UInt64
        /// The first and last seq dropped (nil when nothing was dropped).
        public var droppedFirst: UInt64?
        public var droppedLast: UInt64?
        /// True when consumers' positions were overridden with force.
        public var forced: Bool
        /// When it happened (RFC 3339, UTC).
        public var at: String
    }

    /// The consumer of that name, if registered.
    public func consumer(_ name: String) -> Consumer? { consumers.first { $0.name == name } }
}

/// Reads and atomically replaces `manifest.json`; updates are read-modify-write under `manifest.lock`.
struct ManifestStore {
    static let fileName = "manifest.json"
    static let lockName = "manifest.lock"
    let directory: String
    let fs: any JournalFileSystem

    var path: String { directory + "/" + Self.fileName }

    /// The manifest as on disk.
    func read() throws -> Manifest {
        guard fs.exists(path) else {
            throw JournalError.notAJournal(path: directory, reason: fs.exists(directory) ? "no \(Self.fileName)"
                                           : JournalError.directoryMissing)
        }
        let file = try fs.open(path, .read)
        defer { file.close() }
        let size = try file.size()
        let bytes = try file.readBytes(Int(size), at: 0)
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        } catch {
            // A newer format may not decode; report its version when we can read that much.
            if let probe = try? JSONDecoder().decode(VersionProbe.self, from: Data(bytes)),
               probe.formatVersion > Int(SegmentFormat.version) {
                throw JournalError.unsupportedVersion(path: directory, found: probe.formatVersion,
                                                      supported: Int(SegmentFormat.version))
            }
            throw JournalError.notAJournal(path: directory, reason: "\(Self.fileName) does not parse")
        }
        guard manifest.formatVersion == Int(SegmentFormat.version) else {
            throw JournalError.unsupportedVersion(path: directory, found: manifest.formatVersion,
                                                  supported: Int(SegmentFormat.version))
        }
        // Seqs start at 1: a firstSeq of 0 would make every "firstSeq - 1" wrap.
        guard manifest.firstSeq >= 1 else {
            throw JournalError.notAJournal(path: directory,
                                           reason: "\(Self.fileName) is damaged: firstSeq is 0, but seqs start at 1")
        }
        return manifest
    }

    private struct VersionProbe: Decodable { var formatVersion: Int }

    /// Writes `manifest` durably: `.tmp`, fsync, rename, fsync the directory.
    func write(_ manifest: Manifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(manifest)  // never an empty manifest on a failed encode
        try fs.replaceDurably(path, with: Array(data) + [10], directory: directory)
    }

    /// Read-modify-write under the manifest lock, so a replaying process and the writer do not lose updates.
    @discardableResult
    func update<T>(_ change: (inout Manifest) throws -> T) throws -> T {
        let lock = try fs.lockBlocking(directory + "/" + Self.lockName)
        defer { lock.unlock() }
        var manifest = try read()
        let before = manifest
        let result = try change(&manifest)
        if manifest != before { try write(manifest) }
        return result
    }
}

/// Now, as RFC 3339 text with microseconds (UTC).
func nowRFC3339() -> String {
    var tv = timeval()
    gettimeofday(&tv, nil)
    return Timestamp(microseconds: Int64(tv.tv_sec) * 1_000_000 + Int64(tv.tv_usec)).rfc3339
}

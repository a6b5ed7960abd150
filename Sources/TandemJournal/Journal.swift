import Foundation
import TandemCore

/// Entry points that act on a journal directory as a whole (create, manifest, consumers).
public enum Journal {
    /// Creates a journal in `directory` (made when missing, must be empty otherwise) and returns its id.
    @discardableResult
    public static func create(at directory: String, options: JournalOptions = JournalOptions()) throws -> UUID {
        let fs = options.fileSystem
        if fs.exists(directory) {
            let entries = try fs.contentsOfDirectory(directory)
            guard entries.isEmpty || isInterruptedCreate(directory, entries, fs) else {
                throw JournalError.alreadyExists(path: directory)
            }
            // A create killed before its manifest left an empty first segment: start it again.
            for e in entries { try fs.remove(directory + "/" + e) }
        } else {
            try fs.makeDirectory(directory)
            // The new directory's own entry must survive a power loss too.
            try fs.syncDirectory(PathText.parent(of: directory))
        }
        let id = UUID()
        let now = nowRFC3339()
        // The first segment before the manifest: a directory with a manifest is a journal.
        try SegmentCreator.create(directory: directory, base: 1, journalID: id, fs: fs)
        var manifest = Manifest(formatVersion: Int(SegmentFormat.version), journalID: id, createdAt: now,
                                firstSeq: 1, pendingTruncateAfter: nil, consumers: [], history: [])
        // Kept for later writers (`journal append`, `ingest`), which are not told the size again.
        if options.segmentSize != JournalOptions.defaultSegmentSize { manifest.segmentSize = options.segmentSize }
        try ManifestStore(directory: directory, fs: fs).write(manifest)
        return id
    }

    /// True when `entries` are what a `create` killed before writing its manifest leaves behind: no
    /// manifest, and at most the first segment holding its header alone (and `.tmp` files of the two).
    /// Nothing was ever appended there, so nothing is lost by starting again.
    private static func isInterruptedCreate(_ directory: String, _ entries: [String], _ fs: any JournalFileSystem) -> Bool {
        let first = SegmentFormat.fileName(base: 1)
        let remains: Set<String> = [first, first + JournalFiles.tmpSuffix,
                                    ManifestStore.fileName + JournalFiles.tmpSuffix]
        guard entries.allSatisfy(remains.contains) else { return false }
        guard entries.contains(first) else { return true }
        guard let file = try? fs.open(directory + "/" + first, .read) else { return false }
        defer { file.close() }
        return (try? file.size()) == Int64(SegmentFormat.headerSize)
    }

    /// True when `directory` holds a journal (its manifest is there; not read).
    public static func exists(at directory: String, options: JournalOptions = JournalOptions()) -> Bool {
        options.fileSystem.exists(ManifestStore(directory: directory, fs: options.fileSystem).path)
    }

    /// Creates a journal in `directory` unless it holds one; true when it was created.
    @discardableResult
    public static func createIfMissing(at directory: String, options: JournalOptions = JournalOptions()) throws -> Bool {
        if exists(at: directory, options: options) { return false }
        try create(at: directory, options: options)
        return true
    }

    /// Checks that `directory` holds a journal without reading its manifest.
    /// - Throws: `JournalError.notAJournal` (the directory is missing, or has no manifest).
    public static func checkExists(at directory: String, options: JournalOptions = JournalOptions()) throws {
        let fs = options.fileSystem
        guard !exists(at: directory, options: options) else { return }
        throw JournalError.notAJournal(path: directory, reason: fs.exists(directory) ? "no \(ManifestStore.fileName)"
                                       : JournalError.directoryMissing)
    }

    /// The manifest as on disk.
    public static func manifest(at directory: String, options: JournalOptions = JournalOptions()) throws -> Manifest {
        try ManifestStore(directory: directory, fs: options.fileSystem).read()
    }

    /// Registers a consumer at `appliedSeq` (0: nothing applied); re-registering keeps its position.
    public static func registerConsumer(_ name: String, appliedSeq: UInt64 = 0, at directory: String,
                                        options: JournalOptions = JournalOptions()) throws {
        guard !name.isEmpty, name.utf8.count <= 200 else { throw JournalError.invalidConsumerName(name: name) }
        try ManifestStore(directory: directory, fs: options.fileSystem).update { m in
            if m.consumer(name) == nil {
                m.consumers.append(.init(name: name, appliedSeq: appliedSeq, updatedAt: nowRFC3339()))
            }
        }
    }

    /// Removes a consumer; throws `unknownConsumer` when it is not registered.
    public static func unregisterConsumer(_ name: String, at directory: String,
                                          options: JournalOptions = JournalOptions()) throws {
        try ManifestStore(directory: directory, fs: options.fileSystem).update { m in
            guard let i = m.consumers.firstIndex(where: { $0.name == name }) else {
                throw JournalError.unknownConsumer(name: name)
            }
            m.consumers.remove(at: i)
        }
    }

    /// Records that a consumer has applied everything up to `seq` (registering it when new).
    public static func setConsumerApplied(_ name: String, seq: UInt64, at directory: String,
                                          options: JournalOptions = JournalOptions()) throws {
        guard !name.isEmpty, name.utf8.count <= 200 else { throw JournalError.invalidConsumerName(name: name) }
        try ManifestStore(directory: directory, fs: options.fileSystem).update { m in
            let now = nowRFC3339()
            if let i = m.consumers.firstIndex(where: { $0.name == name }) {
                m.consumers[i].appliedSeq = seq
                m.consumers[i].reservedSeq = nil
                m.consumers[i].updatedAt = now
            } else {
                m.consumers.append(.init(name: name, appliedSeq: seq, updatedAt: now))
            }
        }
    }

    /// Records, before a consumer commits a batch, that it may have applied through `seq` (registering it
    /// when new), so `truncate --after` keeps those events even if the consumer dies before `setConsumerApplied`.
    public static func reserveConsumer(_ name: String, through seq: UInt64, at directory: String,
                                       options: JournalOptions = JournalOptions()) throws {
        guard !name.isEmpty, name.utf8.count <= 200 else { throw JournalError.invalidConsumerName(name: name) }
        try ManifestStore(directory: directory, fs: options.fileSystem).update { m in
            if let i = m.consumers.firstIndex(where: { $0.name == name }) {
                if m.consumers[i].mayHaveApplied < seq { m.consumers[i].reservedSeq = seq }
            } else {
                m.consumers.append(.init(name: name, appliedSeq: 0, updatedAt: nowRFC3339(), reservedSeq: seq))
            }
        }
    }
}

/// Makes a new segment durably: header into `.tmp`, fsync, rename, fsync the directory.
enum SegmentCreator {
    static func create(directory: String, base: UInt64, journalID: UUID, fs: any JournalFileSystem) throws {
        let path = JournalFiles.segmentPath(directory, base)
        try fs.replaceDurably(path, with: SegmentFormat.header(journalID: journalID, base: base), directory: directory)
    }
}

extension Journal {
    /// The pid of the process holding the journal's writer lock, nil when no writer is live.
    public static func writerProcess(at directory: String, options: JournalOptions = JournalOptions()) -> Int32? {
        options.fileSystem.lockHolder(directory + "/" + JournalFiles.writerLock)
    }
}

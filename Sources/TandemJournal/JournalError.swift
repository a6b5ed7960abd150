import Foundation
import TandemCore

/// Everything the journal can fail with, each case carrying what an operator needs to act.
public enum JournalError: CategorizedError, CustomStringConvertible, Sendable, Equatable {
    /// A system call failed: the operation, the path and the errno.
    case io(operation: String, path: String, errno: Int32)
    /// The directory is not a journal (no manifest, or a manifest that does not parse).
    case notAJournal(path: String, reason: String)
    /// `init` on a directory that already holds a journal or other files.
    case alreadyExists(path: String)
    /// The journal was written in a format this build does not read.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// Another process holds the writer lock.
    case locked(path: String, holderPID: Int32?)
    /// Damage before the tail: the segment file, byte offset and seq where it starts.
    case corrupt(file: String, offset: Int64, seq: UInt64, reason: String)
    /// The writer stopped after a failed write or sync; reopen it to re-derive state from disk.
    case writerClosed(reason: String)
    /// A truncation would drop events a registered consumer still needs (or has applied).
    case truncateRefused(consumer: String, appliedSeq: UInt64, reason: String)
    /// A seq outside what the journal holds.
    case seqOutOfRange(seq: UInt64, first: UInt64, last: UInt64)
    /// A consumer name that is not registered.
    case unknownConsumer(name: String)
    /// A consumer name that is empty or too long.
    case invalidConsumerName(name: String)
    /// One event's payload is larger than a record may be.
    case recordTooLarge(bytes: Int, limit: Int)
    /// An event's key is not its entity's key (other columns, another kind, null, or an ambiguous value),
    /// or its entity is another spelling of a known one; its batch was not appended.
    case keyRefused(entity: String, reason: String)
    /// The journal ends at `lastSeq`, before a seq it is known to have held (`expected`): segments are missing.
    case journalEndsEarly(directory: String, lastSeq: UInt64, expected: UInt64, evidence: HeadEvidence)
    /// The journal's file system is full (ENOSPC) or its quota is used up (EDQUOT): the batch was not appended
    /// and nothing of it stays on disk. Retryable: the same writer appends again once there is room.
    case diskFull(operation: String, path: String, errno: Int32)
    /// A line of a sink's parked list (`ParkedList`) that does not parse.
    case parkedListDamaged(path: String, line: Int, reason: String)
    /// A `truncate --before` removed seqs a reader (no registered consumer) had not read yet.
    case truncatedBeneathReader(directory: String, nextSeq: UInt64, firstSeq: UInt64)

    public var description: String {
        switch self {
        case let .io(op, path, code):
            let name = errnoName(code)
            return "journal I/O error: \(op) \(path) failed: \(String(cString: strerror(code))) (\(name))"
        case let .notAJournal(path, reason):
            // A damaged manifest is not a missing journal: `init` there would be the wrong advice.
            let missing = reason.hasPrefix("no ") || reason == Self.directoryMissing
            let hint = missing ? "create one with `tandem journal init \(path)`"
                : "restore \(ManifestStore.fileName) from a copy; the segment files are not touched"
            return "\(path) is not a Tandem journal: \(reason) (hint: \(hint))"
        case let .alreadyExists(path):
            return "\(path) already exists and is not empty; a journal is created in a new or empty directory"
        case let .unsupportedVersion(path, found, supported):
            return "\(path) uses journal format version \(found), this build reads version \(supported)"
                + " (hint: use a newer tandem)"
        case let .locked(path, pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "journal \(path) is already open for writing by \(who); only one writer at a time"
                + " (hint: stop that process, or read with `tandem journal inspect` beside it)"
        case let .corrupt(file, offset, seq, reason):
            return "journal corrupt: \(file) at byte \(offset), seq \(seq): \(reason); nothing was written"
                + " (hint: \(Self.corruptionHint(file: file, seq: seq, reason: reason)))"
        case let .writerClosed(reason):
            return "journal writer closed after an earlier failure (\(reason)); reopen the journal to continue"
        case let .truncateRefused(consumer, applied, reason):
            // `truncateAfterRefused` gives its own hint: a consumer that applied too much is rewound, not waited for.
            return "truncate refused: consumer \"\(consumer)\" has applied up to seq \(applied); \(reason)"
                + (reason.contains("(hint: ") ? "" : " (hint: wait for it, unregister it, or pass --force)")
        case let .seqOutOfRange(seq, first, last):
            return "seq \(seq) is outside the journal (first seq \(first), last seq \(last))"
        case let .truncatedBeneathReader(dir, next, first):
            return "journal \(dir) was truncated before seq \(first) beneath a reader that had read up to seq \(next - 1):"
                + " seqs \(next)…\(first - 1) are gone and it cannot continue"
                + " (hint: start it again from seq \(first), or restore the journal from a backup)"
        case let .unknownConsumer(name):
            return "no consumer named \"\(name)\" is registered"
        case let .invalidConsumerName(name):
            return "invalid consumer name \"\(name)\": use 1 to 200 characters"
        case let .recordTooLarge(bytes, limit):
            return "event payload of \(bytes) bytes is larger than the record limit of \(limit) bytes"
        case let .keyRefused(entity, reason):
            return "entity \"\(entity)\": \(reason); the batch holding it was not appended"
        case let .diskFull(op, path, code):
            return "journal disk full at \(path) (\(op): \(errnoName(code))): nothing of the batch was written;"
                + " free space and run again"
        case let .parkedListDamaged(path, line, reason):
            return "parked list \(path), line \(line): \(reason); nothing was changed"
                + " (hint: restore the file from a copy, or remove that line if its event is to be replayed again)"
        case let .journalEndsEarly(dir, last, expected, evidence):
            var hint = "keep a copy of \(dir); restore the missing segments from a backup"
            if case .consumer(let name) = evidence {
                hint += "; if they are lost, rebuild \"\(name)\"'s store and unregister it with"
                    + " `tandem journal consumers \(dir) unregister \(Self.shellWord(name))`"
            }
            return "journal \(dir) ends at seq \(last), but \(evidence.text(expected)): events are missing;"
                + " nothing was written and no seq is used twice (hint: \(hint))"
        }
    }
}

/// What shows that a journal once held more than it does now.
public enum HeadEvidence: Sendable, Equatable {
    /// The manifest's `headSeq` (recorded at a clean close or a truncation).
    case recordedHead
    /// The manifest's `lastSegmentBase`: a segment the writer created is missing.
    case createdSegment
    /// A consumer has applied (or reserved) up to that seq.
    case consumer(String)

    func text(_ seq: UInt64) -> String {
        switch self {
        case .recordedHead: return "the manifest recorded seq \(seq) as written"
        case .createdSegment:
            return "segment \(SegmentFormat.fileName(base: seq)) (from seq \(seq) on) was created and is missing"
        case .consumer(let name): return "consumer \"\(name)\" has applied up to seq \(seq)"
        }
    }
}

extension JournalError {
    /// True for a full disk or quota: `.diskFull`, or an `.io` failing with ENOSPC or EDQUOT (a manifest or
    /// recovery write outside an append).
    public var isDiskFull: Bool {
        switch self {
        case .diskFull: return true
        case let .io(_, _, code): return code == ENOSPC || code == EDQUOT
        default: return false
        }
    }

    /// True when the same operation may succeed later without an operator changing anything in the journal:
    /// a full disk (space may return) or another process's writer lock. Anything else needs a person.
    public var isRetryable: Bool {
        switch self {
        case .locked: return true
        default: return isDiskFull
        }
    }

    /// `write PATH: ENOSPC` for a `.diskFull` or `.io` (for a log line that says the rest itself).
    var operationAndErrno: String {
        switch self {
        case let .diskFull(op, path, code), let .io(op, path, code): return "\(op) \(path): \(errnoName(code))"
        default: return description
        }
    }

    /// `.io` failing with ENOSPC or EDQUOT as `.diskFull`; any other error as it is.
    public func classifyingDiskFull() -> JournalError {
        if case let .io(op, path, code) = self, code == ENOSPC || code == EDQUOT {
            return .diskFull(operation: op, path: path, errno: code)
        }
        return self
    }

    /// The `notAJournal` reason for a directory that is not there (its hint is `journal init`, as for no manifest).
    public static let directoryMissing = "the directory does not exist"

    /// `truncate --after seq` refused: the consumer has (or may have) applied events it would drop, so the hint
    /// is to rewind its store to `seq` first, or to unregister it.
    static func truncateAfterRefused(seq: UInt64, consumer: String, mayHaveApplied: UInt64, directory: String) -> JournalError {
        .truncateRefused(consumer: consumer, appliedSeq: mayHaveApplied,
                         reason: "truncate --after \(seq) would drop seqs \(seq + 1)…\(mayHaveApplied), which it has already applied"
                            + " (hint: rewind its store to seq \(seq) first with `tandem rewind --journal \(directory) --into SINK"
                            + " --to \(seq)`, unregister it with `tandem journal consumers \(directory) unregister \(shellWord(consumer))`,"
                            + " or pass --force)")
    }

    /// `word` as one shell word in a hint's command: as it is when plain, else in single quotes (a default
    /// consumer name such as `sink default sqlite:/data/new.db` holds spaces).
    static func shellWord(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_./:@%+=,-".unicodeScalars.contains($0))
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// The start of the reason when the journal's first segment is missing: no cut keeps anything then.
    static func firstSegmentMissing(_ name: String, firstSeq: UInt64) -> String {
        "segment \(name) is missing (the journal starts at seq \(firstSeq))"
    }

    /// What an operator can do about damage, with the directory spelled out. It never offers a command
    /// that would drop every event still there, nor --force (which would drop what a consumer applied).
    static func corruptionHint(file: String, seq: UInt64, reason: String) -> String {
        let dir = file.hasSuffix(JournalFiles.segmentSuffix) ? PathText.parent(of: file) : file
        let restore = "keep a copy of \(dir); restore the segment from a backup, then"
            + " `tandem journal verify \(dir)` clears the record"
        if seq <= 1 || reason.hasPrefix("segment ") && reason.contains(" is missing (the journal starts at seq ") {
            return restore + "; no truncation keeps the events after it"
        }
        return restore + "; or give up seq \(seq) and everything after it with"
            + " `tandem journal truncate --after \(seq - 1) \(dir)` (refused while a consumer has applied beyond"
            + " seq \(seq - 1))"
    }
}

/// The symbolic name of an errno (EIO, ENOSPC, ...), for log lines people search for.
func errnoName(_ code: Int32) -> String {
    switch code {
    case EIO: return "EIO"
    case ENOSPC: return "ENOSPC"
    case ENOENT: return "ENOENT"
    case EEXIST: return "EEXIST"
    case EACCES: return "EACCES"
    case EPERM: return "EPERM"
    case EROFS: return "EROFS"
    case EDQUOT: return "EDQUOT"
    case EBADF: return "EBADF"
    case EINVAL: return "EINVAL"
    case ENOTDIR: return "ENOTDIR"
    case EISDIR: return "EISDIR"
    case EAGAIN: return "EAGAIN"
    default: return "errno \(code)"
    }
}

extension JournalError {
    /// The kind of failure (the CLI's exit code, the daemon's health).
    public var category: ErrorCategory {
        switch self {
        case .io, .writerClosed, .diskFull: return .ioError
        case .notAJournal, .truncatedBeneathReader: return .noInput
        case .alreadyExists: return .cannotCreate
        case .unsupportedVersion, .corrupt, .recordTooLarge, .keyRefused, .journalEndsEarly, .parkedListDamaged: return .badData
        case .locked: return .tryAgain
        case .truncateRefused: return .refused
        case .seqOutOfRange, .unknownConsumer, .invalidConsumerName: return .usage
        }
    }
}

import TandemCore

/// Something Tandem tails (README.md, "source"): a JSON-lines change-log file, a trigger-fed SQLite change table.
///
/// Contract every implementation meets (and `SourceConformance` tests check):
/// - `open(after:)` positions the source strictly after `position` (nil: from the very beginning). A position
///   is the opaque `sourcePosition` string of a record this source produced earlier, possibly in another
///   process; an unknown or unusable one throws `SourceError.positionNotFound` rather than guessing.
/// - `read(limit:wait:stop:)` returns the next records in source order, each with the position to resume
///   after it. Positions increase: resuming after record n yields record n+1 next, never n again, never a gap.
///   Records of one source transaction come in the same batch (a batch may exceed `limit` to keep them
///   together) so they are journaled together. Input that cannot be decoded is a record too (`failure`),
///   never a thrown error: bad input must not stop the source.
/// - `read` returns an empty batch when nothing arrived within `wait` (nil: do not wait) or when `stop` fired.
///   It waits without busy polling.
/// - `acknowledge(through:)` tells the source that every record through that position is durably journaled
///   (or quarantined); only then may it discard them (e.g. prune a change table).
/// - Thrown errors are for the source itself failing (I/O, a vanished database), not for bad records.
public protocol ChangeSource: AnyObject {
    /// What is tailed, for log lines (e.g. `jsonl:/var/log/legacy/changes.log`).
    var description: String { get }
    /// How this source's raw records are decoded again (quarantine retry).
    var rawFormat: RawFormat { get }
    /// True when `position` has the form of this source's positions: what ingest resumes after is the newest
    /// journaled position this accepts, so an event appended by hand (no position) is passed over.
    func recognizes(_ position: String) -> Bool
    /// Positions the source strictly after `position` (nil: the beginning).
    func open(after position: String?) throws
    /// The next records, waiting up to `wait` for the first one.
    func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord]
    /// Everything through `position` is durable downstream.
    func acknowledge(through position: String) throws
    /// Releases files and connections; idempotent.
    func close()
    /// The tables' declared columns and types as the source's own schema gives them (after `open`; empty for a
    /// source without one), recorded in the journal so replay creates target tables from declarations.
    func declaredSchemas() throws -> [EntitySchema]
    /// Whether the last `read` ended on a source transaction's end (its batch holds whole transactions): the
    /// journal then tells followers in its process that they may commit there.
    var lastReadEndsTransaction: Bool { get }
}

extension ChangeSource {
    /// A source keeps each transaction's records in one batch (the contract above).
    public var lastReadEndsTransaction: Bool { true }

    /// A source without a schema of its own declares nothing.
    public func declaredSchemas() throws -> [EntitySchema] { [] }
}

/// One record from a source: a decoded change, or raw input that could not be decoded and why.
public struct SourceRecord: Sendable {
    /// The position to resume strictly after this record.
    public var position: String
    /// The decoded change (its `sourcePosition` already set), or nil when decoding failed.
    public var change: Event?
    /// Why decoding failed, when it did.
    public var failure: Rejection?
    /// The raw input (for quarantine); may be cut for oversized input. Empty when the source can re-create it.
    public var raw: [UInt8]
    /// The input's full length in bytes (more than `raw.count` when cut).
    public var rawLength: Int64
    /// Many changes already encoded (a snapshot's rows), instead of `change`; `position` is after the last.
    public var encoded: EncodedEvents?
    /// True for input the source passes over on purpose (not journaled, not quarantined; only its position
    /// counts), e.g. the reverse flow's changes of tenants it does not carry back.
    public var skipped = false

    /// A decoded change.
    public init(position: String, change: Event, raw: [UInt8]) {
        self.position = position; self.change = change; self.failure = nil; self.raw = raw
        self.rawLength = Int64(raw.count)
    }

    /// The changes this record holds, decoded: its change, or its encoded events.
    public var changes: [Event] { encoded?.events() ?? change.map { [$0] } ?? [] }

    /// Changes already encoded, in order; `position` is the last one's.
    public init(position: String, encoded: EncodedEvents) {
        self.position = position; self.change = nil; self.failure = nil; self.raw = []; self.rawLength = 0
        self.encoded = encoded
    }

    /// Input passed over on purpose: the reader moves past `position`, nothing is journaled or quarantined.
    public init(skippedAt position: String) {
        self.position = position; self.change = nil; self.failure = nil; self.raw = []; self.rawLength = 0
        self.skipped = true
    }

    /// Input that could not be decoded.
    public init(position: String, failure: Rejection, raw: [UInt8], rawLength: Int64? = nil) {
        self.position = position; self.change = nil; self.failure = failure; self.raw = raw
        self.rawLength = rawLength ?? Int64(raw.count)
    }
}

/// The outcome of decoding one line.
public enum LineDecoding: Sendable {
    case change(Event)
    case skip
    case failure(Rejection)
}

/// A source that cannot go on: what failed, where, and what the operator can do.
public enum SourceError: CategorizedError, CustomStringConvertible, Sendable {
    /// The stored position names data the source can no longer find.
    case positionNotFound(position: String, source: String, hint: String)
    /// A position string this source cannot parse.
    case badPosition(position: String, source: String)
    /// A file operation failed.
    case io(path: String, operation: String, errno: Int32)
    /// The source configuration is wrong.
    case config(String)
    /// The file or database is not there (or cannot be opened): what, and what the operator can do.
    case missing(path: String, what: String, hint: String)
    /// The source's database failed (SQLite), with its message.
    case storage(path: String, message: String)
    /// A table to capture has no stable key (a rowid table without PRIMARY KEY or usable UNIQUE index).
    case unkeyedTable(path: String, table: String)
    /// The legacy application held a lock on the source's database for longer than the source waits.
    case busy(path: String, message: String, waited: Duration)
    /// The connection to the source's server was lost (reading once; a follower connects again).
    case connectionLost(target: String, message: String)

    /// The kind of failure (the CLI's exit code, the daemon's health).
    public var category: ErrorCategory {
        switch self {
        case .positionNotFound, .badPosition: return .badData
        case .io, .storage: return .ioError
        case .unkeyedTable: return .badData
        case .busy, .connectionLost: return .tryAgain
        case .config: return .config
        case .missing: return .noInput
        }
    }

    public var description: String {
        switch self {
        case .positionNotFound(let p, let s, let hint):
            return "\(s): the resume position \(p) was not found; \(hint)"
        case .badPosition(let p, let s):
            return "\(s): \"\(p)\" is not a position of this source; hint: the journal was fed by another source"
        case .io(let path, let op, let e):
            return "\(path): \(op) failed: \(String(cString: strerror(e))) (errno \(e))"
        case .config(let m):
            return m
        case .missing(let path, let what, let hint):
            return "\(path): \(what); hint: \(hint)"
        case .storage(let path, let message):
            return "\(path): the source database failed: \(message)"
        case .unkeyedTable(let path, let table):
            return "table \"\(table)\" in \(path) has no primary key: its rowid is renumbered by VACUUM, so later updates and deletes would hit the wrong rows; hint: declare a PRIMARY KEY, or a UNIQUE index on NOT NULL columns, then run install-triggers again"
        case .busy(let path, let message, let waited):
            let how = waited > .zero ? " for more than \(waited.components.seconds) s" : ""
            return "\(path): the legacy application holds a lock on the database (\(message))\(how); try again later"
        case .connectionLost(let target, let message):
            return "\(target): the connection to the source was lost (\(message)); try again later"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

import TandemCore

/// Why a sink refused or failed a batch, with the context an operator needs and a hint where one exists.
public enum SinkError: Error, CustomStringConvertible, Sendable {
    /// The store was filled from another journal.
    case journalMismatch(target: String, sink: String, stored: String, given: String)
    /// A batch was not in ascending seq order.
    case outOfOrder(seq: UInt64, previous: UInt64)
    /// An insert, update or snapshot without an after-image.
    case missingAfterImage(seq: UInt64, entity: String, op: Operation)
    /// An event without key columns (other than a truncate).
    case missingKey(seq: UInt64, entity: String)
    /// Another writer moved the checkpoint while this batch was being prepared.
    case checkpointMoved(target: String, sink: String, expected: UInt64, found: UInt64)
    /// The connection to the store broke (worth a reconnect and a retry from the checkpoint).
    case connectionLost(target: String, message: String)
    /// The store stayed unreachable through every reconnect attempt.
    case unavailable(target: String, message: String, attempts: Int)
    /// The store rejected a statement.
    case database(target: String, entity: String?, message: String)
    /// Another process holds the store's lock (SQLite busy/locked): try again later.
    case busy(target: String, message: String)
    /// A rewind reached an event it cannot undo.
    case rewindNeedsBeforeImage(seq: UInt64, entity: String, op: Operation, target: UInt64)
    /// A rewind target above the sink's checkpoint.
    case rewindAboveCheckpoint(target: UInt64, checkpoint: UInt64)
    /// A sink spec that cannot be understood.
    case badSpec(spec: String, reason: String)
    /// The journal no longer holds the events right after the sink's checkpoint (truncated away).
    case journalGap(target: String, sink: String, next: UInt64, firstInJournal: UInt64)
    /// `--from` above the seq after the checkpoint: seqs `next…from-1` would never be applied.
    case wouldSkip(target: String, sink: String, next: UInt64, from: UInt64)
    /// The replay or rewind filter differs from the one the sink was filled with.
    case filterChanged(target: String, sink: String, stored: String, given: String)

    public var description: String {
        switch self {
        case let .journalMismatch(target, sink, stored, given):
            return "\(target): sink '\(sink)' holds events of journal \(stored), not of journal \(given); "
                + "hint: replay journal \(stored) into it, or use a new store (or --rebuild) for journal \(given)"
        case let .outOfOrder(seq, previous):
            return "event seq \(seq) came after seq \(previous): a batch must be in ascending seq order"
        case let .missingAfterImage(seq, entity, op):
            return "event seq \(seq) (\(op.rawValue) on \(entity)) has no after-image to apply"
        case let .missingKey(seq, entity):
            return "event seq \(seq) on \(entity) has no key columns"
        case let .checkpointMoved(target, sink, expected, found):
            return "\(target): the checkpoint of sink '\(sink)' moved from \(expected) to \(found) under this batch; "
                + "hint: another replay writes into the same sink — run one at a time"
        case let .connectionLost(target, message):
            return "\(target): connection lost: \(message)"
        case let .unavailable(target, message, attempts):
            return "\(target): unavailable after \(attempts) attempts: \(message); hint: check that the server runs, then rerun (replay resumes from the checkpoint)"
        case let .database(target, entity, message):
            return "\(target)\(entity.map { " (table \($0))" } ?? ""): \(message)"
        case let .busy(target, message):
            return "\(target): another process holds the store (\(message)); hint: run one replay per sink at a time,"
                + " or rerun once it is done (replay resumes from the checkpoint)"
        case let .rewindNeedsBeforeImage(seq, entity, op, target):
            return "cannot rewind: event seq \(seq) (\(op.rawValue) on \(entity)) has no before-image; nothing was changed; "
                + "hint: use --rebuild to empty the sink's tables and replay 1…\(target)"
        case let .rewindAboveCheckpoint(target, checkpoint):
            return "cannot rewind to seq \(target): the sink has only applied up to seq \(checkpoint)"
        case let .journalGap(target, sink, next, first):
            return "\(target): sink '\(sink)' needs seq \(next) next, but the journal starts at seq \(first) (truncated); "
                + "nothing was applied; hint: rebuild the store from a journal that holds seq \(next), or pass --from \(first) --skip-gap to accept the gap"
        case let .wouldSkip(target, sink, next, from):
            return "\(target): sink '\(sink)' needs seq \(next) next; starting at --from \(from) would leave seqs \(next)…\(from - 1) "
                + "never applied; nothing was applied; hint: drop --from, or pass --skip-gap to accept the hole"
        case let .filterChanged(target, sink, stored, given):
            return "\(target): sink '\(sink)' was filled with filter \(stored), not \(given): events the old filter passed over "
                + "would stay missing; nothing was changed; hint: rebuild it (tandem rewind --rebuild) with the new filter, "
                + "or use another sink name or store for it"
        case let .badSpec(spec, reason):
            return "bad sink '\(spec)': \(reason); hint: use sqlite:PATH, postgres://… / postgresql://…, or a JSON object {\"kind\":…}"
        }
    }

    /// The sysexits code a command should exit with for this error.
    public var exitCode: Int32 {
        switch self {
        case .badSpec, .rewindAboveCheckpoint, .wouldSkip, .filterChanged: return 64
        case .journalMismatch, .outOfOrder, .missingAfterImage, .missingKey, .rewindNeedsBeforeImage, .journalGap: return 65
        case .unavailable: return 69
        case .checkpointMoved, .connectionLost, .busy: return 75
        case .database: return 74
        }
    }
}

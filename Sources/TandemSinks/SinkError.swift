import TandemCore

/// Why a sink refused or failed a batch, with the context an operator needs and a hint where one exists.
public enum SinkError: CategorizedError, CustomStringConvertible, Sendable {
    /// The store was filled from another journal.
    case journalMismatch(target: String, sink: String, stored: String, given: String)
    /// A batch was not in ascending seq order.
    case outOfOrder(seq: UInt64, previous: UInt64)
    /// An insert, update or snapshot without an after-image.
    case missingAfterImage(seq: UInt64, entity: String, op: ChangeKind)
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
    case rewindNeedsBeforeImage(seq: UInt64, entity: String, op: ChangeKind, target: UInt64)
    /// A rewind reached an event whose before-image lacks a column of the row (`missing`; empty: it holds
    /// only the key's values), so undoing it would not restore the row.
    case rewindIncompleteBeforeImage(seq: UInt64, entity: String, op: ChangeKind, missing: String, target: UInt64)
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
    /// A journaled event no sink may apply: a reserved or unusable name, in a journal written before
    /// append and ingest checked names.
    case invalidEvent(target: String, seq: UInt64, entity: String, reason: String)
    /// The store refused a batch's data — a NOT NULL, CHECK, UNIQUE or type rule of the target table, a
    /// trigger's RAISE — or the sink refused a name. Retrying cannot help; the batch left no trace.
    /// `entity` is empty for a rule checked at COMMIT (a deferred constraint).
    case refusedData(target: String, entity: String, key: Row?, message: String)
    /// A target table keyed on other columns than the entity's events (empty `tableKey`: no primary key
    /// and no unique index on the events' key): upserts and deletes would hit different rows.
    case keyMismatch(target: String, entity: String, tableKey: [String], eventKey: [String])
    /// The event whose data the store refused (`cause` is `refusedData` or `keyMismatch`), found by rehearsing
    /// prefixes of the refused batch; `checkpoint` is the seq applied before it (its batch's earlier source
    /// transactions are committed).
    indirect case refusedEvent(seq: UInt64, op: ChangeKind, entity: String, key: Row, checkpoint: UInt64, cause: SinkError)
    /// An event's key columns are not the entity's key columns (those of its table, or of its first change).
    case keyColumnsDiffer(seq: UInt64, entity: String, expected: [String], given: [String])
    /// An event whose key has a null value (a store would give it a new row, or merge it into another).
    case nullKeyValue(seq: UInt64, entity: String, column: String)
    /// A journaled event whose key is not its entity's key as the journal keeps it (a journal written before
    /// keys were checked at append).
    case keyRefused(seq: UInt64, entity: String, reason: String)
    /// A store that a verb needs filled already (rewind) is not there, or holds no checkpoint of this sink.
    case notFilled(target: String, sink: String, reason: String)
    /// `sink park` or `sink unpark` (`verb`) refused seq `seq` of sink `sink`: already applied, not parked,
    /// or superseded by a later applied event of its key (`reason` says which, with what to do).
    case parkRefused(verb: String, target: String, sink: String, seq: UInt64, reason: String)

    public var description: String {
        switch self {
        case let .journalMismatch(target, sink, stored, given):
            return "\(target): sink '\(sink)' holds events of journal \(stored), not of journal \(given); "
                + "hint: replay journal \(stored) into it, or replay journal \(given) into a new store"
        case let .notFilled(target, sink, reason):
            return "\(target): nothing to rewind for sink '\(sink)': \(reason); nothing was created or changed"
                + " (hint: check the store's spelling; a store is filled with `tandem replay`)"
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
        case let .rewindIncompleteBeforeImage(seq, entity, op, missing, target):
            let lack = missing.isEmpty ? "holds only the key" : "lacks column \(missing)"
            return "cannot rewind: event seq \(seq) (\(op.rawValue) on \(entity)) has an incomplete before-image (it \(lack)); "
                + "nothing was changed; hint: use --rebuild to empty the sink's tables and replay 1…\(target)"
                + " (or capture with complete before-images, e.g. REPLICA IDENTITY FULL)"
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
        case let .invalidEvent(target, seq, entity, reason):
            return "\(target): event seq \(seq) on \(Self.shown(entity)) cannot be applied: \(reason); nothing of its batch was applied; "
                + "hint: a Tandem that did not check names journaled it; tandem journal truncate --after \(max(seq, 1) - 1), then ingest again: "
                + "the change goes to the quarantine, where a mapping that renames it lets retry journal it"
        case let .refusedData(target, entity, key, message):
            return "\(target): \(Self.detail(entity: entity, key: key, message: message)); nothing of the batch was applied; \(hint)"
        case let .keyMismatch(target, _, _, _):
            return "\(target): \(detail(withKey: false)); nothing was applied; \(hint)"
        case let .refusedEvent(seq, op, entity, key, checkpoint, cause):
            return "\(cause.target): the store refused event seq \(seq) (\(op.rawValue) on \(Self.shown(entity)), key \(Self.keyText(key))): "
                + "\(cause.detail(withKey: false)); the events before it are applied (checkpoint seq \(checkpoint)), nothing of its transaction is; \(cause.hint)"
                + "; or set the event aside: tandem sink park --seq \(seq) (see `tandem help sink park`)"
        case let .keyColumnsDiffer(seq, entity, expected, given):
            return "event seq \(seq) on \(entity) has key columns (\(given.joined(separator: ", "))), but the entity's key is "
                + "(\(expected.joined(separator: ", "))); nothing of its batch was applied; hint: the journal was written by a Tandem "
                + "that did not check keys at append: rewrite the event, or rebuild the store from a corrected journal"
        case let .nullKeyValue(seq, entity, column):
            return "event seq \(seq) on \(entity) has a null value in key column \(column): it names no row; nothing of its batch "
                + "was applied; hint: the journal was written by a Tandem that did not check keys at append"
        case let .keyRefused(seq, entity, reason):
            return "event seq \(seq): entity \"\(entity)\": \(reason); replay stops before its batch, so the store does not "
                + "depend on the batch size; hint: the journal was written by a Tandem that did not check keys at append: "
                + "rebuild it without the event, or replay --to \(seq - 1)"
        case let .parkRefused(verb, target, sink, seq, reason):
            return "\(target): sink '\(sink)': cannot \(verb) seq \(seq): \(reason); nothing was changed"
        case let .badSpec(spec, reason):
            return "bad sink '\(spec)': \(reason); hint: use sqlite:PATH, postgres://… / postgresql://…, or a JSON object {\"kind\":…}"
        }
    }

    /// The kind of failure (the CLI's exit code, the daemon's health).
    public var category: ErrorCategory {
        switch self {
        case .badSpec: return .config
        case .rewindAboveCheckpoint, .wouldSkip, .filterChanged: return .usage
        case .journalMismatch, .outOfOrder, .missingAfterImage, .missingKey, .rewindNeedsBeforeImage, .journalGap: return .badData
        case .rewindIncompleteBeforeImage: return .badData
        case .invalidEvent, .refusedData, .keyMismatch, .refusedEvent: return .badData
        case .keyColumnsDiffer, .nullKeyValue, .keyRefused: return .badData
        case .unavailable: return .unavailable
        case .notFilled: return .noInput
        case .parkRefused: return .refused
        case .checkpointMoved, .connectionLost, .busy: return .tryAgain
        case .database: return .ioError
        }
    }
}

extension SinkError {
    /// True when the store refused the data itself (not the connection): a retry of the same batch fails
    /// the same way, so the replayer looks for the event instead.
    public var isRefusedData: Bool {
        switch self {
        case .refusedData, .keyMismatch: return true
        default: return false
        }
    }

    /// The store of a `refusedData` or `keyMismatch` ("" for other cases).
    var target: String {
        switch self {
        case let .refusedData(target, _, _, _), let .keyMismatch(target, _, _, _): return target
        default: return ""
        }
    }

    /// A refusal without its store, to be named with the event that caused it.
    public func detail(withKey: Bool) -> String {
        switch self {
        case let .refusedData(_, entity, key, message):
            return Self.detail(entity: entity, key: withKey ? key : nil, message: message)
        case let .keyMismatch(_, entity, tableKey, eventKey):
            let events = "(" + eventKey.joined(separator: ", ") + ")"
            return tableKey.isEmpty
                ? "table \(Self.shown(entity)) has no primary key nor a unique index on its events' key \(events)"
                : "table \(Self.shown(entity)) is keyed on (\(tableKey.joined(separator: ", "))), but its events on \(events)"
        default:
            return description
        }
    }

    /// What the operator can do about a `refusedData` or `keyMismatch`.
    var hint: String {
        switch self {
        case let .keyMismatch(_, _, _, eventKey):
            return "hint: key the table on (\(eventKey.joined(separator: ", "))) — a unique index on them is enough — or map the events' key to the table's"
        default:
            return "hint: relax the target table's rule, or fix the data at its source (a mapping rule quarantines such changes at ingest), then run replay again"
        }
    }

    private static func detail(entity: String, key: Row?, message: String) -> String {
        // No entity: a rule checked at COMMIT (a deferred constraint), which names its table itself.
        guard !entity.isEmpty else { return message }
        return "table \(Self.shown(entity))\(key.map { " (key \(Self.keyText($0)))" } ?? ""): \(message)"
    }

    /// A key as `id=4` or `a=1, b="x"`, on one line.
    static func keyText(_ key: Row) -> String {
        if key.isEmpty { return "(none)" }
        return key.columns.map { name, value in
            let v: String
            switch value {
            case .string(let s): v = EventValidation.quoted(s)
            case .null: v = "null"
            default: v = PostgresText.text(value) ?? "null"
            }
            return "\(shown(name))=\(v)"
        }.joined(separator: ", ")
    }

    /// A name as it is when plain, quoted with escapes when it holds anything that could break the line.
    static func shown(_ name: String) -> String {
        name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && !($0.value >= 0x80 && $0.value < 0xA0) })
            ? name : EventValidation.quoted(name)
    }
}

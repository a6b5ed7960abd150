import Foundation
import TandemCore
import TandemJournal
import TandemSinks

/// Sets a sink's poison events aside and plays them back later (`tandem sink park`, `parked`, `unpark`):
/// a parked event is kept with its reason in the sink's `ParkedList`, and the `Replayer` passes over it.
public struct SinkParking {
    /// The journal directory.
    public let journal: String
    /// The sink (open on its store).
    public let sink: any EventSink
    private let journalOptions: JournalOptions

    /// Parking for `sink`, filled from the journal in `journal`.
    public init(journal: String, sink: any EventSink, journalOptions: JournalOptions = JournalOptions()) {
        self.journal = journal
        self.sink = sink
        self.journalOptions = journalOptions
    }

    /// The sink's parked list.
    public var list: ParkedList { ParkedList(journal: journal, sink: sink.name, options: journalOptions) }

    /// The events parked now for this sink's store, oldest first.
    public func parked() throws -> [ParkedEvent] {
        try list.entries().filter { $0.target == sink.canonicalTarget }
    }

    /// Parks journal event `seq` for this sink, with `reason`, or else the store's own refusal of it (found by a
    /// rehearsal that is rolled back). Parking a parked seq again returns the entry as it is.
    /// - Throws: `SinkError.parkRefused` (exit 1) for a seq the sink has applied, `JournalError.seqOutOfRange`
    ///   for one the journal does not hold, `SinkError.journalMismatch` for another journal's store.
    @discardableResult
    public func park(seq: UInt64, reason: String? = nil) throws -> ParkedEvent {
        let journalID = try Journal.manifest(at: journal, options: journalOptions).journalID.uuidString
        let checkpoint = try sink.checkpoint()
        if let checkpoint, checkpoint.journalID != journalID {
            throw SinkError.journalMismatch(target: sink.target, sink: sink.name, stored: checkpoint.journalID, given: journalID)
        }
        if let held = try parked().first(where: { $0.seq == seq }) { return held }
        let applied = checkpoint?.seq ?? 0
        if seq <= applied {
            throw SinkError.parkRefused(verb: "park", target: sink.target, sink: sink.name, seq: seq,
                                        reason: "the sink has applied it already (checkpoint seq \(applied)); only an event it has not applied can be set aside")
        }
        let event = try journaledEvent(seq)
        let why = reason ?? refusal(of: event) ?? "set aside by an operator (the store accepts it now)"
        return try list.park(ParkedEvent(event: event, sink: sink.name, target: sink.canonicalTarget, reason: why))
    }

    /// Applies parked event `seq` to the store now (its checkpoint stays), then takes it off the list. Applying
    /// it again changes nothing. Refused when a later event of the same key (or a truncate of its entity) is
    /// applied already, which the old event would overwrite — unless `force`.
    /// - Throws: `SinkError.parkRefused` (exit 1; also when the store still refuses it: the entry stays), or
    ///   the store's errors.
    @discardableResult
    public func unpark(seq: UInt64, force: Bool = false) throws -> ParkedEvent {
        guard let entry = try parked().first(where: { $0.seq == seq }) else {
            throw SinkError.parkRefused(verb: "unpark", target: sink.target, sink: sink.name, seq: seq,
                                        reason: "it is not on the sink's parked list (see `tandem sink parked`)")
        }
        let journalID = try Journal.manifest(at: journal, options: journalOptions).journalID.uuidString
        if !force, let later = try laterChange(of: entry.event) {
            throw SinkError.parkRefused(verb: "unpark", target: sink.target, sink: sink.name, seq: seq, reason: later
                                        + "; re-applying the older event would overwrite it (hint: apply what it should change by hand and"
                                        + " take it off the list with --force, or pass --force to apply it anyway)")
        }
        sink.declare(try Journal.entitySchemas(at: journal, options: journalOptions))
        do {
            try sink.reapply([entry.event], journalID: journalID)
        } catch let e as SinkError where e.isRefusedData {
            throw SinkError.parkRefused(verb: "unpark", target: sink.target, sink: sink.name, seq: seq,
                                        reason: "the store still refuses it (\(e.detail(withKey: false))), so it stays parked"
                                            + " (hint: fix the target table or the data, then unpark it again)")
        }
        try list.unpark(seq: seq)
        return entry
    }

    /// The journaled event `seq`.
    private func journaledEvent(_ seq: UInt64) throws -> Event {
        let manifest = try Journal.manifest(at: journal, options: journalOptions)
        let last = try Journal.lastSeq(at: journal, options: journalOptions)
        guard seq >= manifest.firstSeq, seq <= last else {
            throw JournalError.seqOutOfRange(seq: seq, first: manifest.firstSeq, last: last)
        }
        let reader = try JournalReader(directory: journal, options: journalOptions)
        try reader.seek(to: seq)
        guard let event = try reader.next(), event.seq == seq else {
            throw JournalError.seqOutOfRange(seq: seq, first: manifest.firstSeq, last: last)
        }
        return event
    }

    /// What the store says when `event` is applied alone (rolled back), nil when it takes it.
    private func refusal(of event: Event) -> String? {
        do {
            sink.declare(try Journal.entitySchemas(at: journal, options: journalOptions))
            try sink.rehearse(try ChangePlan(events: [event]))
            return nil
        } catch let e as SinkError {
            return e.isRefusedData ? e.detail(withKey: true) : "\(e)"
        } catch {
            return "\(error)"
        }
    }

    /// The first event after `event`, up to the sink's checkpoint, that changed the same key (or truncated its
    /// entity), described; nil when there is none.
    private func laterChange(of event: Event) throws -> String? {
        let applied = try sink.checkpoint()?.seq ?? 0
        guard applied > event.seq else { return nil }
        let first = try Journal.manifest(at: journal, options: journalOptions).firstSeq
        guard first <= event.seq + 1 else {
            return "the journal no longer holds the events after it (it starts at seq \(first)), so a later change of its key cannot be ruled out"
        }
        let columns = event.key.names
        let identity = KeyIdentity(ordered: event.key)
        let reader = try JournalReader(directory: journal, options: journalOptions)
        try reader.seek(to: event.seq + 1)
        while let e = try reader.next(), e.seq <= applied {
            guard ExactText.same(e.entity, event.entity) else { continue }
            if e.op == .truncate { return "seq \(e.seq) truncated \(event.entity) after it" }
            if let key = KeyIdentity.reorder(e.key, to: columns), KeyIdentity(ordered: key) == identity {
                return "seq \(e.seq) (\(e.op.rawValue)) changed the same key after it"
            }
        }
        return nil
    }
}

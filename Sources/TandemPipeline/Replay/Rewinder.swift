import TandemCore
import TandemSinks

/// What a rewind did.
public struct RewindOutcome: Sendable, Hashable {
    /// Events undone.
    public var undone: Int
    /// Transactions (chunks) committed.
    public var chunks: Int
    /// The checkpoint afterwards.
    public var checkpoint: SinkCheckpoint

    /// An outcome of `undone` events in `chunks` commits, ending at `checkpoint`.
    public init(undone: Int, chunks: Int, checkpoint: SinkCheckpoint) {
        self.undone = undone
        self.chunks = chunks
        self.checkpoint = checkpoint
    }
}

/// Undoes applied events newest first by their before-images, moving the sink's checkpoint down in
/// the same transactions: an insert is undone by a delete (or, when it overwrote a row, by restoring that
/// row), a delete by re-inserting its before-image, an update or snapshot by writing its before-image back.
/// A truncate, or an event whose before-image is missing or incomplete, cannot be undone: the rewind refuses
/// before any change (`RewindPlanner`).
///
/// Work goes in chunks of whole source transactions read from the journal (`JournalRewind.swift`), each
/// committed with its checkpoint, so an interrupted rewind resumes where it stopped when run again.
public enum Rewinder {
    /// Empties `entities` in the sink and removes its checkpoint (the first step of `--rebuild`, which then
    /// replays 1…SEQ).
    /// - Throws: `SinkError` when the store fails.
    public static func clear(_ sink: any EventSink, entities: [String]) throws {
        while true {
            do { return try sink.reset(entities: entities) } catch SinkError.connectionLost { try sink.reconnect() }
        }
    }
}

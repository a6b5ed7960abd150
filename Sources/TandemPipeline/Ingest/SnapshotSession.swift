import Foundation
import TandemCore
import TandemJournal
import TandemSources

/// The catch-up snapshot of a legacy SQLite database's tables into one journal, wired as `tandem snapshot` and
/// the daemon's first start both run it: the snapshot source (resuming after the last journaled row of each
/// table, skipping a table the journal holds complete), its quarantine beside the journal, and the `Ingestor`.
public final class SnapshotSession {
    /// The snapshot source (its `progress` holds the figures).
    public let source: SQLiteSnapshotSource
    private let ingestor: Ingestor

    /// Opens the snapshot of `settings.path` for appending through `writer` (nothing is read until `run`).
    public init(settings: SQLiteSnapshotSource.Settings, writer: JournalWriter, mapping: Mapping,
                ingestSettings: Ingestor.Settings = Ingestor.Settings()) throws {
        source = SQLiteSnapshotSource(settings)
        source.findProgress = { [unowned writer] table in
            try writer.lastSourcePosition(where: { SnapshotPosition($0)?.progress?.table == table })
                .flatMap { SnapshotPosition($0)?.progress }
        }
        do {
            ingestor = Ingestor(source: source, journal: writer, quarantine: try Quarantine(journal: writer.directory),
                                mapping: mapping, settings: ingestSettings)
        } catch {
            source.close()
            throw error
        }
    }

    /// Copies every table not yet held complete (see `Ingestor.run(once: true)`); returns early when `stop` fires.
    @discardableResult
    public func run(stop: StopSignal?, progress: ((Ingestor.Summary) -> Void)? = nil) throws -> Ingestor.Summary {
        try ingestor.run(once: true, stop: stop, progress: progress)
    }

    /// Whether every table is held complete now.
    public var isComplete: Bool { source.progress.tablesDone >= source.progress.tablesTotal }

    /// Closes the source (the writer is the caller's).
    public func close() { source.close() }
}

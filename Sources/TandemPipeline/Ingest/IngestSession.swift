import Foundation
import TandemCore
import TandemJournal
import TandemSources

/// One source tailed into one journal, wired as `tandem ingest` and the daemon both run it: the source, its
/// quarantine beside the journal, and the `Ingestor` that resumes after the newest journaled position.
public final class IngestSession {
    /// The ingestor (source → mapping → quarantine or journal).
    public let ingestor: Ingestor
    private let source: any ChangeSource

    /// Checks that `spec` can be read and creates the journal at `journal` when it has none, before anything is
    /// opened for appending: a source that fails leaves no journal behind. A change log that is not there yet
    /// is waited for when `follow` (like tail -F): `log` says so once.
    public static func prepare(spec: SourceSpec, journal: String, follow: Bool, options: JournalOptions = JournalOptions(),
                               log: (String) -> Void) throws {
        do {
            try spec.checkExists()
        } catch let missing as SourceError where spec.kind == .jsonl && follow
                    && !FileManager.default.fileExists(atPath: spec.path) {
            log("\(missing); waiting for it to appear")
        }
        try spec.checkOpens()
        if try Journal.createIfMissing(at: journal, options: options) { log("created journal \(journal)") }
    }

    /// Opens the source of `spec` for appending through `writer` (nothing is read until `run`).
    public init(spec: SourceSpec, writer: JournalWriter, mapping: Mapping, settings: Ingestor.Settings,
                sourceLog: @escaping @Sendable (String) -> Void = OperatorLog.stderr) throws {
        source = spec.makeSource(log: sourceLog)
        do {
            ingestor = Ingestor(source: source, journal: writer, quarantine: try Quarantine(journal: writer.directory),
                                mapping: mapping, settings: settings)
        } catch {
            source.close()
            throw error
        }
    }

    /// The source, as it names itself in log lines.
    public var sourceDescription: String { source.description }

    /// Runs the ingestor (see `Ingestor.run`).
    @discardableResult
    public func run(once: Bool, stop: StopSignal?, progress: ((Ingestor.Summary) -> Void)? = nil) throws -> Ingestor.Summary {
        try ingestor.run(once: once, stop: stop, progress: progress)
    }

    /// Closes the source (the writer is the caller's).
    public func close() { source.close() }
}

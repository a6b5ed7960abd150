import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// The `jsonl` source: tails a JSON-lines change-log file (Tandem event lines, Debezium envelopes or flattened
/// records, Maxwell rows, wal2json format-version 2 objects).
///
/// Positions are `FilePosition` texts. A line that cannot be decoded, is not UTF-8, or is longer than
/// `maxLineBytes` becomes a failure record (quarantine) and the source goes on.
public final class JSONLinesSource: ChangeSource {
    /// How the source is set up.
    public struct Settings: Sendable {
        /// The live file.
        public var path: String
        /// The line format.
        public var format: RawFormat
        /// Rotated files read (oldest first) on a first start, and searched on resume.
        public var rotatedGlob: String?
        /// Lines longer than this go to quarantine as "line longer than the limit".
        public var maxLineBytes: Int
        /// Where operator log lines go (stderr by default).
        public var log: @Sendable (String) -> Void

        /// Settings for a file in a format.
        public init(path: String, format: RawFormat = .tandem, rotatedGlob: String? = nil, maxLineBytes: Int = 1 << 20,
                    log: @escaping @Sendable (String) -> Void = OperatorLog.stderr) {
            self.path = path; self.format = format; self.rotatedGlob = rotatedGlob
            self.maxLineBytes = maxLineBytes; self.log = log
        }
    }

    /// How the source is set up.
    public let settings: Settings
    /// How long a following read waits for the rest of a transaction at the end of the file.
    public static let transactionGrace: Duration = .milliseconds(20)
    private let tailer: FileTailer
    private let decoder: LineDecoder
    private var pending: SourceRecord?

    /// A source over one file; call `open(after:)` before reading.
    public init(_ settings: Settings) {
        self.settings = settings
        var t = FileTailer.Settings(path: settings.path)
        t.rotatedGlob = settings.rotatedGlob
        t.maxLineBytes = max(settings.maxLineBytes, 16)
        t.log = settings.log
        tailer = FileTailer(t)
        decoder = LineDecoder(format: settings.format, source: "jsonl:\(settings.path)", log: settings.log)
    }

    public var description: String { "jsonl:\(settings.path)?\(settings.format.options)" }
    public var rawFormat: RawFormat { settings.format }

    public func recognizes(_ position: String) -> Bool { FilePosition(position) != nil }

    public func open(after position: String?) throws {
        pending = nil
        decoder.reset()
        try tailer.start(after: position)
    }

    public func read(limit: Int, wait: Duration?, stop: StopSignal?) throws -> [SourceRecord] {
        var out: [SourceRecord] = []
        out.reserveCapacity(min(limit, 4096))
        if let p = pending { out.append(p); pending = nil }
        let clock = ContinuousClock()
        let deadline = wait.map { clock.now + $0 }
        let keepRaw = settings.format.kind != .tandem
        var graceUsed = false
        while true {
            guard let line = try tailer.next() else {
                if stop?.isFired == true { break }
                if !out.isEmpty {
                    // Following, a batch that ends inside a source transaction waits a moment for the writer
                    // to finish it, so the transaction is journaled in one piece (best effort: a file has no
                    // end-of-transaction mark).
                    guard !graceUsed, out.last?.change?.txn != nil, let deadline, clock.now < deadline else { break }
                    graceUsed = true
                    tailer.wait(limit: min(JSONLinesSource.transactionGrace, clock.now.duration(to: deadline)), stop: stop)
                    continue
                }
                guard let deadline, clock.now < deadline else { break }
                tailer.wait(limit: clock.now.duration(to: deadline), stop: stop)
                continue
            }
            var record: SourceRecord
            switch line {
            case .line(let bytes, let position):
                switch decoder.decode(bytes, position: position) {
                // A Tandem line is its decoded event (re-encoded if it must go to quarantine): no copy needed.
                case .change(let e): record = SourceRecord(position: position, change: e, raw: keepRaw ? Array(bytes) : [])
                case .skip: continue
                case .failure(let r): record = SourceRecord(position: position, failure: r, raw: Array(bytes))
                }
            case .oversized(let sample, let length, let position):
                settings.log("\(settings.path): a line of \(length) bytes is longer than the limit of \(settings.maxLineBytes) bytes; it goes to quarantine (first \(sample.count) bytes kept)")
                record = SourceRecord(position: position, failure: Rejection(
                    rule: "size", reason: "line longer than the limit: \(length) bytes, the limit is \(settings.maxLineBytes) (first \(sample.count) bytes kept)"), raw: sample, rawLength: length)
            }
            if out.count >= limit || (stop?.isFired == true && !out.isEmpty),
               record.change?.txn == nil || record.change?.txn != out.last?.change?.txn {
                // Keep a source transaction in one batch; anything else waits for the next read. A stop ends the
                // batch early, so SIGTERM does not wait for a whole batch of long lines to decode.
                pending = consume record
                break
            }
            out.append(consume record)
        }
        return out
    }

    public func acknowledge(through position: String) throws {}

    public func close() {}

    /// The position after the last line read (for tests and progress), nil before a file is open.
    public var currentPosition: String? { tailer.position }
}
